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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from flask import g, has_app_context

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

    @wraps(read)
    def once(ids: list[int]) -> dict[int, T]:
        kept: dict[Any, dict[int, Any]] | None = g.get(_KEPT) if has_app_context() else None
        if kept is None:
            return read(ids)
        known = kept.setdefault(read, {})
        missing = [id_ for id_ in dict.fromkeys(ids) if id_ not in known]
        if missing:
            known.update(read(missing))
        return {id_: known[id_] for id_ in ids}

    return once
