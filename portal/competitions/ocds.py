"""Open data: an OCDS 1.1 release package for each published, awarded or cancelled competition.

No personal data: no person is named (a sole trader's name is a person's, so it is left out),
and a placement request says only which type of service it was for, never the child's needs,
reference code or area. Who quoted is published only once the award is made.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.competitions import services
from portal.competitions.models import (
    AWARDED,
    CANCELLED,
    CONFIRMED,
    DRAFT,
    QUOTE_SUBMITTED,
    Competition,
    CompetitionAttachment,
    Quote,
)
from portal.core.db import db
from portal.core.errors import NotFoundForUser
from portal.core.time import as_utc
from portal.organisations.models import Organisation

LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
SOLE_TRADER = "sole_trader"


def _iso(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def _prefix() -> str:
    return current_app.config["OCDS_PREFIX"]


def _party(organisation: Organisation, roles: list[str]) -> dict:
    party = {"id": f"{_prefix()}-org-{organisation.id}", "roles": roles}
    if organisation.legal_form != SOLE_TRADER:
        party["name"] = organisation.legal_name
    return party


def _reference(party: dict) -> dict:
    return {key: value for key, value in party.items() if key in ("id", "name")}


def release_package(competition_id: int) -> dict:
    """The package for one competition. Raises NotFoundForUser (404) for one never published."""
    competition = db.session.scalar(
        select(Competition)
        .where(Competition.id == competition_id)
        .options(
            joinedload(Competition.lot),
            selectinload(Competition.questions),
            selectinload(Competition.attachments).joinedload(CompetitionAttachment.file),
        )
    )
    # A draft, or one cancelled before it was ever published: nothing was made public.
    if competition is None or competition.status == DRAFT or competition.published_at is None:
        raise NotFoundForUser()
    base = current_app.config["BASE_URL"]
    return {
        "uri": base + url_for("competitions.release_package", competition_id=competition.id),
        "version": "1.1",
        "publishedDate": _iso(services.now()),
        "publisher": {"name": current_app.config["COUNCIL_NAME"]},
        "license": LICENCE,
        "publicationPolicy": base + url_for("admissions.how_call_offs_are_made"),
        "releases": [release(competition)],
    }


def _documents(competition: Competition) -> list[dict]:
    """The files published with a mini-competition, described but not linked: they are for the
    invited providers, who download them through the portal. A placement request's files are
    never described: they are about a child."""
    return [
        {
            "id": f"{competition.reference}-file-{attachment.id}",
            "documentType": "biddingDocuments",
            "title": attachment.file.original_filename,
            "format": attachment.file.content_type,
            "datePublished": _iso(competition.published_at),
            "language": "en",
        }
        for attachment in competition.attachments
        if attachment.file.is_available
    ]


def release(competition: Competition) -> dict:
    ocid = f"{_prefix()}-{competition.reference}"
    council = current_app.config["COUNCIL_NAME"]
    buyer = {"id": f"{_prefix()}-buyer", "name": council, "roles": ["buyer", "procuringEntity"]}
    if competition.status == CANCELLED:
        tag, date, status = "tenderCancellation", competition.cancelled_at, "cancelled"
    elif competition.status in (AWARDED, CONFIRMED):
        tag, date, status = "award", competition.awarded_at, "complete"
    else:
        tag, date, status = "tender", competition.published_at, "active"
    at = services.now()
    title = (
        f"Placement request: {competition.lot.name}"
        if competition.is_placement
        else competition.title
    )
    tender = {
        "id": competition.reference,
        "title": title,
        "status": status,
        "procurementMethod": "selective",
        "procurementMethodDetails": (
            f"{competition.kind_label} under the {current_app.config['SERVICE_NAME']}"
        ),
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": (
            f"Quality {competition.quality_weight}, price {competition.price_weight}"
            + (f", local providers {competition.local_weight}" if competition.local_weight else "")
            + " out of 100"
        ),
        "submissionMethod": ["electronicSubmission"],
        "enquiryPeriod": {
            "startDate": _iso(competition.published_at),
            "endDate": _iso(competition.clarification_deadline),
        },
        "tenderPeriod": {
            "startDate": _iso(competition.published_at),
            "endDate": _iso(competition.submission_deadline),
        },
        "items": [
            {
                "id": "1",
                "description": competition.lot.name,
                "unit": {"name": competition.price_basis_label},
            }
        ],
    }
    if not competition.is_placement:
        tender["description"] = competition.description
        documents = _documents(competition)
        if documents:
            tender["documents"] = documents
    if not services.is_sealed(competition, at):
        tender["numberOfTenderers"] = db.session.scalar(
            select(func.count(Quote.id)).where(
                Quote.competition_id == competition.id, Quote.status == QUOTE_SUBMITTED
            )
        )
    parties = [buyer]
    result = {
        "ocid": ocid,
        "id": f"{ocid}-{tag}-{_iso(date).replace(':', '')}",
        "date": _iso(date),
        "tag": [tag],
        "initiationType": "tender",
        "language": "en",
        "buyer": _reference(buyer),
        "parties": parties,
        "tender": tender,
    }
    if competition.winner_quote_id is not None and competition.status in (AWARDED, CONFIRMED):
        winner = db.session.scalar(
            select(Quote)
            .where(Quote.id == competition.winner_quote_id)
            .options(joinedload(Quote.organisation), selectinload(Quote.versions))
        )
        supplier = _party(winner.organisation, ["supplier", "tenderer"])
        parties.append(supplier)
        result["awards"] = [
            {
                "id": f"{competition.reference}-award",
                "title": title,
                "status": "active" if competition.status == CONFIRMED else "pending",
                "date": _iso(competition.awarded_at),
                "suppliers": [_reference(supplier)],
                "value": {
                    "amount": winner.versions[-1].price_pence / 100,
                    "currency": "GBP",
                },
            }
        ]
    return result
