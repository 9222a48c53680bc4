"""Open data: for each published competition, an OCDS 1.1 release package holding every release
made about it (the tender, each amendment, the award and its update, a cancellation), and a
record package that lists them under the competition's ocid.

Each release is stored when it is made (`record_release`, called by the competition's one state
move) and served as stored: what was published at the time stays published, unchanged.

The award's value is the winning rate times the number of units (hours, days or placements) the
council said it would buy; the rate itself is the unit price of the award's item. The method is
on the published "how call-offs are made" page, the packages' publication policy.

No personal data: no person is named (a sole trader's name is a person's, so it is left out),
and a placement request says only which type of service it was for, never the child's needs,
reference code or area. Who quoted is published only once the award is made.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.competitions.models import (
    AWARDED,
    CANCELLED,
    CONFIRMED,
    DRAFT,
    PUBLISHED,
    QUOTE_SUBMITTED,
    TOTAL_PRICE,
    Competition,
    CompetitionAttachment,
    CompetitionRelease,
    Quote,
)
from portal.competitions.services import common
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


# The release each move of a competition publishes.
TAG_OF_MOVE = {
    PUBLISHED: "tender",
    CANCELLED: "tenderCancellation",
    AWARDED: "award",
    CONFIRMED: "awardUpdate",
}
AMENDMENT = "tenderAmendment"


def _published(competition_id: int) -> Competition:
    """Raises NotFoundForUser (404) for a competition never published."""
    competition = db.session.scalar(
        select(Competition)
        .where(Competition.id == competition_id)
        .options(
            joinedload(Competition.lot),
            selectinload(Competition.attachments).joinedload(CompetitionAttachment.file),
        )
    )
    # A draft, or one cancelled before it was ever published: nothing was made public.
    if competition is None or competition.status == DRAFT or competition.published_at is None:
        raise NotFoundForUser()
    return competition


def _stored(competition: Competition) -> list[CompetitionRelease]:
    return list(
        db.session.scalars(
            select(CompetitionRelease)
            .where(CompetitionRelease.competition_id == competition.id)
            .order_by(CompetitionRelease.number)
        )
    )


def record_release(
    competition: Competition,
    tag: str,
    rationale: str | None = None,
    changed: dict[str, datetime] | None = None,
) -> CompetitionRelease:
    """Store the release `tag` of `competition` as of now, after the competition's row has been
    moved (and so locked by its version check): numbers cannot collide. A tender amendment
    gives its `rationale` and the deadlines it `changed` (their values before)."""
    number = 1 + (
        db.session.scalar(
            select(func.max(CompetitionRelease.number)).where(
                CompetitionRelease.competition_id == competition.id
            )
        )
        or 0
    )
    at = common.now()
    body = release(competition, tag, at, number)
    if rationale is not None:
        body["tender"]["amendments"] = [
            {
                "id": str(number),
                "date": _iso(at),
                "rationale": rationale,
                "description": _changes(competition, changed or {}),
            }
        ]
    stored = CompetitionRelease(
        competition_id=competition.id, number=number, tag=tag, released_at=at, body=body
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def _changes(competition: Competition, before: dict[str, datetime]) -> str:
    words = {
        "submission_deadline": "The deadline for quotes",
        "clarification_deadline": "The deadline for questions",
    }
    return " ".join(
        f"{words[name]} moved from {_iso(was)} to {_iso(getattr(competition, name))}."
        for name, was in before.items()
        if was != getattr(competition, name)
    )


def _package_head(competition: Competition, endpoint: str, latest: datetime) -> dict:
    base = current_app.config["BASE_URL"]
    return {
        "uri": base + url_for(endpoint, competition_id=competition.id),
        "version": "1.1",
        # Made on demand: the date of the latest change to what it holds.
        "publishedDate": _iso(latest),
        "publisher": {"name": current_app.config["COUNCIL_NAME"]},
        "license": LICENCE,
        "publicationPolicy": base + url_for("admissions.how_call_offs_are_made"),
    }


def _releases(competition: Competition) -> list[dict]:
    """Every release as stored. A competition published before releases were stored has
    none: it is described as it stands now, once."""
    stored = _stored(competition)
    if stored:
        return [row.body for row in stored]
    return [release(competition, _current_tag(competition), _current_date(competition), 1)]


def _current_tag(competition: Competition) -> str:
    return TAG_OF_MOVE[competition.status]


def _current_date(competition: Competition) -> datetime:
    return {
        PUBLISHED: competition.published_at,
        CANCELLED: competition.cancelled_at,
        AWARDED: competition.awarded_at,
        CONFIRMED: competition.confirmed_at or competition.awarded_at,
    }[competition.status]


def _latest(releases: list[dict]) -> datetime:
    return max(datetime.fromisoformat(each["date"].replace("Z", "+00:00")) for each in releases)


def release_package(competition_id: int) -> dict:
    """The release package of one competition: every release made about it, oldest first.
    Raises NotFoundForUser (404) for one never published."""
    competition = _published(competition_id)
    releases = _releases(competition)
    return _package_head(competition, "competitions.release_package", _latest(releases)) | {
        "releases": releases
    }


def record_package(competition_id: int) -> dict:
    """The record package: one record for the competition's ocid, linking each of its
    releases in the release package (by the package's address and the release's id), oldest
    first. Raises NotFoundForUser (404) for one never published."""
    competition = _published(competition_id)
    releases = _releases(competition)
    head = _package_head(competition, "competitions.record_package", _latest(releases))
    package_uri = current_app.config["BASE_URL"] + url_for(
        "competitions.release_package", competition_id=competition.id
    )
    return head | {
        "packages": [package_uri],
        "records": [
            {
                "ocid": releases[0]["ocid"],
                "releases": [
                    {"url": f"{package_uri}#{each['id']}", "date": each["date"], "tag": each["tag"]}
                    for each in releases
                ],
            }
        ],
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


def _pounds(pence: int) -> float | int:
    return pence / 100 if pence % 100 else pence // 100


def release(competition: Competition, tag: str, date: datetime, number: int) -> dict:
    """The release `tag` as of `date`, the competition as it stands."""
    ocid = f"{_prefix()}-{competition.reference}"
    council = current_app.config["COUNCIL_NAME"]
    buyer = {"id": f"{_prefix()}-buyer", "name": council, "roles": ["buyer", "procuringEntity"]}
    if competition.status == CANCELLED:
        status = "cancelled"
    elif competition.status in (AWARDED, CONFIRMED):
        status = "complete"
    else:
        status = "active"
    at = common.now()
    item = {
        "id": "1",
        "description": competition.lot.name,
        "quantity": competition.units,
        "unit": {"name": competition.price_basis_label},
    }
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
        "items": [item],
    }
    if competition.price_basis == TOTAL_PRICE:
        # One piece of work at one price: there is no unit to count.
        del item["quantity"]
    if not competition.is_placement:
        tender["description"] = competition.description
        documents = _documents(competition)
        if documents:
            tender["documents"] = documents
    if not common.is_sealed(competition, at):
        tender["numberOfTenderers"] = db.session.scalar(
            select(func.count(Quote.id)).where(
                Quote.competition_id == competition.id, Quote.status == QUOTE_SUBMITTED
            )
        )
    parties = [buyer]
    result = {
        "ocid": ocid,
        "id": f"{ocid}-{number:03d}-{tag}",
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
        rate = winner.versions[-1].price_pence
        awarded_item = item | {
            "unit": item["unit"] | {"value": {"amount": _pounds(rate), "currency": "GBP"}}
        }
        result["awards"] = [
            {
                "id": f"{competition.reference}-award",
                "title": title,
                "status": "active" if competition.status == CONFIRMED else "pending",
                "date": _iso(competition.awarded_at),
                "suppliers": [_reference(supplier)],
                # The whole award: the rate for each unit times the units the council buys.
                "value": {"amount": _pounds(rate * competition.units), "currency": "GBP"},
                "items": [awarded_item],
            }
        ]
    return result
