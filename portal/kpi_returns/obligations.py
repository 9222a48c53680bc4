"""Who owes which return, and where each stands: derived from admissions, dates and the returns
made, whenever a page is read. Nothing is flipped by a timer: a return becomes missing because
its due date has passed, not because a job ran.

An organisation owes a return every month from the month it was admitted to a lot (on it or
suspended from it; a removal ends it), covering the KPIs of those lots.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from portal.admissions.models import ADMITTED, SUSPENDED, Admission
from portal.core.db import db
from portal.core.time import LONDON, as_utc
from portal.kpi_returns import months, ratings
from portal.kpi_returns.models import SUBMITTED

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
    """An organisation's lots that ask for returns, each from the month it was admitted."""

    organisation_id: int
    lots: dict[int, date]  # lot id: first month

    @property
    def first_month(self) -> date | None:
        return min(self.lots.values()) if self.lots else None

    def lot_ids(self, month: date) -> set[int]:
        return {lot_id for lot_id, first in self.lots.items() if first <= month}

    def owes(self, month: date) -> bool:
        return bool(self.lot_ids(month))

    def months(self, on: date) -> list[date]:
        """Every month owed that has ended by `on`, oldest first."""
        first = self.first_month
        return months.months_between(first, months.last_ended(on)) if first else []


def _local_month(moment: datetime) -> date:
    return months.first_of(as_utc(moment).astimezone(LONDON).date())


def obligations_for(organisation_ids: list[int]) -> dict[int, Obligation]:
    """The obligation of each organisation (one query, however many)."""
    lots: dict[int, dict[int, date]] = defaultdict(dict)
    if organisation_ids:
        for organisation_id, lot_id, admitted_at in db.session.execute(
            select(Admission.organisation_id, Admission.lot_id, Admission.admitted_at).where(
                Admission.organisation_id.in_(organisation_ids),
                Admission.status.in_((ADMITTED, SUSPENDED)),
            )
        ):
            lots[organisation_id][lot_id] = _local_month(admitted_at)
    return {id_: Obligation(id_, dict(lots[id_])) for id_ in organisation_ids}


def obligation_of(organisation_id: int) -> Obligation:
    return obligations_for([organisation_id])[organisation_id]


@dataclass(frozen=True)
class ReturnSummary:
    """What a page listing many returns needs to know of one."""

    id: int
    organisation_id: int
    month: date
    status: str
    submitted_at: datetime | None
    version_count: int
    rating: str | None


@dataclass(frozen=True)
class MonthState:
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
        submitted_on = as_utc(summary.submitted_at).astimezone(LONDON).date()
        return MonthState(month, due, LATE if submitted_on > due else ON_TIME, summary)
    return MonthState(month, due, MISSING if on > due else DUE, summary)


class DueDates:
    """Due dates by month, each worked out once per page."""

    def __init__(self) -> None:
        self._known: dict[date, date] = {}

    def __call__(self, month: date) -> date:
        if month not in self._known:
            self._known[month] = months.due_date(month)
        return self._known[month]
