"""What every domain's seed shares: the sizes at 1x, the result and the plan the steps pass
along, and bulk insert (PostgreSQL COPY, or executemany on SQLite) with explicit ids."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text

import portal.models  # noqa: F401 - every table in Base.metadata
from portal.core.db import Base

PASSWORD = "bench password, not a real one"  # noqa: S105 - every seeded account shares it

DOMAIN = "bench.example.org"

# At 1x (Dudley).
PROVIDERS = 400

APPLICATIONS = 1000

DOCUMENTS = 10_000

STAFF_CHECKS_PER_ORGANISATION = 10

# How many signed-in people of each role the load test uses (each a separate account).
LOAD_USERS = 20


class RawJSON(str):
    """JSON already serialised: copied as text on PostgreSQL (the same 90 KB snapshot is not
    serialised ten thousand times)."""


@dataclass
class SeedResult:
    scale: float
    password: str = PASSWORD
    providers: list[dict[str, Any]] = field(default_factory=list)
    reviewers: list[dict[str, Any]] = field(default_factory=list)
    commissioners: list[dict[str, Any]] = field(default_factory=list)
    admin: dict[str, Any] = field(default_factory=dict)
    admins: list[dict[str, Any]] = field(default_factory=list)  # bench/seed/audit.py
    counts: dict[str, int] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


TEMPLATE_NAME = "Bench Template Organisation Ltd"


@dataclass
class Template:
    """The one application made through the pages, whose rows every other one copies."""

    organisation_id: int
    user_id: int
    application_id: int
    questionnaire_version_id: int
    sections: list[dict[str, Any]]  # answers as RawJSON
    declaration_section: str | None
    declaration: RawJSON
    snapshot_json: str
    flags: RawJSON
    lots: list[str]
    reference: str
    organisation_name: str
    submitted_by: dict[str, str]


@dataclass
class Plan:
    """Who was made, for the later steps."""

    organisations: list[tuple[int, int]]  # (organisation id, owner user id), template first
    names: dict[int, str]
    applications: list[dict[str, Any]] = field(default_factory=list)
    submissions: list[dict[str, Any]] = field(default_factory=list)


def _spread(ids: list[int], count: int) -> list[int]:
    """`count` of `ids` (or all of them), evenly spread."""
    if count <= 0:
        return []
    step = max(1, len(ids) // count)
    return ids[::step][:count]


# Bulk insert ----------------------------------------------------------------------------------


def _filled_defaults(table: Table, columns: Sequence[str]) -> tuple[list[str], list[Any]]:
    """Columns the rows leave out that have a Python-side default (COPY never applies those):
    their names and values, worked out once per insert."""
    names, values = [], []
    for column in table.columns:
        if column.name in columns or column.default is None:
            continue
        default = column.default
        if default.is_scalar:
            value = default.arg
        elif default.is_callable:
            value = default.arg(None)
        else:
            continue
        names.append(column.name)
        values.append(value)
    return names, values


def _pg_value(value: Any) -> Any:
    if isinstance(value, RawJSON):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def bulk_insert(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` (tuples in the order of `columns`) into `table`: COPY on PostgreSQL,
    executemany elsewhere. Returns the number of rows."""
    started = time.perf_counter()
    try:
        return _bulk_insert(connection, table, columns, rows)
    finally:
        TIMINGS[f"insert {table.name}"] = TIMINGS.get(f"insert {table.name}", 0) + round(
            time.perf_counter() - started, 3
        )


TIMINGS: dict[str, float] = {}  # seconds spent inserting into each table, for the report


def _bulk_insert(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    extra_names, extra_values = _filled_defaults(table, columns)
    names = [*columns, *extra_names]
    count = 0
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_pg_value(v) for v in (*row, *extra_values)])
                count += 1
        cursor.close()
        return count
    batch: list[dict[str, Any]] = []
    for row in rows:
        values = [json.loads(v) if isinstance(v, RawJSON) else v for v in (*row, *extra_values)]
        batch.append(dict(zip(names, values, strict=True)))
        count += 1
        if len(batch) == 5000:
            connection.execute(insert(table), batch)
            batch = []
    if batch:
        connection.execute(insert(table), batch)
    return count


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _next_id(connection: Connection, name: str) -> int:
    table = _table(name)
    return (connection.scalar(select(func.max(table.c.id))) or 0) + 1


def _reset_sequences(connection: Connection) -> None:
    """After inserting explicit ids, point each table's id sequence past them."""
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def _columns(name: str, row: dict[str, Any]) -> dict[str, Any]:
    """Only the values whose columns exist (a domain's schema may still be settling)."""
    columns = _table(name).c
    return {k: v for k, v in row.items() if k in columns}


def _insert_dicts(connection: Connection, name: str, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    rows = [_columns(name, row) for row in rows]
    names = list(rows[0])
    return bulk_insert(connection, _table(name), names, [tuple(r[k] for k in names) for r in rows])
