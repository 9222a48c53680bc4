"""The competitions' clock is the database's. PostgreSQL's now() is the moment the transaction
began, so the portal asks it once per transaction; the next transaction (the next request) asks
again and reads a later time."""

from __future__ import annotations

import time

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


def _clock_reads(statements: list[str]) -> list[str]:
    """The statements that read the clock (not SQLite's BEGIN)."""
    return [s for s in statements if "now()" in s or "strftime" in s]
