"""Open data about call-off contracts: OCDS 1.1 releases, the Procurement Act's contract
notices. A "contract" release when the contract becomes active, a "contractAmendment" when a
variation changes its value by more than the threshold in the settings, a "contractTermination"
when it is terminated.

Each release is stored as it is made (`record_release`, called by the service that made the
change, after the contract's row has been moved or changed under its version check) and served
as stored: what was published stays published, unchanged.

A contract made from an award shares its competition's ocid (one contracting process) and
names the competition's award; a direct call-off has its own ocid, with a "direct" tender
giving the published ground (never the commissioner's words about it) and its award.

No personal data: no person is named (a sole trader's name is left out), and nothing about the
child: not the placement reference, not the title the commissioner typed (the lot and the
contract's reference stand for it), no reasons in words.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app, url_for
from sqlalchemy import func, select

from portal.competitions.models import Competition
from portal.contracts.models import (
    DIRECT_GROUNDS,
    FROM_AWARD,
    TERMINATED,
    UNITS,
    VARIATION_KINDS,
    Contract,
    ContractRelease,
    ContractVersion,
)
from portal.core.db import db
from portal.core.errors import NotFoundForUser
from portal.core.money import format_pence
from portal.core.time import as_utc, utcnow

CONTRACT = "contract"
AMENDMENT = "contractAmendment"
TERMINATION = "contractTermination"
LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
SOLE_TRADER = "sole_trader"


def _iso(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _pounds(pence: int) -> float | int:
    return pence / 100 if pence % 100 else pence // 100


def _money(pence: int) -> dict[str, Any]:
    return {"amount": _pounds(pence), "currency": "GBP"}


def _prefix() -> str:
    prefix: str = current_app.config["OCDS_PREFIX"]
    return prefix


def _ocid_and_award(contract: Contract) -> tuple[str, str]:
    """The contracting process's ocid and the award the contract comes from."""
    if contract.origin == FROM_AWARD:
        competition = db.session.get(Competition, contract.competition_id)
        assert competition is not None  # a contract from an award keeps its competition
        return f"{_prefix()}-{competition.reference}", f"{competition.reference}-award"
    return f"{_prefix()}-{contract.reference}", f"{contract.reference}-award"


def record_release(
    contract: Contract, tag: str, *, version: ContractVersion | None = None
) -> ContractRelease:
    """Store the release `tag` of `contract` as it stands now (an amendment names the
    `version` that made it). Called after the contract's row has been moved or changed under
    its version check, so two releases cannot take the same number."""
    number = 1 + (
        db.session.scalar(
            select(func.max(ContractRelease.number)).where(
                ContractRelease.contract_id == contract.id
            )
        )
        or 0
    )
    at = utcnow()
    stored = ContractRelease(
        contract_id=contract.id,
        number=number,
        tag=tag,
        released_at=at,
        body=release(contract, tag, at, number, version),
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def _party(contract: Contract, roles: list[str]) -> dict[str, Any]:
    organisation = contract.organisation
    party: dict[str, Any] = {"id": f"{_prefix()}-org-{organisation.id}", "roles": roles}
    if organisation.legal_form != SOLE_TRADER:
        party["name"] = organisation.legal_name
    return party


def _reference(party: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in party.items() if key in ("id", "name")}


def release(
    contract: Contract,
    tag: str,
    at: datetime,
    number: int,
    version: ContractVersion | None = None,
) -> dict[str, Any]:
    """The release `tag` of the contract as of `at`."""
    ocid, award_id = _ocid_and_award(contract)
    buyer = {
        "id": f"{_prefix()}-buyer",
        "name": current_app.config["COUNCIL_NAME"],
        "roles": ["buyer", "procuringEntity"],
    }
    supplier = _party(contract, ["supplier"])
    title = f"Call-off contract {contract.reference}: {contract.lot.name}"
    published: dict[str, Any] = {
        "id": contract.reference,
        "awardID": award_id,
        "title": title,
        "status": "terminated" if contract.status == TERMINATED else "active",
        "period": {"startDate": _day(contract.start_on), "endDate": _day(contract.end_on)},
        "value": _money(contract.total_pence),
        "items": [
            {
                "id": "1",
                "description": contract.lot.name,
                "quantity": contract.planned_units,
                "unit": {"name": UNITS[contract.unit], "value": _money(contract.rate_pence)},
            }
        ],
    }
    if contract.accepted_at is not None:
        published["dateSigned"] = _iso(contract.accepted_at)
    if version is not None:
        published["amendments"] = [
            {
                "id": str(version.number),
                "date": _iso(at),
                "rationale": VARIATION_KINDS[version.kind],
                "description": (
                    f"Version {version.number}: the contract's value is now "
                    f"{format_pence(version.total_pence)}"
                ),
            }
        ]
    result: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{contract.reference}-{number:03d}-{tag}",
        "date": _iso(at),
        "tag": [tag],
        "initiationType": "tender",
        "language": "en",
        "buyer": _reference(buyer),
        "parties": [buyer, supplier],
        "contracts": [published],
    }
    if contract.origin != FROM_AWARD:
        # A direct call-off: the published ground, and the award it amounts to.
        ground = DIRECT_GROUNDS[contract.direct_ground or ""]
        result["tender"] = {
            "id": f"{contract.reference}-tender",
            "title": title,
            "status": "complete",
            "procurementMethod": "direct",
            "procurementMethodDetails": (
                f"Direct call-off under the {current_app.config['SERVICE_NAME']}"
            ),
            "procurementMethodRationale": ground,
            "mainProcurementCategory": "services",
        }
        result["awards"] = [
            {
                "id": award_id,
                "title": title,
                "status": "active",
                "date": _iso(contract.sent_at or contract.created_at),
                "suppliers": [_reference(supplier)],
                "value": _money(contract.total_pence),
            }
        ]
    return result


def release_package(contract_id: int) -> dict[str, Any]:
    """Every release made about the contract, as first published, oldest first. Raises
    NotFoundForUser (404) for a contract with none (never active)."""
    stored = list(
        db.session.scalars(
            select(ContractRelease)
            .where(ContractRelease.contract_id == contract_id)
            .order_by(ContractRelease.number)
        )
    )
    if not stored:
        raise NotFoundForUser()
    base = current_app.config["BASE_URL"]
    return {
        "uri": base + url_for("contracts.release_package", contract_id=contract_id),
        "version": "1.1",
        "publishedDate": _iso(max(row.released_at for row in stored)),
        "publisher": {"name": current_app.config["COUNCIL_NAME"]},
        "license": LICENCE,
        "publicationPolicy": base + url_for("admissions.how_call_offs_are_made"),
        "releases": [row.body for row in stored],
    }
