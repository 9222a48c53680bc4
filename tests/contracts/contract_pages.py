"""Helpers for the tests of the contract itself: a placement request awarded through the pages,
the direct call-off form as a commissioner fills it in, and reading a contract back."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from portal.competitions.models import Competition
from portal.contracts.models import Contract, ContractRelease, ContractVersion
from portal.core.db import db
from portal.core.time import today
from portal.lots.models import Lot
from tests.competitions import helpers as competitions
from tests.support.pages import field_value, page_errors

# The quote organisation A sends: £40 an hour, for the placement's planned 120 hours.
ANSWERS = ["A calm mentor", "From Monday", "under-3"]


def award_placement(
    commissioner_client,
    commissioner,
    provider_client,
    organisation,
    standstill="no",
    competition_id: int | None = None,
) -> int:
    """A placement request on mentoring, quoted for by organisation A (admitted to the lot by
    the caller), scored and awarded to it through the pages: the competition's id. Made here,
    unless `competition_id` names a draft already made (priced by the hour)."""
    competition_id = competition_id or competitions.create(commissioner_client, "placement_request")
    competitions.name_evaluators(commissioner_client, competition_id, [commissioner], commissioner)
    assert competitions.publish(commissioner_client, competition_id).status_code == 302
    competitions.quote_and_submit(provider_client, competition_id, ANSWERS, "40")
    competitions.pass_deadline(competition_id)
    commissioner_client.post(
        f"/competitions/{competition_id}/declaration", data={"has_conflict": "no"}
    )
    quote_id = competitions.quote_of(competition_id, organisation.id).id
    fit, availability, _distance = competitions.question_ids(competition_id)
    response = commissioner_client.post(
        f"/competitions/{competition_id}/quotes/{quote_id}/score",
        data={
            f"score_{fit}": "3",
            f"comment_{fit}": "Against the needs",
            f"score_{availability}": "3",
            f"comment_{availability}": "Start date and hours",
        },
    )
    assert response.status_code == 302, page_errors(response)
    commissioner_client.post(f"/competitions/{competition_id}/evaluation/submit")
    url = f"/competitions/{competition_id}/award"
    response = commissioner_client.post(
        url,
        data=competitions.hidden(commissioner_client, url)
        | {"winner": str(quote_id), "standstill": standstill},
    )
    assert response.status_code == 302, page_errors(response)
    return competition_id


def end_standstill(competition_id: int) -> None:
    db.session.rollback()
    db.session.execute(
        update(Competition)
        .where(Competition.id == competition_id)
        .values(standstill_ends_on=today() - timedelta(days=1))
    )
    db.session.commit()


def contracts() -> list[Contract]:
    db.session.rollback()
    return list(db.session.scalars(select(Contract).order_by(Contract.id)))


def contract(contract_id: int) -> Contract:
    db.session.rollback()
    return db.session.get(Contract, contract_id)


def versions(contract_id: int) -> list[ContractVersion]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(ContractVersion)
            .where(ContractVersion.contract_id == contract_id)
            .order_by(ContractVersion.number)
        )
    )


def releases(contract_id: int) -> list[ContractRelease]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(ContractRelease)
            .where(ContractRelease.contract_id == contract_id)
            .order_by(ContractRelease.number)
        )
    )


def lot_id(slug: str = "mentoring") -> int:
    return db.session.scalar(select(Lot.id).where(Lot.slug == slug))


def date_parts(name: str, day: date) -> dict[str, list[str]]:
    return {name: [str(day.day), str(day.month), str(day.year)]}


def direct_form(provider_organisation, **overrides) -> dict:
    """A valid direct call-off with organisation A on mentoring: £45 a session, 60 sessions."""
    start = today() + timedelta(days=7)
    data = {
        "organisation": str(provider_organisation.id),
        "lot": str(lot_id()),
        "ground": "urgent_need",
        "ground_detail": "Excluded last week; the school cannot wait for quotes.",
        "team": "SEND",
        "title": "Mentoring after an exclusion",
        "placement_reference": "SEND-0421",
        **date_parts("start_on", start),
        **date_parts("end_on", start + timedelta(days=90)),
        "unit": "session",
        "rate": "£45",
        "planned_units": "60",
        "held_back_percent": "10",
    }
    return data | overrides


def make_direct(client, provider_organisation, **overrides):
    """POST the direct call-off form (with the page's single-use id)."""
    page = client.get("/contracts/new")
    data = direct_form(provider_organisation, **overrides) | {
        "submission_id": field_value(page, "submission_id")
    }
    return client.post("/contracts/new", data=data)


def hidden(client, url: str) -> dict[str, str]:
    """The hidden fields of the page at `url` (single-use id, version seen)."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return {
        name: field_value(page, name) or ""
        for name in ("submission_id", "lock_version")
        if field_value(page, name) is not None
    }


def publish(contract: Contract) -> Contract:
    """`contract` with its "contract" release stored: for the permission matrix."""
    from portal.contracts import ocds

    ocds.record_release(contract, ocds.CONTRACT)
    db.session.commit()
    return contract
