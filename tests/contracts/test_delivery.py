"""A provider records a month's delivery on its contract: a draft, then a submission that makes
the month's self-billing statement. Every wrong figure is refused beside its box, with nothing
written; months outside the contract, other organisations' contracts and old pages are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.contracts.models import (
    DRAFT,
    TERMINATED,
    Delivery,
    Statement,
    StatementLine,
)
from portal.contracts.services.common import CONTRACT_MOVES
from portal.core import workflow
from portal.core.db import db
from tests.contracts.delivery_helpers import (
    FEBRUARY,
    GOOD,
    JANUARY,
    MARCH,
    clock_for,
    delivery_url,
    form_for,
    save_draft,
    submit_delivery,
)
from tests.contracts.helpers import make_active_contract
from tests.support.pages import banner_text, field_value, page_errors, page_h1, page_text


@pytest.fixture(autouse=True)
def clock(app):
    yield from clock_for(app)


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_draft_is_saved_then_submitted_making_the_statement(provider_client, organisation):
    contract = make_active_contract(organisation)  # £45 a session, 10% held back
    url = delivery_url(contract, FEBRUARY)
    page = provider_client.get(url)
    assert page_h1(page) == "Delivery for February 2027"
    assert "Due Friday 12 March 2027" in page_text(page)

    saved = save_draft(provider_client, contract, FEBRUARY, GOOD | {"units_delivered": "7"})
    assert saved.status_code == 302
    page = provider_client.get(url)
    assert "Your draft has been saved" in banner_text(page)
    assert field_value(page, "units_delivered") == "7"
    assert _count(Statement) == 0

    submitted = submit_delivery(provider_client, contract, FEBRUARY)
    assert submitted.status_code == 302
    page = provider_client.get(url)
    assert "has been submitted" in banner_text(page)
    assert "Attendance 80.0%" in page_text(page)
    assert "The child was absent: 2" in page_text(page)
    (statement,) = db.session.scalars(select(Statement)).all()
    assert statement.number == f"SB-{statement.id:06d}"
    assert statement.status == "waiting"
    lines = db.session.execute(
        select(StatementLine.kind, StatementLine.amount_pence).order_by(StatementLine.position)
    ).all()
    assert [tuple(line) for line in lines] == [("delivery", 36_000), ("held_back", -3_600)]
    assert (statement.net_pence, statement.vat_pence, statement.gross_pence) == (32_400, 0, 32_400)
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.like("delivery.%"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["delivery.saved", "delivery.submitted"]


def test_the_current_month_can_be_drafted_but_not_submitted(provider_client, organisation):
    contract = make_active_contract(organisation)
    assert save_draft(provider_client, contract, MARCH).status_code == 302
    page = provider_client.get(delivery_url(contract, MARCH))
    assert "Submit delivery" not in page_text(page)

    refused = submit_delivery(provider_client, contract, MARCH)

    assert refused.status_code == 200
    assert "once the month has ended, from 1 April 2027" in " ".join(page_errors(refused).values())
    assert db.session.scalar(select(Delivery.status)) == "draft"
    assert _count(Statement) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"units_delivered": "0"},
            "units_delivered",
            "Enter the units delivered this month: at least 1",
        ),
        (
            {"units_delivered": ""},
            "units_delivered",
            "Enter the units delivered this month: at least 1",
        ),
        ({"units_delivered": "-3"}, "units_delivered", "Units delivered must be 0 or more"),
        (
            {"units_delivered": "ten"},
            "units_delivered",
            "Units delivered must be a whole number, like 12",
        ),
        (
            {"units_delivered": "2.5"},
            "units_delivered",
            "Units delivered must be a whole number, like 12",
        ),
        (
            {"units_delivered": "1e9"},
            "units_delivered",
            "Units delivered must be a whole number, like 12",
        ),
        (
            {"units_delivered": "99999999999999"},
            "units_delivered",
            "Units delivered must be 100,000 or fewer",
        ),
        (
            {"units_delivered": "100001"},
            "units_delivered",
            "Units delivered must be 100,000 or fewer",
        ),
        (
            {"units_delivered": "9" * 21},
            "units_delivered",
            "Units delivered must be 20 characters or fewer",
        ),
        (
            {"sessions_offered": "1001"},
            "sessions_offered",
            "Sessions offered must be 1,000 or fewer",
        ),
        (
            {"sessions_attended": "11"},
            "sessions_attended",
            "Sessions attended must be no more than the sessions offered (10)",
        ),
        (
            {"cancelled_other": "-1"},
            "cancelled_other",
            "Sessions cancelled: another reason must be 0 or more",
        ),
        (
            {"cancelled_child_absent": "lots"},
            "cancelled_child_absent",
            "Sessions cancelled: the child was absent must be a whole number, like 12",
        ),
        ({"notes": "x" * 2001}, "notes", "Notes must be 2000 characters or fewer"),
        ({"notes": "Kacey Brown enjoyed the sessions"}, "notes", "Notes must not include a name"),
        ({"notes": "Lives at DY1 1HF"}, "notes", "Notes must not include a full postcode"),
        ({"notes": "Born 12/03/2014"}, "notes", "Notes must not include a date of birth"),
    ],
)
def test_wrong_figures_are_refused_beside_their_box(
    provider_client, organisation, changes, field, message
):
    contract = make_active_contract(organisation)

    refused = submit_delivery(provider_client, contract, FEBRUARY, GOOD | changes)

    assert refused.status_code == 200
    errors = page_errors(refused)
    assert field in errors, errors
    assert errors[field].startswith(message), errors
    # What was typed stays on the page; nothing is written.
    typed = GOOD | changes
    for name in ("units_delivered", "sessions_offered", "sessions_attended"):
        assert field_value(refused, name) == typed[name]
    assert _count(Delivery) == 0
    assert _count(Statement) == 0


def test_a_wrong_figure_in_a_draft_keeps_the_saved_draft(provider_client, organisation):
    contract = make_active_contract(organisation)
    assert save_draft(provider_client, contract, FEBRUARY).status_code == 302

    refused = save_draft(provider_client, contract, FEBRUARY, GOOD | {"sessions_attended": "12"})

    assert "sessions_attended" in page_errors(refused)
    db.session.rollback()
    delivery = db.session.scalar(select(Delivery))
    assert (delivery.sessions_attended, delivery.lock_version) == (8, 1)


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026/12", "December 2026 is outside it"),
        ("2027/8", "August 2027 is outside it"),
        ("2027/4", "once the month has begun"),
    ],
)
def test_a_month_outside_the_contract_or_not_begun_is_not_available(
    provider_client, organisation, month, message
):
    contract = make_active_contract(organisation)
    url = f"/contracts/organisations/{organisation.id}/contracts/{contract.id}/delivery/{month}"

    for response in (provider_client.get(url), provider_client.post(url, data=GOOD)):
        assert response.status_code == 404
        assert message in page_text(response)
    assert _count(Delivery) == 0


def test_a_month_that_is_not_a_month_is_not_found(provider_client, organisation):
    contract = make_active_contract(organisation)
    url = f"/contracts/organisations/{organisation.id}/contracts/{contract.id}/delivery/2027/13"
    assert provider_client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("status", "message"),
    [(DRAFT, "is not active yet: accept it"), (TERMINATED, "has been terminated")],
)
def test_no_delivery_on_a_contract_not_active(provider_client, organisation, status, message):
    contract = make_active_contract(organisation, active=False)
    if status == TERMINATED:
        workflow.move(contract, TERMINATED, CONTRACT_MOVES, termination_reason="Ended early")
        db.session.commit()

    url = delivery_url(contract, FEBRUARY)
    for response in (provider_client.get(url), provider_client.post(url, data=GOOD)):
        assert response.status_code == 404
        assert message in page_text(response)
    assert _count(Delivery) == 0


def test_another_organisations_contract_is_not_found(
    provider_client, other_provider_client, organisation, other_organisation
):
    theirs = make_active_contract(other_organisation)
    # Their contract under our organisation's address, and under theirs.
    ours_url = f"/contracts/organisations/{organisation.id}/contracts/{theirs.id}/delivery/2027/2"
    assert provider_client.get(ours_url).status_code == 404
    assert provider_client.post(ours_url, data=GOOD).status_code == 404
    assert provider_client.get(delivery_url(theirs, FEBRUARY)).status_code == 404
    assert _count(Delivery) == 0


def test_submitting_twice_makes_one_statement(provider_client, organisation):
    contract = make_active_contract(organisation)
    url = delivery_url(contract, FEBRUARY)
    form = form_for(provider_client, url, submit="Submit delivery")

    first = provider_client.post(url, data=form)
    second = provider_client.post(url, data=form)  # a double click: the same page again

    assert first.status_code == second.status_code == 302
    assert _count(Statement) == 1
    # A new page of the old form, sent again, is told the month is settled.
    again = provider_client.post(url, data=form | {"submission_id": "another"})
    assert again.status_code == 302
    assert "has been submitted and is waiting for the council" in banner_text(
        provider_client.get(url)
    )
    assert _count(Statement) == 1


def test_a_stale_page_is_refused(app, provider_client, organisation):
    contract = make_active_contract(organisation)
    url = delivery_url(contract, FEBRUARY)
    assert save_draft(provider_client, contract, FEBRUARY).status_code == 302
    old_page = form_for(provider_client, url, GOOD | {"units_delivered": "5"}, save="Save")
    # Someone else in the organisation saves first.
    assert (
        save_draft(provider_client, contract, FEBRUARY, GOOD | {"units_delivered": "6"}).status_code
        == 302
    )

    refused = provider_client.post(url, data=old_page)

    assert refused.status_code == 200
    assert "This delivery record has just been changed" in " ".join(page_errors(refused).values())
    db.session.rollback()
    assert db.session.scalar(select(Delivery.units_delivered)) == 6


def test_a_first_save_from_a_page_that_showed_a_record_is_refused(provider_client, organisation):
    contract = make_active_contract(organisation)
    url = delivery_url(contract, FEBRUARY)
    form = form_for(provider_client, url, save="Save") | {"lock_version": "3"}

    refused = provider_client.post(url, data=form)

    assert "This delivery record has just been changed" in " ".join(page_errors(refused).values())
    assert _count(Delivery) == 0


def test_the_provider_statements_page_lists_what_is_owed(provider_client, organisation):
    contract = make_active_contract(organisation)
    assert save_draft(provider_client, contract, JANUARY).status_code == 302

    page = provider_client.get(f"/contracts/organisations/{organisation.id}/statements")

    text = page_text(page)
    assert "January 2027 on CO-" in text and "Overdue" in text and "Draft saved" in text
    assert "February 2027" in text and "Friday 12 March 2027" in text
    assert "March 2027" not in text.replace("12 March 2027", "")
