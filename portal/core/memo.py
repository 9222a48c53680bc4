"""Reading a thing once in a page that several domains ask about it.

The provider's home gathers what every domain has waiting (each domain's `waiting_for`) beside
its own lists, and several of them need the same rows: the organisations' admissions (the
standing, capacity, KPI returns), their document libraries (the standing's call-off problems,
documents expiring), their latest applications (the page, applications waiting). Each domain
still reads for itself, so none knows another's tables; a read marked `@read_once_by_id` and
asked for again inside `reading_once()` answers from what was read, reading only ids not read
yet.

Outside `reading_once()` nothing is kept: a read marked so reads every time, as if unmarked. A
page opens it only around reads with no writes among them (a GET's), so nothing read can have
changed before it is asked for again; it ends with the block, never outliving the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, Generic, TypeVar

from flask import g, has_app_context

from portal.core.db import db
from portal.core.together import AnyRow, rows_together

T = TypeVar("T")

_KEPT = "read_once"


@contextmanager
def reading_once() -> Iterator[None]:
    """Within the block, each `@read_once_by_id` read reads an id at most once."""
    outer = g.get(_KEPT)
    if outer is None:
        setattr(g, _KEPT, {})
    try:
        yield
    finally:
        if outer is None:
            g.pop(_KEPT, None)


def sharing_reads() -> bool:
    """Whether the page has opened `reading_once()`: its parts share what each reads, so a read
    that could be narrowed for one part (only the columns or rows it shows) is better read whole
    once for all of them."""
    return has_app_context() and g.get(_KEPT) is not None


def read_once_by_id(
    read: Callable[[list[int]], dict[int, T]],
) -> Callable[[list[int]], dict[int, T]]:
    """Mark a read of several ids that answers for every id it is given (an empty list, None:
    never a missing key), in the order given."""

    def once(ids: list[int]) -> dict[int, T]:
        kept: dict[Any, dict[int, Any]] | None = g.get(_KEPT) if has_app_context() else None
        if kept is None:
            return read(ids)
        known = kept.setdefault(read, {})
        missing = [id_ for id_ in dict.fromkeys(ids) if id_ not in known]
        if missing:
            known.update(read(missing))
        return {id_: known[id_] for id_ in ids}

    if isinstance(read, RowsById):
        # Not wrapped: a read of rows has no source of its own for inspect to find.
        # read_together finds what it reads here.
        once.rows_by_id = read  # type: ignore[attr-defined]
        return once
    return wraps(read)(once)


@dataclass(frozen=True, eq=False)
class RowsById(Generic[T]):
    """A read of several ids' rows, each id's in a list (empty for an id with none): `statement`
    (built once, run with the ids as its expanding parameter `ids`; its ORDER BY its rows'
    order), whose column `by` holds the id a row is for, each row made by `make`. Marked
    `@read_once_by_id`, it can be read with others in one statement (read_together)."""

    statement: AnyRow
    by: int
    make: Callable[..., T]

    def __call__(self, ids: list[int]) -> dict[int, list[T]]:
        if not ids:  # nothing to ask the database
            return {}
        return self.shaped(ids, db.session.execute(self.statement, {"ids": ids}))

    def shaped(self, ids: list[int], rows: Any) -> dict[int, list[T]]:
        found: dict[int, list[T]] = {id_: [] for id_ in ids}
        for row in rows:
            found[row[self.by]].append(self.make(*row))
        return found


def read_together(reads: Sequence[Callable[[list[int]], dict[int, Any]]], ids: list[int]) -> None:
    """Within `reading_once()`, read what each of `reads` (RowsById marked `@read_once_by_id`)
    would for `ids` in one statement, not one each, so that asking them later reads nothing.
    Outside it, nothing: each read reads when asked, as ever."""
    kept: dict[Any, dict[int, Any]] | None = g.get(_KEPT) if has_app_context() else None
    if kept is None:
        return
    wanted = [read.rows_by_id for read in reads]  # type: ignore[attr-defined]
    missing = [
        id_ for id_ in dict.fromkeys(ids) if any(id_ not in kept.get(each, {}) for each in wanted)
    ]
    if not missing:
        return
    found = rows_together(tuple(each.statement for each in wanted), {"ids": missing})
    for each, rows in zip(wanted, found, strict=True):
        known = kept.setdefault(each, {})
        for id_, value in each.shaped(missing, rows).items():
            known.setdefault(id_, value)
