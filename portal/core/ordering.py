"""Lists that admins keep in order by hand (lots, each lot's outcomes): the steps they share.

Each row has a `position` and a name that must be free among its siblings. Writing a name is
checked first and then guarded by the unique constraint (`write_unless_taken`); moving swaps a
row with its neighbour (`swap_with_neighbour`); closing or retiring one is a compare-and-set
(`set_unless_already`). The domain says what its refusals say.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError

from portal.core.db import db
from portal.core.errors import ServiceError

DIRECTIONS = ("up", "down")


class Positioned(Protocol):
    position: int


P = TypeVar("P", bound=Positioned)


def write_unless_taken(change: Callable[[], None], taken: ServiceError) -> None:
    """Make `change` and write it now. The name was checked free a moment ago, but another admin
    may have taken it since (two pages sent at once): the unique constraint refuses the second,
    which is told `taken` on the form instead of getting an error page."""
    try:
        with db.session.begin_nested():
            change()
    except IntegrityError:
        raise taken from None


def swap_with_neighbour(
    siblings: Sequence[P], row: P, direction: str, at_end: Callable[[str], ServiceError]
) -> tuple[int, int]:
    """Swap `row` with the sibling before it ("up") or after it ("down"); its position before
    and after. Positions may have gaps or repeats (seeded data), so all are numbered afresh from
    1 first. At either end raises `at_end("first")` or `at_end("last")`, changing nothing."""
    index = siblings.index(row)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        raise at_end("first" if direction == "up" else "last")
    for number, each in enumerate(siblings, start=1):
        each.position = number
    row.position, siblings[other].position = other + 1, index + 1
    return index + 1, other + 1


def set_unless_already(
    row: Any, model: Any, condition: Any, already: Callable[[], ServiceError], **values: Any
) -> None:
    """Compare-and-set `values` on `row` (of `model`) where `condition` still holds, then read it
    back; of two such changes at once (two tabs, a page left open) only one happens and the
    other raises `already()`, made after the read so that it names the row as it now is."""
    changed = db.set_where(model, model.id == row.id, condition, **values)
    db.session.refresh(row)
    if not changed:
        raise already()
