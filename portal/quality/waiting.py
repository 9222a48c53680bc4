"""What of quality work is waiting for someone, for their home page. A quality officer: visits
to record, findings to publish, actions the provider has marked done to accept or reopen, and
overdue actions to chase. A provider: the findings of its visits with actions still open, and
its overdue actions. A fixed number of queries, however many there are."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    ScalarSelect,
    bindparam,
    func,
    literal_column,
    or_,
    select,
)

from portal.accounts.models import User
from portal.core.permissions import can
from portal.core.time import format_date, today
from portal.core.waiting import DUE_SOON, OVERDUE, TO_DO, Figures, Listed, Waiting, plural
from portal.organisations.models import Organisation
from portal.quality.models import (
    ACTION_DONE,
    ACTION_OPEN,
    VISIT_PLANNED,
    VISIT_PUBLISHED,
    VISIT_RECORDED,
    Action,
    Visit,
)
from portal.quality.services.readings import visible_to_provider

# An open action shows as due soon from this many days before its due date.
DUE_SOON_DAYS = 14
# How many visits with open actions a provider's home lists one by one.
LISTED = 10


def waiting_for(user: User, organisations: list[Organisation]) -> list[Listed] | list[Figures]:
    if not user.is_staff:
        return _for_provider(organisations, today())
    if can(user, "assure_quality"):
        on = today()
        return [Figures(_COUNCIL, {"on": on}, partial(_for_council, on))]
    return []


_VISIBLE = visible_to_provider()
_PLANNED = Visit.status == VISIT_PLANNED
_ON = bindparam("on", type_=Date)


def _of_visits(column: ColumnElement[Any], *criteria: ColumnElement[bool]) -> ScalarSelect[Any]:
    return select(column).select_from(Visit).where(*criteria).scalar_subquery()


# Built once, and one statement for all the officer's home shows: the visits planned (how many,
# the first, how many past their date) and recorded, each a subquery run once from the index of
# visits by status; the actions marked done; and the overdue, from the index of open actions by
# due date and visit (the status written into the SQL, so that the index, partial on it, serves
# every run), read from the index alone. None reads the closed actions, most of them in time.
_COUNCIL = select(
    _of_visits(func.count(), _PLANNED),
    _of_visits(func.min(Visit.planned_on), _PLANNED),
    _of_visits(func.count(), _PLANNED, Visit.planned_on < _ON),
    _of_visits(func.count(), Visit.status == VISIT_RECORDED),
    select(func.count())
    .select_from(Action)
    .where(Action.status == ACTION_DONE, _VISIBLE)
    .scalar_subquery(),
    func.count(),
    func.min(Action.due_on),
).where(
    Action.status == literal_column(f"'{ACTION_OPEN}'"),
    Action.due_on < _ON,
    _VISIBLE,
)


def _for_council(on: date, figures: Sequence[Any]) -> list[Waiting]:
    """The officer's items from the figures of _COUNCIL (read with the home's others)."""
    planned, first, past, recorded, to_decide, overdue, oldest_overdue = figures
    items = []
    if planned:
        items.append(
            Waiting(
                link=f"Record {plural(planned, 'visit', 'visits')}",
                endpoint="quality.index",
                hint=(
                    f"{past} past {'its' if past == 1 else 'their'} date"
                    if past
                    else f"The first is on {format_date(first)}"
                ),
                urgency=OVERDUE if past else (DUE_SOON if first <= on else TO_DO),
                due=first,
            )
        )
    if recorded:
        items.append(
            Waiting(
                link=f"Publish the findings of {plural(recorded, 'visit', 'visits')}",
                endpoint="quality.index",
                hint="Add the actions they call for, then publish them to the provider",
                urgency=DUE_SOON,
            )
        )
    if to_decide:
        items.append(
            Waiting(
                link=f"Accept or reopen {plural(to_decide, 'action', 'actions')}",
                endpoint="quality.index",
                hint="Providers have marked them done",
                urgency=DUE_SOON,
            )
        )
    if overdue:
        items.append(
            Waiting(
                link=f"Chase {plural(overdue, 'overdue action', 'overdue actions')}",
                endpoint="quality.index",
                hint=f"The oldest was due on {format_date(oldest_overdue)}",
                urgency=OVERDUE,
                due=oldest_overdue,
            )
        )
    return items


# Built once: a statement built for every request costs more than running it. The actions the
# provider may see (as visible_to_provider says) by the status of the visit joined for its date:
# no subquery of visits at all.
_OPEN_ACTIONS = (
    select(Action.visit_id, Action.due_on, Visit.visited_on)
    .outerjoin(Visit, Visit.id == Action.visit_id)
    .where(
        Action.organisation_id.in_(bindparam("ids", expanding=True)),
        Action.status == ACTION_OPEN,
        or_(Action.visit_id.is_(None), Visit.status == VISIT_PUBLISHED),
    )
    .order_by(Action.due_on)
)


def _for_provider(organisations: list[Organisation], on: date) -> list[Listed]:
    """The findings of visits with actions open and the actions from meetings (read with the
    home's other lists)."""
    ids = [organisation.id for organisation in organisations]
    if not ids:
        return []
    return [Listed(_OPEN_ACTIONS, {"ids": ids}, partial(_provider_items, on))]


def _provider_items(on: date, open_actions: list[Sequence[Any]]) -> list[Waiting]:
    """The provider's items from the rows of _OPEN_ACTIONS."""
    items: list[Waiting] = []
    by_visit: dict[int, list[date]] = {}
    visited: dict[int, date | None] = {}
    for visit_id, due_on, visited_on in open_actions:
        if visit_id is not None:
            by_visit.setdefault(visit_id, []).append(due_on)
            visited[visit_id] = visited_on
    for visit_id, dues in list(by_visit.items())[:LISTED]:
        first = min(dues)
        late = sum(1 for due in dues if due < on)
        items.append(
            Waiting(
                link=f"Answer the findings of the visit on {format_date(visited[visit_id])}",
                endpoint="quality.show_visit",
                args={"visit_id": visit_id},
                hint=f"{plural(len(dues), 'action', 'actions')} open"
                + (f", {late} overdue" if late else f", the first due on {format_date(first)}"),
                urgency=_urgency(first, on),
                due=first,
            )
        )
    others = [due for visit_id, due, _ in open_actions if visit_id is None]
    if others:
        items.append(
            Waiting(
                link=f"Answer {plural(len(others), 'action', 'actions')} from review meetings",
                endpoint="quality.index",
                hint=f"The first is due on {format_date(min(others))}",
                urgency=_urgency(min(others), on),
                due=min(others),
            )
        )
    return items


def _urgency(due: date, on: date) -> int:
    if due < on:
        return OVERDUE
    return DUE_SOON if due <= on + timedelta(days=DUE_SOON_DAYS) else TO_DO
