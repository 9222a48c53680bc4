"""Expensive set-ups built once per worker and put back, row for row, for each test that needs one.

The permission matrix and the bad-values tests need the same world for each of their 350 rows:
organisation A's application, documents, KPI returns, competition, contract, visit, referral and
capacity, and eight people signed in, one per role. Built through the factories and the sign-in
pages it takes a second a test. Built once, its rows (every table's, with their ids), the
store's objects, the database's id sequences and each person's cookies are kept; each later test
gets the same rows written back in one transaction, and clients carrying the same cookies, whose
sessions are among the rows. The tests then run against the real database and store as before:
only the set-up is shared, never what a test does.

A world is built again when the day changes (its records are dated from today) or when it is
older than half the session idle limit (its people would be signed out).
"""

from __future__ import annotations

import functools
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import TextClause, select, text

from portal.core.db import Base, db
from portal.core.extensions import object_store
from portal.core.time import today
from tests.support import store


@dataclass
class _Snapshot:
    value: Any
    # The rows, table by table (only tables with rows). On PostgreSQL they are kept in the
    # database itself, in a schema of the snapshot's own (`kept_in`), and `rows` names the
    # tables only: writing them back is then one statement run by the server, where sending
    # 350 rows in 50 INSERTs from Python was most of a restore (about 0.2 s a test).
    rows: dict[str, list[dict[str, Any]]]
    kept_in: str | None
    sequences: dict[str, int]
    objects: dict[str, tuple[bytes, str, dict[str, str]]]
    cookies: dict[str, dict]
    day: date
    taken: float = field(default_factory=time.monotonic)


_taken: dict[str, _Snapshot] = {}


def shared(
    app: Flask,
    name: str,
    build: Callable[[], tuple[Any, dict[str, FlaskClient]]],
    *,
    fixture: str,
) -> tuple[Any, dict[str, FlaskClient]]:
    """`build()`'s value and clients: built now into an empty database, or put back as they
    were when built. `build` must commit what it makes and return only plain values (ids,
    strings) besides the clients. Run it before anything else in the test writes, from the
    fixture named `fixture` (a test that uses it may find the snapshot's objects still in the
    store, tests/support/store.py)."""
    snapshot = _taken.get(name)
    fresh_for = app.config["SESSION_IDLE_MINUTES"] * 60 / 2
    if snapshot is None or snapshot.day != today() or _age(snapshot) > fresh_for:
        store.drop_left_objects()
        was_empty = store.holds_nothing()
        value, clients = build()
        _taken[name] = _take(name, value, clients)
        if was_empty:  # what the store holds now is exactly what was taken
            store.now_holds(name, fixture)
        return value, clients
    _restore(snapshot, name, fixture)
    return snapshot.value, {role: _client(app, jar) for role, jar in snapshot.cookies.items()}


def _age(snapshot: _Snapshot) -> float:
    return time.monotonic() - snapshot.taken


def _take(name: str, value: Any, clients: dict[str, FlaskClient]) -> _Snapshot:
    db.session.commit()
    kept_in = None
    with db.engine.begin() as connection:
        # A table the database derives (its triggers keep it, as MonthlySpend) is not kept: it
        # is remade as its sources' rows go back, and writing its own rows too would count
        # them twice.
        rows = {
            table.name: [dict(row) for row in connection.execute(select(table)).mappings()]
            for table in Base.metadata.sorted_tables
            if not table.info.get("derived")
        }
        rows = {table: found for table, found in rows.items() if found}
        if db.is_postgresql:
            sequences = {sequence: last for sequence, last in connection.execute(text(_SEQUENCES))}
            kept_in = "snapshot_" + re.sub(r"\W", "_", name)
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{kept_in}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{kept_in}"'))
            for table in rows:
                connection.execute(text(f'CREATE TABLE "{kept_in}"."{table}" AS TABLE "{table}"'))
            rows = {table: [] for table in rows}
        else:
            sequences = {}
    objects = {}
    for key, _modified in object_store.list_objects(""):
        head = object_store.head(key)
        body = object_store.get_stream(key)
        try:
            objects[key] = (body.read(), head["content_type"], head["metadata"])
        finally:
            body.close()
    return _Snapshot(
        value=value,
        rows=rows,
        kept_in=kept_in,
        sequences=sequences,
        objects=objects,
        # Werkzeug keeps a client's cookies in `_cookies`; a Set-Cookie replaces an entry, never
        # changes one, so a copy of the dict is a copy of the jar.
        cookies={role: dict(client._cookies or {}) for role, client in clients.items()},
        day=today(),
    )


def _restore(snapshot: _Snapshot, name: str, fixture: str) -> None:
    db.session.commit()
    with db.engine.begin() as connection:
        if snapshot.kept_in:
            connection.execute(_restore_statement(snapshot.kept_in, tuple(snapshot.rows)))
        for table in Base.metadata.sorted_tables:
            if snapshot.rows.get(table.name):
                connection.execute(table.insert(), snapshot.rows[table.name])
        if snapshot.sequences:
            # One statement for every sequence: a round trip each was a fifth of a restore.
            connection.execute(
                text(
                    "SELECT setval(name::regclass, value) FROM unnest("
                    "CAST(:names AS text[]), CAST(:values AS bigint[])) AS s(name, value)"
                ),
                {"names": list(snapshot.sequences), "values": list(snapshot.sequences.values())},
            )
    if store.holds(name):  # left untouched by the last test that put it back
        store.now_holds(name, fixture)
        return
    store.drop_left_objects()
    was_empty = store.holds_nothing()
    for key, (body, content_type, metadata) in snapshot.objects.items():
        object_store.put_stream(key, io.BytesIO(body), content_type=content_type, metadata=metadata)
    if was_empty:
        store.now_holds(name, fixture)


@functools.cache
def _restore_statement(kept_in: str, tables: tuple[str, ...]) -> TextClause:
    """Every kept table's rows written back, in the order of the foreign keys, in one block the
    server runs (triggers fire as for any insert)."""
    inserts = "".join(
        f'INSERT INTO "{table}" SELECT * FROM "{kept_in}"."{table}";'  # noqa: S608 - ours
        for table in (table.name for table in Base.metadata.sorted_tables)
        if table in tables
    )
    return text(f"DO $$ BEGIN {inserts} END $$")


def _client(app: Flask, jar: dict) -> FlaskClient:
    client = app.test_client()
    client._cookies = dict(jar)
    return client


_SEQUENCES = """
    SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value
    FROM pg_sequences
    WHERE schemaname = current_schema() AND last_value IS NOT NULL
"""
