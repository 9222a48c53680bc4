"""`flask contracts remind`: a reminder from five working days before a month's delivery is due
and another once it is overdue, each once however often it runs; none for a month submitted.
And what the home pages say is waiting."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.contracts.models import DeliveryReminder
from portal.core.db import db
from portal.outbox.models import OutboxEmail
from tests.contracts.delivery_helpers import (
    FEBRUARY,
    JANUARY,
    clock_for,
    delivery_url,
    save_draft,
    submit_delivery,
)
from tests.contracts.helpers import make_active_contract
from tests.documents.helpers import run_command
from tests.support.pages import page_text


@pytest.fixture(autouse=True)
def clock(app):
    yield from clock_for(app)


def _subjects() -> list[str]:
    db.session.rollback()
    return [email.subject for email in db.session.scalars(select(OutboxEmail).order_by("id"))]


def test_reminders_go_once_each(app, clock, provider, organisation):
    contract = make_active_contract(organisation, start_on=date(2027, 2, 1))
    # February's delivery is due on Friday 12 March 2027: five working days before is 5 March.
    clock(date(2027, 3, 4))
    assert run_command(app, "contracts", "remind").startswith("Sent 0 delivery reminder(s)")
    clock(date(2027, 3, 5))
    assert run_command(app, "contracts", "remind").startswith("Sent 1 delivery reminder(s)")
    assert run_command(app, "contracts", "remind").startswith("Sent 0 delivery reminder(s)")
    assert _subjects() == [
        f"Delivery for February 2027 on {contract.reference} is due on Friday 12 March 2027"
    ]
    clock(date(2027, 3, 12))
    assert run_command(app, "contracts", "remind").startswith("Sent 0")
    clock(date(2027, 3, 15))
    assert run_command(app, "contracts", "remind").startswith("Sent 1")
    run_command(app, "contracts", "remind")
    assert _subjects()[-1] == f"Delivery for February 2027 on {contract.reference} is overdue"
    body = db.session.scalars(select(OutboxEmail.body).order_by(OutboxEmail.id.desc())).first()
    assert delivery_url(contract, FEBRUARY) in body
    kinds = db.session.scalars(select(DeliveryReminder.kind).order_by(DeliveryReminder.id)).all()
    assert kinds == ["due", "overdue"]


def test_no_reminder_for_a_month_submitted_or_a_contract_not_active(
    app, clock, provider_client, organisation, other_organisation
):
    contract = make_active_contract(organisation)
    make_active_contract(other_organisation, active=False)
    assert submit_delivery(provider_client, contract, JANUARY).status_code == 302
    clock(date(2027, 2, 15))  # January was due on 12 February
    assert run_command(app, "contracts", "remind").startswith("Sent 0")


def test_the_home_pages_say_what_is_waiting(
    provider_client, commissioner_client, reviewer_client, organisation
):
    contract = make_active_contract(organisation)
    home = page_text(provider_client.get("/home"))
    assert f"Record the delivery for January 2027 on {contract.reference}" in home
    assert "Overdue: it was due on Friday 12 February 2027" in home
    assert f"Record the delivery for February 2027 on {contract.reference}" in home
    assert "Due on Friday 12 March 2027" in home
    assert "Statements waiting" not in page_text(commissioner_client.get("/home"))

    assert submit_delivery(provider_client, contract, JANUARY).status_code == 302

    home = page_text(provider_client.get("/home"))
    assert "Record the delivery for January 2027" not in home
    assert "Statements waiting for approval 1 statement, the oldest issued on" in page_text(
        commissioner_client.get("/home")
    )
    # Reviewers do not approve statements.
    assert "Statements waiting" not in page_text(reviewer_client.get("/home"))


def test_the_provider_home_lists_each_month_owed_whichever_months_are_in(
    clock, provider_client, organisation
):
    # The home reads how many months are in, and only reads which when that is not all of them
    # (contracts/waiting.py): a month missed before one submitted, and a draft, are still owed.
    contract = make_active_contract(organisation)
    clock(date(2027, 4, 1))  # January, February and March have ended
    assert submit_delivery(provider_client, contract, FEBRUARY).status_code == 302
    assert save_draft(provider_client, contract, JANUARY).status_code == 302

    home = page_text(provider_client.get("/home"))
    assert f"Record the delivery for January 2027 on {contract.reference}" in home
    assert "Record the delivery for February 2027" not in home
    assert f"Record the delivery for March 2027 on {contract.reference}" in home

    assert submit_delivery(provider_client, contract, JANUARY).status_code == 302
    assert submit_delivery(provider_client, contract, date(2027, 3, 1)).status_code == 302
    assert "Record the delivery" not in page_text(provider_client.get("/home"))
