"""Time to place: how many school days each referral took from the day it was received to the
day its placement started, by type of service, commissioning team and urgency, with the share
placed within TARGET_SCHOOL_DAYS; and the open referrals, with how long they have waited so far.

School days are counted as working days (portal.core.time): Monday to Friday, not England and
Wales bank holidays. School holidays differ from school to school and are not counted out, so a
referral waiting over half term is shown as waiting those days: the council's target is about
the child, who is waiting either way. A day is counted after the day received, up to and
including the day it started: received on a Friday and started on the Monday is 1 school day.

Each figure is read in one query of the columns it needs, and counted in Python: a fixed number
of queries whatever the number of referrals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from sqlalchemy import select

from portal.core.charts import Chart, bars
from portal.core.csv_export import Cell
from portal.core.db import db
from portal.core.time import working_days_between
from portal.lots.models import Lot
from portal.referrals.models import (
    CLOSED,
    STARTED,
    STATUS_LABELS,
    TARGET_SCHOOL_DAYS,
    URGENCIES,
    URGENCY_LABELS,
    Referral,
)

# The open referrals the dashboard lists one by one, waiting longest first (the rest counted).
LISTED = 20


def school_days(received_on: date, until: date) -> int:
    """School days from `received_on` to `until` (working days after the one up to and
    including the other; see the module's docstring)."""
    return working_days_between(received_on, until)


@dataclass
class Group:
    """The placed referrals of one type of service, team or urgency (or all of them)."""

    name: str
    days: list[int] = field(default_factory=list)

    @property
    def placed(self) -> int:
        return len(self.days)

    @property
    def within_target(self) -> int:
        return sum(1 for days in self.days if days <= TARGET_SCHOOL_DAYS)

    @property
    def share_within_target(self) -> int | None:
        """The percentage placed within the target, rounded; None when none were placed."""
        return round(100 * self.within_target / self.placed) if self.days else None

    @property
    def median_days(self) -> float | None:
        return round(float(median(self.days)), 1) if self.days else None

    @property
    def average_days(self) -> float | None:
        return round(sum(self.days) / len(self.days), 1) if self.days else None

    @property
    def longest_days(self) -> int | None:
        return max(self.days) if self.days else None


@dataclass(frozen=True)
class Waiting:
    """An open referral and the school days it has waited so far."""

    id: int
    reference: str
    lot: str
    urgency: str
    team: str
    status: str
    received_on: date
    days: int

    @property
    def urgency_label(self) -> str:
        return URGENCY_LABELS[self.urgency]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class TimeToPlace:
    """The dashboard's figures."""

    overall: Group
    lots: list[Group]
    teams: list[Group]
    urgencies: list[Group]
    waiting: list[Waiting]
    open_count: int
    open_by_status: dict[str, int]


def _grouped(names: Iterable[str], rows: list[tuple[str, int]]) -> list[Group]:
    """One Group per name, in the order given (names with no rows kept, to show 0), then any
    other names the rows have."""
    groups = {name: Group(name) for name in names}
    for name, days in rows:
        groups.setdefault(name, Group(name)).days.append(days)
    return list(groups.values())


def time_to_place(on: date, teams: list[str]) -> TimeToPlace:
    """Every started referral's school days to start, grouped, and the open referrals waiting
    on `on`: two queries."""
    placed = db.session.execute(
        select(Lot.name, Referral.team, Referral.urgency, Referral.received_on, Referral.started_on)
        .join(Lot, Lot.id == Referral.lot_id)
        .where(Referral.status == STARTED)
    ).all()
    by_lot: list[tuple[str, int]] = []
    by_team: list[tuple[str, int]] = []
    by_urgency: list[tuple[str, int]] = []
    overall = Group("All referrals")
    for lot, team, urgency, received_on, started_on in placed:
        days = school_days(received_on, started_on or received_on)  # started: always set
        overall.days.append(days)
        by_lot.append((lot, days))
        by_team.append((team, days))
        by_urgency.append((URGENCY_LABELS.get(urgency, urgency), days))
    waiting = _open(on)
    open_by_status: dict[str, int] = {}
    for row in waiting:
        open_by_status[row.status] = open_by_status.get(row.status, 0) + 1
    return TimeToPlace(
        overall=overall,
        lots=_grouped(sorted({lot for lot, _days in by_lot}), by_lot),
        teams=_grouped(teams, by_team),
        urgencies=_grouped((URGENCY_LABELS[each] for each in reversed(URGENCIES)), by_urgency),
        waiting=waiting[:LISTED],
        open_count=len(waiting),
        open_by_status=open_by_status,
    )


def _open(on: date) -> list[Waiting]:
    """Every referral not yet started or closed, waiting longest first (the most urgent first
    among those waiting as long)."""
    rows = db.session.execute(
        select(
            Referral.id,
            Referral.reference,
            Lot.name,
            Referral.urgency,
            Referral.team,
            Referral.status,
            Referral.received_on,
        )
        .join(Lot, Lot.id == Referral.lot_id)
        .where(Referral.status.not_in((STARTED, CLOSED)))
        .order_by(Referral.received_on, Referral.id)
    ).all()
    waiting = [
        Waiting(
            id=row.id,
            reference=row.reference,
            lot=row.name,
            urgency=row.urgency,
            team=row.team,
            status=row.status,
            received_on=row.received_on,
            days=school_days(row.received_on, on),
        )
        for row in rows
    ]
    rank = {urgency: position for position, urgency in enumerate(reversed(URGENCIES))}
    return sorted(waiting, key=lambda each: (-each.days, rank.get(each.urgency, 0)))


# The same figures as charts ---------------------------------------------------------------------


def chart(chart_id: str, title: str, groups: list[Group]) -> Chart:
    """The median school days to start of each group that placed anyone, as bars; the page
    shows the same figures in the table below it."""
    placed = [(group.name, group.median_days) for group in groups if group.median_days is not None]
    words = "; ".join(f"{name}: {days:g} school days" for name, days in placed)
    return bars(
        chart_id,
        title,
        f"Median school days from referral to start. {words or 'None placed yet'}.",
        [(name, days) for name, days in placed],
        lambda days: f"{days:g} days",
    )


def charts(figures: TimeToPlace) -> list[Chart]:
    return [
        chart("chart-lots", "Median school days to start, by type of service", figures.lots),
        chart("chart-teams", "Median school days to start, by team", figures.teams),
        chart("chart-urgencies", "Median school days to start, by urgency", figures.urgencies),
    ]


# The same figures as a file -----------------------------------------------------------------------

EXPORT_HEADINGS = [
    "Grouped by",
    "Group",
    "Placed",
    f"Placed within {TARGET_SCHOOL_DAYS} school days",
    f"Share placed within {TARGET_SCHOOL_DAYS} school days (%)",
    "Median school days to start",
    "Average school days to start",
    "Longest school days to start",
]


def export_rows(figures: TimeToPlace) -> list[list[Cell]]:
    """The dashboard's tables, one row per group, under one heading row."""
    rows: list[list[Cell]] = [list(EXPORT_HEADINGS)]
    for grouped_by, groups in (
        ("All", [figures.overall]),
        ("Type of service", figures.lots),
        ("Commissioning team", figures.teams),
        ("Urgency", figures.urgencies),
    ):
        for group in groups:
            rows.append(
                [
                    grouped_by,
                    group.name,
                    group.placed,
                    group.within_target,
                    group.share_within_target,
                    group.median_days,
                    group.average_days,
                    group.longest_days,
                ]
            )
    return rows
