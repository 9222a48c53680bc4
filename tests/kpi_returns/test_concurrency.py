"""Two members of one organisation submitting the same month's return at the same moment: one
submission is recorded, the other member is told plainly that the return has been submitted and
how to change it. Run against PostgreSQL in CI (the unique key and the row's lock_version), and
SQLite (its single writer)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.kpi_returns.models import KpiReturn, KpiReturnVersion, KpiValue
from portal.outbox.models import OutboxEmail
from tests.conftest import sign_in
from tests.kpi_returns.helpers import GOOD, admit_from, form_data, month_ago, return_url
from tests.support import factories
from tests.support.pages import banner_text, field_value, page_text

ATTEMPTS = 2


def count(what, *criteria) -> int:
    return db.session.scalar(select(func.count()).select_from(what).where(*criteria))


@pytest.mark.parametrize("draft_first", [False, True], ids=["new-return", "from-a-draft"])
def test_one_submission_of_a_month_out_of_two_at_once(
    make_app, provider, organisation, kpis, draft_first
):
    month = month_ago(1)
    admit_from(organisation, month_ago(2))
    member = factories.make_user("member@provider.example.org", full_name="Mo Member")
    factories.add_member(organisation, member)
    # Sign-ins from one address would meet the sign-in rate limit.
    app = make_app(RATELIMIT_ENABLED=False)
    clients = [sign_in(app.test_client(), user) for user in (provider, member)]
    url = return_url(organisation, month)
    if draft_first:
        saved = clients[0].post(url, data=form_data(GOOD, save="Save as draft", lock_version=""))
        assert saved.status_code == 302
    forms = []
    for n, client in enumerate(clients):
        page = client.get(url)
        values = GOOD | {"attendance-rate": str(90 + n)}  # each member's own figures
        forms.append(
            form_data(
                values,
                submit="Submit return",
                csrf_token=field_value(page, "csrf_token"),
                submission_id=field_value(page, "submission_id"),
                lock_version=field_value(page, "lock_version"),
            )
        )
    db.session.commit()
    start = Barrier(ATTEMPTS)

    def attempt(n: int):
        start.wait()
        return clients[n].post(url, data=forms[n])

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        responses = list(pool.map(attempt, range(ATTEMPTS)))

    db.session.expire_all()
    assert sorted(response.status_code for response in responses) == [200, 302], [
        page_text(response) for response in responses
    ]
    (loser,) = [response for response in responses if response.status_code == 200]
    told = page_text(loser) + banner_text(loser)
    assert f"The return for {month:%B %Y} was submitted on" in told
    assert "To change it, amend it and say why" in told
    # One submission's worth of everything.
    (kpi_return,) = db.session.scalars(select(KpiReturn)).all()
    assert kpi_return.status == "submitted" and kpi_return.version_count == 1
    assert count(KpiReturnVersion) == 1
    assert count(KpiValue) == len(GOOD)
    assert count(AuditEvent, AuditEvent.action == "kpi_return.submitted") == 1
    assert count(OutboxEmail, OutboxEmail.subject.like("KPI return for % submitted")) == 1


def test_one_amendment_out_of_two_at_once(make_app, provider, organisation, kpis):
    month = month_ago(1)
    admit_from(organisation, month_ago(2))
    member = factories.make_user("member@provider.example.org", full_name="Mo Member")
    factories.add_member(organisation, member)
    app = make_app(RATELIMIT_ENABLED=False)
    clients = [sign_in(app.test_client(), user) for user in (provider, member)]
    submitted = clients[0].post(return_url(organisation, month), data=form_data(GOOD, submit="x"))
    assert submitted.status_code == 302
    url = return_url(organisation, month, "/amend")
    forms = []
    for n, client in enumerate(clients):
        page = client.get(url)
        forms.append(
            form_data(
                GOOD | {"attendance-rate": str(80 + n)},
                reason=f"Corrected by member {n}",
                csrf_token=field_value(page, "csrf_token"),
                submission_id=field_value(page, "submission_id"),
                lock_version=field_value(page, "lock_version"),
            )
        )
    db.session.commit()
    start = Barrier(ATTEMPTS)

    def attempt(n: int):
        start.wait()
        return clients[n].post(url, data=forms[n])

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        responses = list(pool.map(attempt, range(ATTEMPTS)))

    db.session.expire_all()
    assert sorted(response.status_code for response in responses) == [200, 302]
    (loser,) = [response for response in responses if response.status_code == 200]
    assert "has been changed by someone else since you opened the page" in page_text(loser)
    (kpi_return,) = db.session.scalars(select(KpiReturn)).all()
    assert kpi_return.version_count == 2
    assert count(KpiReturnVersion) == 2
    assert count(AuditEvent, AuditEvent.action == "kpi_return.amended") == 1
