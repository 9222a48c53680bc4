"""Admins closing the same lot at the same moment, from their own pages and with one form sent
twice: it is closed once, audited once, and everyone else is told it already was; and admins
giving new lots the same name at once: one lot, the rest told on their forms. Run against
PostgreSQL in CI (the row's compare-and-set and the submission id's unique key) and SQLite (its
single writer)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import select

from portal.core.db import db
from portal.lots.models import Lot
from tests.applications.helpers import audit_events
from tests.conftest import sign_in
from tests.support import factories
from tests.support.pages import banner_text, field_value, page_errors

ADMINS = 5


def test_a_lot_closed_by_several_admins_at_once_is_closed_once(make_app, lots):
    app = make_app(RATELIMIT_ENABLED=False)  # several sign-ins from one address
    mentoring = db.session.scalar(select(Lot.id).where(Lot.slug == "mentoring"))
    url = f"/admin/lots/{mentoring}/close"
    clients, forms = [], []
    for n in range(ADMINS):
        admin = factories.make_user(f"admin-{n}@council.example.org", role="admin", two_factor=True)
        client = sign_in(app.test_client(), admin)
        clients.append(client)
        forms.append({"submission_id": field_value(client.get(url), "submission_id")})
    # The first admin's form is also sent a second time at once (a double click).
    clients.append(clients[0])
    forms.append(forms[0])
    db.session.commit()
    start = Barrier(len(clients))

    def attempt(n: int):
        start.wait()
        return clients[n].post(url, data=forms[n])

    with ThreadPoolExecutor(len(clients)) as pool:
        responses = list(pool.map(attempt, range(len(clients))))

    assert [r.location for r in responses] == ["/admin/lots"] * len(clients)
    assert len(audit_events("lot.closed")) == 1
    db.session.expire_all()
    assert db.session.get(Lot, mentoring).is_active is False
    # The other admins (the first one's two requests share a session, whose messages may
    # overwrite each other): at most one closed it, and the rest were told it already was.
    messages = [banner_text(client.get("/admin/lots")) for client in clients[1:ADMINS]]
    closed = "Success Mentoring is closed to new applications"
    told = "Important Mentoring is already closed to new applications"
    assert sum(closed in m for m in messages) <= 1
    assert sum(told in m for m in messages) >= ADMINS - 2


def test_a_name_several_admins_give_new_lots_at_once_is_given_once(make_app, lots):
    """Each admin's page checked the name free; the database's unique name keeps the second
    from landing, and every admin but one is told on their form, never an error page."""
    app = make_app(RATELIMIT_ENABLED=False)  # several sign-ins from one address
    url = "/admin/lots/add"
    clients, forms = [], []
    for n in range(ADMINS):
        admin = factories.make_user(f"admin-{n}@council.example.org", role="admin", two_factor=True)
        client = sign_in(app.test_client(), admin)
        clients.append(client)
        forms.append(
            {
                "submission_id": field_value(client.get(url), "submission_id"),
                "name": "Forest school",
            }
        )
    db.session.commit()
    start = Barrier(len(clients))

    def attempt(n: int):
        start.wait()
        return clients[n].post(url, data=forms[n])

    with ThreadPoolExecutor(len(clients)) as pool:
        responses = list(pool.map(attempt, range(len(clients))))

    assert sorted(r.status_code for r in responses) == [200] * (ADMINS - 1) + [302]
    db.session.expire_all()
    assert db.session.scalars(select(Lot.name).where(Lot.name == "Forest school")).all() == [
        "Forest school"
    ]
    assert len(audit_events("lot.added")) == 1
    for refused in (r for r in responses if r.status_code == 200):
        assert set(page_errors(refused)) == {"name"}


def test_two_lots_renamed_to_one_name_in_different_cases_at_once_are_not_both_renamed(
    make_app, lots
):
    """A rename keeps the lot's slug, so only the name's own unique key (whatever its case) can
    refuse the second of two renames that each checked the name free."""
    app = make_app(RATELIMIT_ENABLED=False)  # several sign-ins from one address
    ids = list(
        db.session.scalars(select(Lot.id).where(Lot.slug.in_(["mentoring", "robotics-and-stem"])))
    )
    clients, forms, urls = [], [], []
    for n, (lot_id, name) in enumerate(zip(ids, ["Forest school", "FOREST School"], strict=True)):
        admin = factories.make_user(f"admin-{n}@council.example.org", role="admin", two_factor=True)
        client = sign_in(app.test_client(), admin)
        url = f"/admin/lots/{lot_id}/change"
        clients.append(client)
        urls.append(url)
        forms.append({"submission_id": field_value(client.get(url), "submission_id"), "name": name})
    db.session.commit()
    start = Barrier(len(clients))

    def attempt(n: int):
        start.wait()
        return clients[n].post(urls[n], data=forms[n])

    with ThreadPoolExecutor(len(clients)) as pool:
        responses = list(pool.map(attempt, range(len(clients))))

    assert sorted(r.status_code for r in responses) == [200, 302]
    db.session.expire_all()
    names = db.session.scalars(select(Lot.name).where(Lot.name.ilike("forest school"))).all()
    assert len(names) == 1
    (refused,) = (r for r in responses if r.status_code == 200)
    assert set(page_errors(refused)) == {"name"}
