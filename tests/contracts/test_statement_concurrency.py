"""Twenty commissioners approving one statement at the same moment: one approval, one audit
event, one email, and the statement in one finance export line. Two exports made at the same
moment: each approved statement in exactly one of them. Run on PostgreSQL (the compare-and-set
UPDATE under its row lock) and on SQLite (its single writer)."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.contracts.models import Delivery, FinanceExport, Statement
from portal.core.db import db
from portal.outbox.models import OutboxEmail
from tests.conftest import sign_in
from tests.contracts.delivery_helpers import (
    FEBRUARY,
    JANUARY,
    clock_for,
    delivery_url,
    form_for,
    submit_delivery,
)
from tests.contracts.helpers import make_active_contract
from tests.support import factories
from tests.support.pages import banner_text, field_value, page_errors


@pytest.fixture(autouse=True)
def clock(app):
    yield from clock_for(app)


ATTEMPTS = 20


def _at_once(requests) -> list:
    db.session.commit()  # the test's own transaction must hold no lock the requests need
    start = Barrier(len(requests))

    def run(request):
        start.wait()
        return request()

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(run, requests))


def _count(query) -> int:
    db.session.rollback()
    return db.session.scalar(query)


def _commissioners(app, count: int) -> list:
    return [
        sign_in(
            app.test_client(),
            factories.make_user(
                f"commissioner-{n}@council.example.org",
                full_name=f"Commissioner {n}",
                role="commissioner",
                two_factor=True,
            ),
        )
        for n in range(count)
    ]


def test_one_approval_out_of_twenty_at_once(make_app, provider_client, organisation):
    contract = make_active_contract(organisation)
    assert submit_delivery(provider_client, contract, FEBRUARY).status_code == 302
    statement = db.session.scalar(select(Statement))
    page_url = f"/contracts/organisations/{organisation.id}/statements/{statement.id}"
    # Twenty sign-ins from one address would meet the sign-in rate limit.
    app = make_app(RATELIMIT_ENABLED=False, KPI_TODAY=FEBRUARY.replace(month=3, day=10))
    clients = _commissioners(app, ATTEMPTS)
    forms = []
    for client in clients:
        page = client.get(page_url)
        forms.append(
            {
                "csrf_token": field_value(page, "csrf_token"),
                "lock_version": field_value(page, "lock_version"),
            }
        )
    url = f"/contracts/statements/{statement.id}/approve"

    responses = _at_once(
        [
            lambda c=client, f=form: c.post(url, data=f)
            for client, form in zip(clients, forms, strict=True)
        ]
    )

    assert [r.status_code for r in responses] == [302] * ATTEMPTS
    told = [banner_text(client.get(page_url)) for client in clients]
    approved = [text for text in told if "approved. The provider has been emailed" in text]
    refused = [text for text in told if "just been approved or queried by someone else" in text]
    assert len(approved) == 1 and len(refused) == ATTEMPTS - 1, told
    assert _count(select(func.count()).where(AuditEvent.action == "statement.approved")) == 1
    assert _count(select(func.count()).where(OutboxEmail.subject.like("Statement % approved"))) == 1
    assert db.session.scalar(select(Statement.status)) == "approved"
    assert db.session.scalar(select(Delivery.status)) == "approved"

    # Exported, it is one line of one export.
    export = clients[0].get("/contracts/finance-exports")
    made = clients[0].post(
        "/contracts/finance-exports",
        data={
            "csrf_token": field_value(export, "csrf_token"),
            "submission_id": field_value(export, "submission_id"),
        },
    )
    assert made.status_code == 302
    rows = list(
        csv.reader(
            io.StringIO(
                clients[0]
                .get("/contracts/finance-exports/1/download")
                .get_data()
                .decode("utf-8-sig")
            )
        )
    )
    assert [row[-1] for row in rows] == ["Statement number", statement.number]


def test_two_exports_at_once_take_each_statement_once(make_app, app, provider_client, organisation):
    contract = make_active_contract(organisation)
    other = make_active_contract(organisation, lot_slug="online-tuition", title="Tuition")
    for each in (contract, other):
        for month in (JANUARY, FEBRUARY):
            assert submit_delivery(provider_client, each, month).status_code == 302
    db.session.rollback()
    db.session.execute(Statement.__table__.update().values(status="approved"))
    db.session.commit()
    racing = make_app(RATELIMIT_ENABLED=False)
    clients = _commissioners(racing, 2)
    forms = []
    for client in clients:
        page = client.get("/contracts/finance-exports")
        forms.append(
            {
                "csrf_token": field_value(page, "csrf_token"),
                "submission_id": field_value(page, "submission_id"),
            }
        )

    responses = _at_once(
        [
            lambda c=client, f=form: c.post("/contracts/finance-exports", data=f)
            for client, form in zip(clients, forms, strict=True)
        ]
    )

    assert sorted(r.status_code for r in responses) == [200, 302]
    assert _count(select(func.count(FinanceExport.id))) == 1
    export = db.session.scalar(select(FinanceExport))
    assert export.statement_count == 4
    assert (
        _count(select(func.count(Statement.id)).where(Statement.exported_in_id == export.id)) == 4
    )


def test_one_submission_of_a_month_out_of_two_at_once(make_app, provider, organisation):
    """Two members submit the same month's first delivery at once (neither page had a record):
    one delivery and one statement; the other is told the record has just been changed."""
    contract = make_active_contract(organisation)
    member = factories.make_user("member@provider.example.org", full_name="Mo Member")
    factories.add_member(organisation, member)
    app = make_app(RATELIMIT_ENABLED=False, KPI_TODAY=FEBRUARY.replace(month=3, day=10))
    clients = [sign_in(app.test_client(), user) for user in (provider, member)]
    url = delivery_url(contract, FEBRUARY)
    forms = [form_for(client, url, submit="Submit delivery") for client in clients]

    responses = _at_once(
        [
            lambda c=client, f=form: c.post(url, data=f)
            for client, form in zip(clients, forms, strict=True)
        ]
    )

    # The second either met the first's row at its INSERT (PostgreSQL: a message on the form)
    # or, waiting its turn, found the month submitted (SQLite: sent back to the month's page).
    told = [
        " ".join(page_errors(r).values()) if r.status_code == 200 else banner_text(c.get(url))
        for c, r in zip(clients, responses, strict=True)
    ]
    won = [text for text in told if "has been submitted. The council will check" in text]
    lost = [
        text
        for text in told
        if "This delivery record has just been changed" in text
        or "has been submitted and is waiting for the council" in text
    ]
    assert len(won) == 1 and len(lost) == 1, told
    assert _count(select(func.count(Delivery.id))) == 1
    assert _count(select(func.count(Statement.id))) == 1
    assert _count(select(func.count()).where(AuditEvent.action == "delivery.submitted")) == 1
