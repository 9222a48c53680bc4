"""Work waiting for someone, as their home page lists it.

Each domain says what of its own is waiting for a person (a `waiting_for` function in its
services, reading its own tables in a fixed number of queries); the home page only collects the
items and sorts them, most urgent first, so it never needs to know any domain's tables. What a
domain only counts it gives as `Figures`, which the home reads together with every other
domain's in one statement (`read_figures`); what it lists row by row from a statement that needs
nothing read before it, as `Listed`, read with every other domain's lists in one statement
(`read_lists`); a home with both reads them all in one (`read_waiting`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, NamedTuple, cast

from flask import url_for
from sqlalchemy import FromClause, Select, select, true

from portal.core.db import db
from portal.core.together import rows_together
from portal.core.urls import UrlPattern
from portal.core.words import shown

# How urgent an item is, most urgent first: past its due date or service level, due soon (or
# open to the person's answer now), then the rest.
OVERDUE = 0
DUE_SOON = 1
TO_DO = 2
URGENCY_TAGS = {
    OVERDUE: ("Overdue", "govuk-tag--red"),
    DUE_SOON: ("Due soon", "govuk-tag--yellow"),
    TO_DO: ("To do", "govuk-tag--blue"),
}


class _Item(NamedTuple):
    link: str
    endpoint: str | None
    args: Mapping[str, Any] = MappingProxyType({})  # none; read-only, as it is shared
    hint: str = ""
    urgency: int = TO_DO
    due: date | None = None


class Waiting(_Item):
    """One piece of waiting work: `link` is what the person clicks (it names the work), `hint`
    says why it waits (a count, a due date), and `endpoint` with `args` name the page where it
    is done (the home page builds the address; a service knows no request). An item with no
    page to do it in has no endpoint, and shows as text. A named tuple, not a dataclass: a
    provider's home makes one for each of a hundred and fifty invitations, and a frozen
    dataclass took twice as long to make."""

    __slots__ = ()

    tag = shown(URGENCY_TAGS, "urgency")


# A select of any columns (SQLAlchemy types a select by its columns' types).
AnyRow = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class Figures:
    """What a domain counts for someone's home page, and the items the counts make: `statement`
    (built once) answers exactly one row whatever the data (aggregates over all it reads, no
    GROUP BY), run with `params`; `items` makes the items from that row's values, in its
    columns' order. The home reads every domain's figures in one statement (`read_figures`):
    each statement costs the portal about a third of a millisecond of CPU however little it
    counts, and a council officer's home counted five things, one statement each."""

    statement: AnyRow
    params: Mapping[str, Any]
    items: Callable[[Sequence[Any]], list[Waiting]]


# The statement reading each combination of figures (a role's home reads the same ones every
# time), built once: each figures' statement a subquery of one row, joined on nothing to the
# others', so the row answered is every one's row side by side.
_TOGETHER: dict[tuple[AnyRow, ...], AnyRow] = {}


def _together(statements: tuple[AnyRow, ...]) -> AnyRow:
    together = _TOGETHER.get(statements)
    if together is None:
        parts = [statement.subquery() for statement in statements]
        joined: FromClause = parts[0]
        for part in parts[1:]:
            joined = joined.join(part, true())
        columns = [column for part in parts for column in part.c]
        together = _TOGETHER[statements] = select(*columns).select_from(joined)
    return together


def read_figures(figures: Sequence[Figures]) -> list[list[Waiting]]:
    """Each figures' items (a list each, in the order given), all counted by one statement. Two
    figures may share a parameter's name only when they give it the same value (today's date):
    a statement has one value for a name."""
    if not figures:
        return []
    if len(figures) == 1:
        statement = figures[0].statement
    else:
        statement = _together(tuple(each.statement for each in figures))
    params = _one_value_each(figures)
    row = db.session.execute(statement, params).one()
    items = []
    start = 0
    for each in figures:
        end = start + len(each.statement.selected_columns)
        items.append(each.items(row[start:end]))
        start = end
    return items


@dataclass(frozen=True)
class Listed:
    """What a domain lists for someone's home page from rows it reads: `statement` (built once:
    a plain select, neither limited nor a union, whose ORDER BY gives its rows' order), run with
    `params`; `items` makes the items from its rows (tuples of its columns' values, in order).
    The home reads every domain's lists in one statement (`read_lists`): a provider's home read
    seven lists (competitions, contracts, returns, capacity, actions, meetings), a statement
    each, and each cost more to run than its rows did to read."""

    statement: AnyRow
    params: Mapping[str, Any]
    items: Callable[[list[Sequence[Any]]], list[Waiting]]


def read_lists(lists: Sequence[Listed]) -> list[list[Waiting]]:
    """Each list's items (a list each, in the order given), all read by one statement
    (core.together). Two lists may share a parameter's name only when they give it the same
    value (the organisations' ids, today's date), as with read_figures."""
    if not lists:
        return []
    found = rows_together(tuple(each.statement for each in lists), _one_value_each(lists))
    return [each.items(rows) for each, rows in zip(lists, found, strict=True)]


def read_waiting(parts: Sequence[Figures | Listed]) -> list[list[Waiting]]:
    """Each part's items (a list each, in the order given), all read by one statement: the
    lists' rows and each figures' one row together (core.together), where a home with both
    would read them in two. Figures alone are read as read_figures reads them."""
    if not any(isinstance(part, Listed) for part in parts):
        return read_figures(cast(Sequence[Figures], parts))
    found = rows_together(tuple(part.statement for part in parts), _one_value_each(parts))
    return [
        part.items(rows) if isinstance(part, Listed) else part.items(_one(rows))
        for part, rows in zip(parts, found, strict=True)
    ]


def _one(rows: list[Sequence[Any]]) -> Sequence[Any]:
    [row] = rows  # figures answer exactly one row
    return row


def _one_value_each(parts: Sequence[Figures | Listed]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for each in parts:
        for name, value in each.params.items():
            if params.setdefault(name, value) != value:
                raise ValueError(f"Two parts give the parameter {name!r} different values")
    return params


def most_urgent_first(items: list[Waiting]) -> list[Waiting]:
    """Overdue before due soon before the rest; within each, the earliest due date first and
    undated items after dated ones, otherwise in the order the domains gave them."""
    return sorted(items, key=lambda item: (item.urgency, item.due is None, item.due or date.min))


def addresses(items: list[Waiting]) -> list[str | None]:
    """Each item's address, exactly as url_for gives it (None for an item with no page). A
    route the list links many times by one id (a provider invited to a hundred competitions)
    is worked out once and each id put in its place (UrlPattern), not built item by item."""
    patterns: dict[tuple[str, str], UrlPattern] = {}
    built: list[str | None] = []
    for item in items:
        if not item.endpoint:
            built.append(None)
            continue
        if len(item.args) == 1:
            [(name, value)] = item.args.items()
            if type(value) is int:
                pattern = patterns.get((item.endpoint, name))
                if pattern is None:
                    pattern = patterns[item.endpoint, name] = UrlPattern(item.endpoint, name)
                built.append(pattern(value))
                continue
        built.append(url_for(item.endpoint, **item.args))
    return built


def the_rest(
    total: int, listed: int, link: str, endpoint: str, hint: str, **item: Any
) -> list[Waiting]:
    """The item that stands for what a shortened list leaves out (it lists `listed` of `total`),
    linking to the page that lists them all; none when it left nothing out."""
    return [Waiting(link=link, endpoint=endpoint, hint=hint, **item)] if total > listed else []


def plural(count: int, one: str, many: str) -> str:
    """'1 application', '3 applications'."""
    return f"{count} {one if count == 1 else many}"
