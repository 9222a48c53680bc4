"""Several statements' rows read by one statement: each statement costs the portal about a third
of a millisecond of CPU however few rows it reads, and a page that asks several independent
questions (the provider's home: its invitations, contracts, returns, capacity, actions,
meetings) asked each in a statement of its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Select,
    cast,
    func,
    literal_column,
    null,
    type_coerce,
    union_all,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import NullType

from portal.core.db import db

# A select of any columns (SQLAlchemy types a select by its columns' types).
AnyRow = Select[*tuple[Any, ...]]

_Convert = Callable[[Any], Any]


# The statement reading each combination of statements, built once: each statement's rows
# numbered in its own order, its columns in a place of their own in rows as wide as all the
# statements' columns side by side (NULL of the same type in the others' places), one statement's
# rows after another's (UNION ALL), in the order given. Every place is read as the driver gives
# it, and each statement's own values alone made what its columns' types make them (timestamps
# made UTC, SQLite's dates parsed): a type's conversion on every row would convert the other
# statements' NULLs.
@dataclass
class _Together:
    statement: CompoundSelect[*tuple[Any, ...]]
    places: list[slice]  # each statement's columns in a row
    converted: dict[str, list[list[tuple[int, _Convert]]]]  # by dialect's name


_TOGETHER: dict[tuple[AnyRow, ...], _Together] = {}


def _together(statements: tuple[AnyRow, ...]) -> _Together:
    together = _TOGETHER.get(statements)
    if together is not None:
        return together
    every = [column for statement in statements for column in statement.selected_columns]
    parts = []
    places = []
    start = 0
    for index, statement in enumerate(statements):
        end = start + len(statement.selected_columns)
        in_place = [
            type_coerce(
                column if start <= place < end else cast(null(), column.type), NullType()
            ).label(f"c{place}")
            for place, column in enumerate(every)
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
        places.append(slice(start + 2, end + 2))  # after the part and the place
        start = end
    together = _TOGETHER[statements] = _Together(
        union_all(*parts).order_by(literal_column("part"), literal_column("place")), places, {}
    )
    return together


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
    columns all have a type (a NULL of it takes their place in the others' rows). Like any read
    through the session, it flushes what is pending first."""
    together = _together(statements)
    session = db.session
    converted = _conversions(together, statements, session.get_bind().dialect)
    rows: list[list[Sequence[Any]]] = [[] for _ in statements]
    for row in session.execute(together.statement, params).all():
        part = row[0]
        values = row[together.places[part]]
        if converted[part]:
            values = list(values)
            for place, convert in converted[part]:
                values[place] = convert(values[place])
        rows[part].append(values)
    return rows
