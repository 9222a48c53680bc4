"""Several members of one provider publishing the same capacity at the same moment: for a
first publication one lands and the others are told (the unique capacity per lot, in a
savepoint); for a change from the same page version one lands (the compare-and-set UPDATE).
Run on PostgreSQL (its row locks and unique index) and on SQLite (its single writer)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.core.db import db
from tests.capacity.helpers import capacity_form, edit_url, hidden, lot_id, make_capacity, saved
from tests.conftest import sign_in
from tests.support import factories
from tests.support.pages import page_text

ATTEMPTS = 6


def _at_once(requests) -> list:
    db.session.commit()  # the test's own transaction must hold no lock the requests need
    start = Barrier(len(requests))

    def run(request):
        start.wait()
        return request()

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(run, requests))


@pytest.fixture
def members(make_app, organisation):
    factories.admit(organisation, "mentoring")
    # Several sign-ins from one address would meet the sign-in rate limit.
    app = make_app(RATELIMIT_ENABLED=False)
    clients = []
    for n in range(ATTEMPTS):
        user = factories.make_user(f"member-{n}@example.org", full_name=f"Member {n}")
        factories.add_member(organisation, user)
        clients.append(sign_in(app.test_client(), user))
    return clients


def _events(action: str) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_one_first_publication_out_of_several_at_once(members, organisation):
    url = edit_url(organisation, lot_id())
    forms = [
        hidden(client, url) | capacity_form(places_now=str(n)) for n, client in enumerate(members)
    ]

    responses = _at_once(
        [
            lambda c=client, f=form: c.post(url, data=f)
            for client, form in zip(members, forms, strict=True)
        ]
    )

    published = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 200]
    assert len(published) == 1 and len(refused) == ATTEMPTS - 1
    for response in refused:
        assert "This capacity has just been changed by someone else" in page_text(response)
    assert _events("capacity.published") == 1


def test_one_change_out_of_several_from_the_same_page(members, organisation, provider):
    make_capacity(provider, organisation, places_now=1)
    url = edit_url(organisation, lot_id())
    forms = [
        hidden(client, url) | capacity_form(places_now=str(n + 2))
        for n, client in enumerate(members)
    ]

    responses = _at_once(
        [
            lambda c=client, f=form: c.post(url, data=f)
            for client, form in zip(members, forms, strict=True)
        ]
    )

    assert sum(r.status_code == 302 for r in responses) == 1
    assert _events("capacity.updated") == 1
    assert saved(organisation).places_now in range(2, ATTEMPTS + 2)
