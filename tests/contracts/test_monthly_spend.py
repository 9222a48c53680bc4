"""The approved statements' monthly sums the spend report reads (MonthlySpend, kept by the
database's triggers): a change shows on the next report, and after every kind of write to
statements, their lines, contracts and organisations the sums equal the approved statements
added up afresh."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import delete, func, select, update

from portal.contracts.models import (
    LINE_DELIVERY,
    LINE_HELD_BACK,
    STATEMENT_APPROVED,
    STATEMENT_QUERIED,
    STATEMENT_WAITING,
    ContractOutcome,
    MonthlySpend,
    Statement,
    StatementLine,
)
from portal.core.db import db
from portal.organisations.models import Organisation
from tests.contracts import spend_data
from tests.contracts.delivery_helpers import FEBRUARY, clock_for, submit_delivery
from tests.contracts.helpers import make_active_contract
from tests.contracts.test_reports import _csv, _pence
from tests.contracts.test_statement_concurrency import _at_once, _commissioners
from tests.support.pages import field_value, soup

PERIOD = "from=2027-01-01&to=2027-03-31"
ATTEMPTS = 6


@pytest.fixture(autouse=True)
def clock(app):
    yield from clock_for(app)


def _february(client, table: str, column: str) -> int:
    (row,) = [row for row in _csv(client, table, PERIOD) if row["Month"] == "February 2027"]
    return _pence(row[column])


def _form(response) -> dict[str, str]:
    """The form on the page as its owner would send it back untouched."""
    form = soup(response).select_one("main form")
    values = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        if field.name == "input" and field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                values[field["name"]] = field.get("value", "y")
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            values[field["name"]] = chosen.get("value", "") if chosen else ""
        else:
            values[field["name"]] = field.get("value") or field.get_text()
    return values


def test_an_approval_and_a_change_of_kind_of_provider_show_on_the_next_report(
    provider_client, commissioner_client, organisation
):
    contract = make_active_contract(organisation)  # 10% held back
    assert submit_delivery(provider_client, contract, FEBRUARY).status_code == 302
    statement = db.session.scalars(select(Statement)).one()
    assert _february(commissioner_client, "months", "Approved spend (£)") == 0  # waiting

    page = commissioner_client.get(
        f"/contracts/organisations/{organisation.id}/statements/{statement.id}"
    )
    approved = commissioner_client.post(
        f"/contracts/statements/{statement.id}/approve",
        data={
            "csrf_token": field_value(page, "csrf_token"),
            "lock_version": field_value(page, "lock_version"),
        },
    )
    assert approved.status_code == 302

    db.session.rollback()
    net = db.session.scalar(select(Statement.net_pence))
    held_back = -db.session.scalar(
        select(StatementLine.amount_pence).where(StatementLine.kind == LINE_HELD_BACK)
    )
    assert (net, held_back) == (32_400, 3_600)
    assert _february(commissioner_client, "months", "Approved spend (£)") == net
    (outcomes,) = _csv(commissioner_client, "outcomes", PERIOD)
    assert _pence(outcomes["Held back (£)"]) == held_back
    assert _february(commissioner_client, "shares", "Voluntary (VCSE) spend (£)") == 0

    edit = provider_client.get(f"/organisations/{organisation.id}/edit")
    answers = _form(edit) | {"is_vcse": "y"}
    assert (
        provider_client.post(f"/organisations/{organisation.id}/edit", data=answers).status_code
        == 302
    )
    db.session.rollback()
    assert db.session.get(Organisation, organisation.id).is_vcse
    assert _february(commissioner_client, "shares", "Voluntary (VCSE) spend (£)") == net


def _assert_kept() -> None:
    db.session.commit()
    expected = spend_data.monthly_spend_added_up()
    assert expected  # something approved to add up
    assert spend_data.monthly_spend_kept() == expected
    assert (
        db.session.scalar(
            select(func.count()).where(
                (MonthlySpend.statement_count < 0) | (MonthlySpend.money_line_count < 0)
            )
        )
        == 0
    )


def test_the_sums_equal_the_approved_statements_after_every_kind_of_write(app_ctx):
    rng = random.Random(18)
    built = spend_data.Built()
    organisations = spend_data.make_organisations(rng, 6, built)
    spend_data.build(rng, 60, organisations, built)  # statements and lines written by the ORM
    _assert_kept()

    approved = db.session.scalars(
        select(Statement).where(Statement.status == STATEMENT_APPROVED).order_by(Statement.id)
    ).all()
    lines = db.session.scalars(
        select(StatementLine)
        .join(Statement, Statement.id == StatementLine.statement_id)
        .where(Statement.status == STATEMENT_APPROVED)
        .order_by(StatementLine.id)
    ).all()
    lots = sorted({contract.lot_id for contract in built.contracts})

    # A contract's team and lot change, another moves to another organisation.
    contract = approved[0].contract
    contract.team = "Virtual School" if contract.team != "Virtual School" else "SEND"
    contract.lot_id = next(lot for lot in lots if lot != contract.lot_id)
    _assert_kept()
    moved = approved[-1].contract
    moved.organisation_id = next(o for o in organisations if o != moved.organisation_id)
    _assert_kept()

    # An organisation becomes (or stops being) SME, VCSE and local at once.
    organisation = db.session.get(Organisation, approved[1].contract.organisation_id)
    organisation.is_sme = not organisation.is_sme
    organisation.is_vcse = not organisation.is_vcse
    organisation.is_local = not organisation.is_local
    _assert_kept()

    # A statement stops being approved; another's month and net total change.
    approved[2].status = STATEMENT_QUERIED
    approved[3].month = date(2028, 1, 1)
    approved[3].net_pence += 1_234
    _assert_kept()

    # Lines: an amount changes, one changes kind, one moves statement, one goes.
    held_back = [line for line in lines if line.kind == LINE_HELD_BACK]
    held_back[0].amount_pence -= 500
    held_back[1].kind = LINE_DELIVERY
    held_back[2].statement_id = approved[4].id
    _assert_kept()
    db.session.delete(held_back[3])
    _assert_kept()

    # A statement goes with its lines, in two DELETEs as a bulk clean-up would.
    gone = approved[5].id
    db.session.execute(
        update(ContractOutcome)
        .where(ContractOutcome.paid_on_statement_id == gone)
        .values(paid_on_statement_id=None)
    )
    db.session.execute(delete(StatementLine).where(StatementLine.statement_id == gone))
    db.session.execute(delete(Statement).where(Statement.id == gone))
    _assert_kept()

    # Every waiting statement approved in one UPDATE, as a compare-and-set move writes.
    db.session.execute(
        update(Statement)
        .where(Statement.status.in_((STATEMENT_WAITING, STATEMENT_QUERIED)))
        .values(status=STATEMENT_APPROVED)
        .execution_options(synchronize_session=False)
    )
    _assert_kept()


def test_approvals_at_once_in_the_same_month_lot_and_team_are_each_counted(
    make_app, provider_client, organisation
):
    """Each approval adds to the same row of sums under its row lock (PostgreSQL) or the one
    writer (SQLite): none is lost to another landing at the same moment."""
    contracts = [make_active_contract(organisation) for _ in range(ATTEMPTS)]
    for contract in contracts:
        assert submit_delivery(provider_client, contract, FEBRUARY).status_code == 302
    statements = db.session.scalars(select(Statement).order_by(Statement.id)).all()
    # As many sign-ins from one address would meet the sign-in rate limit.
    app = make_app(RATELIMIT_ENABLED=False, KPI_TODAY=FEBRUARY.replace(month=3, day=10))
    clients = _commissioners(app, ATTEMPTS)
    posts = []
    for client, statement in zip(clients, statements, strict=True):
        page = client.get(f"/contracts/organisations/{organisation.id}/statements/{statement.id}")
        form = {
            "csrf_token": field_value(page, "csrf_token"),
            "lock_version": field_value(page, "lock_version"),
        }
        url = f"/contracts/statements/{statement.id}/approve"
        posts.append(lambda c=client, u=url, f=form: c.post(u, data=f))

    assert [response.status_code for response in _at_once(posts)] == [302] * ATTEMPTS

    db.session.rollback()
    assert db.session.scalar(
        select(func.count()).where(Statement.status == STATEMENT_APPROVED)
    ) == (ATTEMPTS)
    ((count, spend),) = db.session.execute(
        select(MonthlySpend.statement_count, MonthlySpend.spend_pence)
    ).all()
    assert (count, spend) == (ATTEMPTS, sum(statement.net_pence for statement in statements))
