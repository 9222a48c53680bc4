"""Who owes which return, and where each stands: derived from admissions, dates and the returns
made, whenever a page is read. Nothing is flipped by a timer: a return becomes missing because
its due date has passed, not because a job ran.

An organisation owes a return every month from the month it was admitted to a lot, covering the
KPIs of those lots. A suspended provider is still on the framework and keeps reporting. A removal
ends it, but not what was owed before: the return of every month that had ended before the
removal is still owed (and shows as missing if it never came), so removing a provider never
hides its record.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Date, bindparam, case, literal_column, select

from portal.admissions.held import Held
from portal.admissions.models import REMOVED, Admission
from portal.core.db import UTCDateTime, db
from portal.core.time import LONDON, as_utc, london_hour
from portal.kpi_returns import months, ratings
from portal.kpi_returns.models import SUBMITTED, KpiReturn

# Where a month's return stands.
NOT_REQUIRED = "not_required"
DUE = "due"
MISSING = "missing"
ON_TIME = "submitted"
LATE = "late"
STATE_LABELS = {
    NOT_REQUIRED: "Not required",
    DUE: "Due",
    MISSING: "Missing",
    ON_TIME: "Submitted",
    LATE: "Submitted late",
}
STATE_COLOURS = {
    NOT_REQUIRED: "grey",
    DUE: "blue",
    MISSING: "red",
    ON_TIME: "green",
    LATE: "orange",
}


@dataclass(frozen=True)
class Obligation:
    """An organisation's lots that ask for returns, each from the month it was admitted to the
    last month that ended before it was removed (None while it is on the lot)."""

    organisation_id: int
    lots: dict[int, tuple[date, date | None]]  # lot id: first month, last month

    @property
    def first_month(self) -> date | None:
        return min(first for first, _last in self.lots.values()) if self.lots else None

    def lot_ids(self, month: date) -> set[int]:
        return {
            lot_id
            for lot_id, (first, last) in self.lots.items()
            if first <= month and (last is None or month <= last)
        }

    def owes(self, month: date) -> bool:
        # Asked for every cell of the dashboard: stops at the first lot, makes no set.
        return any(
            first <= month and (last is None or month <= last) for first, last in self.lots.values()
        )

    def owed_in(self, in_order: list[date]) -> list[bool]:
        """`owes` for each of `in_order` (months, oldest first): each lot marks the run of
        months from its first to its last, found by bisection rather than asked month by
        month (the dashboard asks for 24 months of up to 50 providers)."""
        owed = [False] * len(in_order)
        for first, last in self.lots.values():
            start = bisect_left(in_order, first)
            stop = len(in_order) if last is None else bisect_right(in_order, last)
            owed[start:stop] = [True] * (stop - start)
        return owed

    def months(self, on: date) -> list[date]:
        """Every month owed that has ended by `on`, oldest first."""
        first = self.first_month
        if first is None:
            return []
        return [
            month
            for month in months.months_between(first, months.last_ended(on))
            if self.owes(month)
        ]


def _local_month(moment: datetime) -> date:
    return months.first_of(as_utc(moment).astimezone(LONDON).date())


def obligations_for(organisation_ids: list[int]) -> dict[int, Obligation]:
    """The obligation of each organisation (one query, however many). A lot it was removed from
    counts for the months before the removal."""
    if not organisation_ids:
        return {}
    return obligations_from(
        organisation_ids,
        db.session.execute(
            select(
                Admission.organisation_id,
                Admission.lot_id,
                Admission.status,
                Admission.admitted_at,
                Admission.status_changed_at,
            ).where(Admission.organisation_id.in_(organisation_ids))
        ),
    )


def obligations_of_held(held: dict[int, list[Held]]) -> dict[int, Obligation]:
    """obligations_for from admissions read already (admissions_held), by organisation id."""
    return obligations_from(
        list(held),
        (
            (h.organisation_id, h.lot_id, h.status, h.admitted_at, h.status_changed_at)
            for admissions in held.values()
            for h in admissions
        ),
    )


def obligations_from(
    organisation_ids: list[int], admissions: Iterable[tuple[int, int, str, datetime, datetime]]
) -> dict[int, Obligation]:
    """obligations_for from the organisations' admissions read already, each as (organisation
    id, lot id, status, admitted at, status changed at)."""
    lots: dict[int, dict[int, tuple[date, date | None]]] = defaultdict(dict)
    for organisation_id, lot_id, status, admitted_at, changed_at in admissions:
        first = _local_month(admitted_at)
        last = None
        if status == REMOVED:
            last = months.add_months(_local_month(changed_at), -1)
            if last < first:
                continue  # removed in the month it was admitted: no month ended on it
        lots[organisation_id][lot_id] = (first, last)
    return {id_: Obligation(id_, dict(lots[id_])) for id_ in organisation_ids}


def obligation_of(organisation_id: int) -> Obligation:
    return obligations_for([organisation_id])[organisation_id]


# ReturnSummary and MonthState are named tuples rather than frozen dataclasses: the dashboard
# makes one of each per provider and month (1,200 a page), and a frozen dataclass takes three
# times as long to make. Both stay immutable.


class ReturnSummary(NamedTuple):
    """What a page listing many returns needs to know of one."""

    id: int
    organisation_id: int
    month: date
    status: str
    submitted_at: datetime | None
    version_count: int
    rating: str | None


class MonthState(NamedTuple):
    """Where one organisation's return for one month stands on a day."""

    month: date
    due: date
    state: str
    summary: ReturnSummary | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def colour(self) -> str:
        return STATE_COLOURS[self.state]

    @property
    def amended(self) -> bool:
        summary = self.summary
        return bool(summary and summary.status == SUBMITTED and summary.version_count > 1)

    @property
    def has_draft(self) -> bool:
        return bool(self.summary and self.summary.status != SUBMITTED)

    @property
    def rating(self) -> str | None:
        return self.summary.rating if self.summary and self.summary.status == SUBMITTED else None

    @property
    def rating_label(self) -> str:
        return ratings.label(self.rating)

    @property
    def rating_colour(self) -> str:
        return ratings.colour(self.rating)

    @property
    def is_open(self) -> bool:
        """Still to be submitted: due or missing."""
        return self.state in (DUE, MISSING)


