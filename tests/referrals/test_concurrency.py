"""Two people acting on referrals at the same moment: two commissioners recording referrals at
once are given different references (the second takes the next number); two closing the same
referral at once close it once, and the other is told. Run on PostgreSQL (its unique index and
the compare-and-set UPDATE under the row's lock) and on SQLite."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import func, select

from portal.accounts.models import COMMISSIONER
from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.time import today
from portal.referrals.models import Referral
from tests.conftest import sign_in
from tests.referrals.helpers import hidden, record, referral, referral_form
from tests.support import factories
from tests.support.pages import page_text


def _at_once(requests) -> list:
    db.session.commit()  # the test's own transaction must not hold a lock the requests need
    start = Barrier(len(requests))

    def run(request):
        start.wait()
        return request()

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(run, requests))


def _colleague(app):
    user = factories.make_user(
        "commissioner-2@council.example.org", role=COMMISSIONER, two_factor=True
    )
    return sign_in(app.test_client(), user)


def test_two_recorded_at_once_get_different_references(app, commissioner_client):
    colleague = _colleague(app)
    posts = [
        (client, referral_form() | hidden(client, "/referrals/new"))
        for client in (commissioner_client, colleague)
    ]
    responses = _at_once(
        [lambda c=client, d=data: c.post("/referrals/new", data=d) for client, data in posts]
    )
    assert [response.status_code for response in responses] == [302, 302]
    db.session.rollback()
    references = sorted(db.session.scalars(select(Referral.reference)))
    year = today().year
    assert references == [f"RF-{year}-0001", f"RF-{year}-0002"]


def test_two_closing_at_once_close_it_once(app, commissioner_client):
    referral_id = record(commissioner_client)
    colleague = _colleague(app)
    url = f"/referrals/{referral_id}/close"
    posts = [
        (client, hidden(client, url) | {"reason": "Needs met at school."})
        for client in (commissioner_client, colleague)
    ]
    responses = _at_once([lambda c=client, d=data: c.post(url, data=d) for client, data in posts])
    assert sorted(response.status_code for response in responses) == [200, 302]
    (refused,) = [response for response in responses if response.status_code == 200]
    assert "has just been changed by someone else" in page_text(refused) or (
        "This referral is closed" in page_text(refused)
    )
    assert referral(referral_id).status == "closed"
    closed = select(func.count(AuditEvent.id)).where(AuditEvent.action == "referral.closed")
    assert db.session.scalar(closed) == 1
