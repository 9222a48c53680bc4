"""Several statements' rows read by one statement: each statement costs the portal about a third
of a millisecond of CPU however few rows it reads, and a page that asks several independent
questions (the provider's home: its invitations, contracts, returns, capacity, actions,
meetings) asked each in a statement of its own."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    cast,
    func,
    literal_column,
    null,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import NullType

from portal.core.db import db

# A select of any columns (SQLAlchemy types a select by its columns' types).
AnyRow = Select[*tuple[Any, ...]]

_Convert = Callable[[Any], Any]


# The statement reading each combination of statements, built once: each statement's rows
# numbered in its own order, one statement's rows after another's (UNION ALL), in the order
# given. Its columns are places shared by the statements: a statement's Nth column of a type
# (by PostgreSQL's name for it, lengths aside) takes the Nth place of that type, NULL of it in
# the places it does not use. Side by side, every statement with places of its own, the
# provider's home read 47 columns a row, most of them NULL, and the driver and SQLAlchemy work
# for each column of a result (describing it, making each row): packed, 15. Every place is read
# as the driver gives it, and each statement's own values alone made what its columns' types
# make them (timestamps made UTC, SQLite's dates parsed): a type's conversion on every row
# would convert the other statements' NULLs.
@dataclass
class _Together:
    statement: CompoundSelect[*tuple[Any, ...]]
    places: list[Callable[[Sequence[Any]], tuple[Any, ...]]]  # each statement's values in a row
    converted: dict[str, list[list[tuple[int, _Convert]]]]  # by dialect's name


_TOGETHER: dict[tuple[AnyRow, ...], _Together] = {}
_POSTGRESQL = postgresql.dialect()  # type: ignore[no-untyped-call]


def _kind(column: ColumnElement[Any]) -> str:
    """The type a place holds: PostgreSQL's name for the column's type without its length or
    precision (VARCHAR(20) and VARCHAR(200) share places: PostgreSQL reads both as varchar in
    a union). PostgreSQL's, because it is the database that refuses a union of two types;
    SQLite's places take any value."""
    return re.sub(r"\(.*?\)", "", column.type.compile(dialect=_POSTGRESQL))


def _together(statements: tuple[AnyRow, ...]) -> _Together:
    together = _TOGETHER.get(statements)
    if together is not None:
        return together
    # Each statement's columns' places, and each place's type (its first column's).
    slots: dict[tuple[str, int], int] = {}
    typed: list[ColumnElement[Any]] = []
    placed: list[list[int]] = []
    for statement in statements:
        seen: dict[str, int] = {}
        mine = []
        for column in statement.selected_columns:
            kind = _kind(column)
            key = (kind, seen.get(kind, 0))
            seen[kind] = key[1] + 1
            if key not in slots:
                slots[key] = len(typed)
                typed.append(column)
            mine.append(slots[key])
        placed.append(mine)
    parts = []
    for index, (statement, mine) in enumerate(zip(statements, placed, strict=True)):
        own = dict(zip(mine, statement.selected_columns, strict=True))
        in_place = [
            type_coerce(
                own[place] if place in own else cast(null(), column.type), NullType()
            ).label(f"c{place}")
            for place, column in enumerate(typed)
        ]
        order = statement._order_by_clauses  # noqa: SLF001 - the select's own order, numbered
        parts.append(
            statement.with_only_columns(
                literal_column(str(index)).label("part"),
                func.row_number().over(order_by=order).label("place"),
                *in_place,
                maintain_column_froms=True,
            ).order_by(None)
        )
    together = _TOGETHER[statements] = _Together(
        union_all(*parts).order_by(literal_column("part"), literal_column("place")),
        [_picker([place + 2 for place in mine]) for mine in placed],  # after part and place
        {},
    )
    return together


def _picker(places: list[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """The values at `places` of a row, as a tuple (itemgetter gives one place's bare)."""
    if len(places) == 1:
        [only] = places
        return lambda row: (row[only],)
    return itemgetter(*places)


def _conversions(
    together: _Together, statements: tuple[AnyRow, ...], dialect: Dialect
) -> list[list[tuple[int, _Convert]]]:
    """For each statement, the places in its values that its columns' types convert, and how."""
    converted = together.converted.get(dialect.name)
    if converted is None:
        converted = together.converted[dialect.name] = []
        for statement in statements:
            each: list[tuple[int, _Convert]] = []
            for place, column in enumerate(statement.selected_columns):
                convert = column.type.dialect_impl(dialect).result_processor(dialect, None)
                if convert is not None:
                    each.append((place, convert))
            converted.append(each)
    return converted


def rows_together(
    statements: tuple[AnyRow, ...], params: Mapping[str, Any]
) -> list[list[Sequence[Any]]]:
    """Each statement's rows (tuples of its columns' values, as it would give them alone, in
    its ORDER BY's order), all read by one statement run with `params` (one value a name, for
    every statement). Each statement is a plain select, neither limited nor a union, whose
    columns all have a type (a NULL of it takes their place in the others' rows), the type the
    database gives: PostgreSQL's SUM of a BIGINT is a NUMERIC, and a NUMERIC sharing a place
    with another statement's BIGINTs makes all of them Decimals (cast such a sum). Like any
    read through the session, it flushes what is pending first."""
    together = _together(statements)
    session = db.session
    converted = _conversions(together, statements, session.get_bind().dialect)
    rows: list[list[Sequence[Any]]] = [[] for _ in statements]
    for row in session.execute(together.statement, params).all():
        part = row[0]
        values = together.places[part](row)
        if converted[part]:
            values = list(values)
            for place, convert in converted[part]:
                values[place] = convert(values[place])
        rows[part].append(values)
    return rows
