"""One way a record changes state: each workflow is a table of the moves it allows, and `move`
makes a move as one compare-and-set UPDATE on the record's state and version counter.

The UPDATE's WHERE clause carries the state and version the request read, so of two people
acting on the same record at once the second changes nothing (on PostgreSQL it waits for the
first to commit, then finds the row moved on) and is refused with a ServiceError that says so.
A move the table does not allow, and a page older than the record (`seen`, the version the page
showed), are refused before anything is written.

Why not SQLAlchemy's `version_id_col`: it checks the version when the session flushes, which
can be long after the service decided, raising StaleDataError away from the rule that made the
change, and it counts every change to the row (a note, a file) as a new version, where here a
page is out of date only when the record moved or its owner says so. An explicit UPDATE refuses
at the call, with the workflow's own words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm.attributes import set_committed_value

from portal.core.db import db
from portal.core.errors import ServiceError

# Why a move was refused.
ILLEGAL = "illegal"  # the transitions table does not allow it from the record's state
STALE = "stale"  # the page showed an older version of the record than the one loaded
LOST = "lost"  # someone else's change landed between loading the record and writing it

# `seen` when the caller has no page version to check: only the UPDATE's own check applies.
UNCHECKED: Any = object()


def page_version(seen: int | None) -> int:
    """The version a person's page showed, for `seen=`: a page without one (altered, or from
    elsewhere) is taken as out of date, as no record has version -1."""
    return -1 if seen is None else seen


@dataclass(frozen=True)
class Refusal:
    """A refused move, for the workflow to put into words: `why` it was refused first (a stale
    page before an illegal move), and whether the table `allowed` the move at all. For LOST,
    `record` has been read again from the database, so the words can say what it is now."""

    record: Any
    before: str | None
    to: str | None
    why: str
    allowed: bool


@dataclass(frozen=True)
class Workflow:
    """A kind of record's moves, as (from state, to state) pairs, and how a refusal reads."""

    transitions: frozenset[tuple[str | None, str]]
    refuse: Callable[[Refusal], ServiceError]
    state: str = "status"
    version: str = "lock_version"

    def allows(self, before: str | None, to: str) -> bool:
        return (before, to) in self.transitions


def in_words(
    error: type[ServiceError], *, changed: str, illegal: str
) -> Callable[[Refusal], ServiceError]:
    """A Workflow's `refuse` that says one of two things as `error`: `changed` when the page
    was older than the record or someone else's change landed first, else `illegal`."""

    def refuse(refusal: Refusal) -> ServiceError:
        return error(changed if refusal.why in (STALE, LOST) else illegal)

    return refuse


def worded(
    error: type[ServiceError],
    moves: Iterable[tuple[str | None, str]],
    *,
    changed: str,
    illegal: str,
) -> Workflow:
    """A Workflow of `moves` whose refusals say one of two things as `error` (`in_words`)."""
    return Workflow(frozenset(moves), in_words(error, changed=changed, illegal=illegal))


def move(record: Any, to: str, workflow: Workflow, *, seen: Any = UNCHECKED, **values: Any) -> None:
    """Move `record` to state `to`, writing `values` with it, if `workflow` allows the move
    and nobody has changed the record since it was loaded (nor since `seen`, the version the
    person's page showed, when given). The record in memory then holds what was written.
    Raises the workflow's ServiceError for an illegal, stale or lost move; nothing is written.
    """
    before = getattr(record, workflow.state)
    allowed = workflow.allows(before, to)
    if seen is not UNCHECKED and seen != getattr(record, workflow.version):
        raise workflow.refuse(Refusal(record, before, to, STALE, allowed))
    if not allowed:
        raise workflow.refuse(Refusal(record, before, to, ILLEGAL, allowed))
    _compare_and_set(record, workflow, {workflow.state: to, **values}, before, to)


def change(record: Any, workflow: Workflow, *, seen: Any = UNCHECKED, **values: Any) -> None:
    """Write `values` to `record` without a change of state, counted in its version. With
    `seen` (the version the person's page showed) only if nobody has changed the record since,
    else the workflow's STALE or LOST refusal. Without it the write is not compared, only
    counted: changes made at the same moment (two files attached at once) each land whole, one
    after the other, under the row's lock."""
    state = getattr(record, workflow.state)
    if seen is not UNCHECKED and seen != getattr(record, workflow.version):
        raise workflow.refuse(Refusal(record, state, state, STALE, True))
    model = type(record)
    (key,) = inspect(model).primary_key
    counter = getattr(model, workflow.version)
    compared = [counter == seen] if seen is not UNCHECKED else []
    written = db.set_where(
        model,
        key == getattr(record, key.key),
        *compared,
        **values,
        **{workflow.version: counter + 1},
    )
    if written != 1:
        db.session.refresh(record)
        raise workflow.refuse(Refusal(record, state, state, LOST, True))
    for name, value in values.items():
        set_committed_value(record, name, value)
    db.session.expire(record, [workflow.version])


def _compare_and_set(
    record: Any, workflow: Workflow, values: dict[str, Any], before: str | None, to: str | None
) -> None:
    model = type(record)
    (key,) = inspect(model).primary_key
    version = getattr(record, workflow.version)
    values = {**values, workflow.version: version + 1}
    written = db.set_where(
        model,
        key == getattr(record, key.key),
        getattr(model, workflow.version) == version,
        getattr(model, workflow.state) == before,
        **values,
    )
    if written != 1:
        # On PostgreSQL the UPDATE waited for the other change to commit: show what it made.
        db.session.refresh(record)
        raise workflow.refuse(Refusal(record, before, to, LOST, True))
    for name, value in values.items():
        set_committed_value(record, name, value)
