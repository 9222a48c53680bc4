"""The competitions' clock is the database's. PostgreSQL's now() is the moment the transaction
began, so the portal asks it once per transaction; the next transaction (the next request) asks
again and reads a later time."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from portal.competitions import clock
from portal.core.db import db
from tests.support.queries import counting_queries


def test_the_clock_is_asked_once_a_transaction_and_afresh_in_the_next(app):
    with app.app_context():
        with counting_queries(app) as statements:
            first = clock.database_now()
            again = clock.database_now()
        # SQLite's clock moves within a transaction: it is asked every time.
        assert len(_clock_reads(statements)) == (1 if db.is_postgresql else 2)
        if db.is_postgresql:
            assert again == first
        db.session.commit()
        time.sleep(0.01)
        with counting_queries(app) as statements:
            later = clock.database_now()
        assert len(_clock_reads(statements)) == 1
        assert later > first


@pytest.mark.postgresql  # SQLite's clock moves within a transaction: it is asked every time
def test_a_signed_in_request_reads_the_clock_with_its_user(app, commissioner_client):
    """Loading the signed-in user reads now() in the same statement: a commissioner's home,
    which judges deadlines by it, asks for it with no statement of its own."""
    with counting_queries(app) as statements:
        response = commissioner_client.get("/home")
    assert response.status_code == 200
    assert "CURRENT_TIMESTAMP" in statements[0]
    assert _clock_reads(statements) == []


@pytest.mark.postgresql
def test_the_clock_read_with_the_user_is_the_transactions(app):
    """The moment kept from the user's statement is the one now() answers in its transaction,
    and a commit (another transaction) asks again."""
    with app.app_context():
        began = db.session.execute(select(func.current_timestamp())).scalar_one()
        db.keep_transaction_began(began)
        with counting_queries(app) as statements:
            kept = clock.database_now()
        assert _clock_reads(statements) == []
        assert kept == db.session.execute(select(func.now())).scalar_one()
        db.session.commit()
        with counting_queries(app) as statements:
            clock.database_now()
        assert len(_clock_reads(statements)) == 1


def _clock_reads(statements: list[str]) -> list[str]:
    """The statements that read the clock (not SQLite's BEGIN)."""
    return [s for s in statements if "now()" in s or "strftime" in s]