def state_of(
    month: date, owed: bool, summary: ReturnSummary | None, on: date, due: date
) -> MonthState:
    """Where the return stands on `on`. Submitted after its due date (London time) is late; not
    submitted by the end of its due date is missing."""
    if not owed:
        return MonthState(month, due, NOT_REQUIRED, summary)
    if summary and summary.status == SUBMITTED and summary.submitted_at:
        submitted_at = summary.submitted_at
        # Aware moments compare as moments whatever their zone: only a naive one (SQLite's)
        # needs its zone, not a conversion per cell of the dashboard.
        if submitted_at.tzinfo is None:
            submitted_at = submitted_at.replace(tzinfo=UTC)
        late = submitted_at >= _late_from(due)
        return MonthState(month, due, LATE if late else ON_TIME, summary)
    return MonthState(month, due, MISSING if on > due else DUE, summary)


@lru_cache(maxsize=512)
def _late_from(due: date) -> datetime:
    """The moment a return due on `due` becomes late: midnight in London at the end of that
    day. Submitted before it, the London date was the due date or earlier. Comparing the
    moment itself saves turning each return's submission into a London date (the dashboard
    asks for 1,200 cells, and that conversion was a fifth of its time); a due date's moment
    never changes, so it is kept."""
    return london_hour(due + timedelta(days=1))


@cache
def late_in_sql(count: int) -> ColumnElement[int | None]:
    """state_of's rule for a submitted return, in SQL, for pages that read many (the
    dashboard): 1 when it came late, 0 on time, NULL when it has no submission moment (then it
    stands as due or missing). Due dates come from working days, which only Python knows, so
    each of the page's `count` months and the moment its return becomes late are parameters:
    late_parameters gives them. Built once for each count.

    The months are written into the statement's text, and the answers are not parameters:
    psycopg keeps what it makes of a statement only when it has at most 50 parameters, and
    making it again for each request cost more than the rest of the statement's reading."""
    late_from = case(
        *(
            (
                KpiReturn.month == bindparam(f"month_{index}", type_=Date, literal_execute=True),
                bindparam(f"late_from_{index}", type_=UTCDateTime()),
            )
            for index in range(count)
        ),
    )
    return case(
        (KpiReturn.submitted_at >= late_from, literal_column("1")),
        (KpiReturn.submitted_at.is_not(None), literal_column("0")),
    )


def late_parameters(dated: list[tuple[date, date]]) -> dict[str, Any]:
    """late_in_sql's parameters for these months and their due dates."""
    parameters: dict[str, Any] = {}
    for index, (month, due) in enumerate(dated):
        parameters[f"month_{index}"] = month
        parameters[f"late_from_{index}"] = _late_from(due)
    return parameters


class DueDates:
    """Due dates by month, each worked out once per page."""

    def __init__(self) -> None:
        self._known: dict[date, date] = {}

    def __call__(self, month: date) -> date:
        if month not in self._known:
            self._known[month] = months.due_date(month)
        return self._known[month]
