"""Values read in the statement that loads the signed-in user, which every signed-in request
makes anyway.

Each statement costs the portal about a third of a millisecond of CPU however little it reads
(core.together), and most pages also read the framework's settings, in a statement of their own.
A domain registers a column (a scalar subquery: one value whatever the data) and what to do
with its value, once, on import; the accounts domain, which loads the user, adds every
registered column to its statement and hands each value over as it reads the row. Plumbing: it
knows no domain, and a domain's value reaches no other way than the one it registered. A
request with nobody signed in reads each value as it would have without this (the domain's own
statement, when something asks)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement


@dataclass(frozen=True, eq=False)
class Rider:
    """A value read with the user: `column` selected beside the user's, `keep` called with its
    value (in the request, before the user is handed back)."""

    column: ColumnElement[Any]
    keep: Callable[[Any], None]


_RIDERS: list[Rider] = []


def read_with_user(column: ColumnElement[Any], keep: Callable[[Any], None]) -> None:
    """Have `column` read in the statement that loads the signed-in user, and `keep` called with
    its value. Call on import: the statement is built once, with the riders registered then."""
    _RIDERS.append(Rider(column, keep))


def riders() -> tuple[Rider, ...]:
    """Every value registered, in the order registered."""
    return tuple(_RIDERS)
