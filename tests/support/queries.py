"""Counting the SQL a request runs: list pages must make the same number of queries whatever
the size of the data behind them."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from portal.core.db import db


@contextmanager
def counting_queries(app):
    """The SQL statements run while the block runs."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries_for(app, client, url: str) -> int:
    """How many statements a GET of `url` runs (it must succeed)."""
    with counting_queries(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def counts_read_alone(statements: list[str]) -> list[str]:
    """The statements that only count: a paged list reads how many there are in all with its
    page's rows (portal/core/pagination.py, rows_and_total), not in a statement of its own."""
    return [statement for statement in statements if statement.startswith("SELECT count(")]
