"""Time to place: how many school days each referral took from the day it was received to the
day its placement started, by type of service, commissioning team and urgency, with the share
placed within TARGET_SCHOOL_DAYS; and the open referrals, with how long they have waited so far.

School days are counted as working days (portal.core.time): Monday to Friday, not England and
Wales bank holidays. School holidays differ from school to school and are not counted out, so a
referral waiting over half term is shown as waiting those days: the council's target is about
the child, who is waiting either way. A day is counted after the day received, up to and
including the day it started: received on a Friday and started on the Monday is 1 school day.

The school days each placement took are stored on the referral when it starts
(`Referral.school_days_to_start`, a fact fixed then), and the database keeps the started ones
counted by type of service, team, urgency and days (`ReferralDayCount`): the figures are added
up in SQL from those counts, one row per group, the median too, so nothing read grows with the
number of placed referrals. Only the open referrals, few by nature, are
read one by one, as their waiting grows every day; only the LISTED longest waiting are built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    CTE,
    CompoundSelect,
    Date,
    Select,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)

from portal.core.charts import Chart, bars
from portal.core.csv_export import Cell
from portal.core.db import db
from portal.core.time import working_days_between
from portal.lots.models import Lot
from portal.referrals.models import (
    OPEN_STATUSES,
    TARGET_SCHOOL_DAYS,
    URGENCIES,
    URGENCY_LABELS,
    Referral,
    ReferralDayCount,
    ShownAs,
)

# The open referrals the dashboard lists one by one, waiting longest first (the rest counted).
LISTED = 20


def school_days(received_on: date, until: date) -> int:
    """School days from `received_on` to `until` (working days after the one up to and
    including the other; see the module's docstring)."""
    return working_days_between(received_on, until)


@dataclass(frozen=True)
class Group:
    """The placed referrals of one type of service, team or urgency (or all of them): how
    many, how many within the target, their school days added up, the longest, and the
    median (None when none were placed)."""

    name: str
    placed: int = 0
    within_target: int = 0
    total_days: int = 0
    longest_days: int | None = None
    median: float | None = None

    @property
    def share_within_target(self) -> int | None:
        """The percentage placed within the target, rounded; None when none were placed."""
        return round(100 * self.within_target / self.placed) if self.placed else None

    @property
    def median_days(self) -> float | None:
        return round(float(self.median), 1) if self.placed and self.median is not None else None

    @property
    def average_days(self) -> float | None:
        return round(self.total_days / self.placed, 1) if self.placed else None


@dataclass(frozen=True)
class Waiting(ShownAs):
    """An open referral and the school days it has waited so far."""

    id: int
    reference: str
    lot: str
    urgency: str
    team: str
    status: str
    received_on: date
    days: int


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


# What each set of groups is grouped by (the overall figures: one group of every started one).
ALL, LOTS, TEAMS, URGENCY = "all", "lot", "team", "urgency"


def _grouped(names: Iterable[str], groups: Sequence[Group]) -> list[Group]:
    """One Group per name, in the order given (names with no placements kept, to show 0),
    then any other groups, by name."""
    found = {group.name: group for group in groups}
    ordered = [found.pop(name, Group(name)) for name in names]
    return ordered + sorted(found.values(), key=lambda group: group.name)


def _figures(kind: str, fine: CTE, key: str | None) -> Select[Any]:
    """Each group's figures, one row per value of the `fine` counts' column `key` (None: one
    row for every started referral), for the UNION in _all_figures.

    The counts are added up by group and school days first (a few dozen different numbers of
    days, whatever the number of referrals), then into the figures. The median is the middle
    one or two of the group's days: of N days in order, the (N + 1) // 2th and the
    (N + 2) // 2th, which are the smallest numbers of days whose running count U has 2U >= N
    and 2U > N (no division: PostgreSQL's sums are not whole numbers). Window functions over
    the counts, which SQLite and PostgreSQL both run (percentile_cont is PostgreSQL's only)."""
    keys = [fine.c[key].label("key")] if key is not None else []
    counted = (
        select(*keys, fine.c.days, func.sum(fine.c.n).label("n"))
        .group_by(*keys, fine.c.days)
        .subquery()
    )
    partition = [counted.c.key] if key is not None else None
    running = select(
        counted,
        func.sum(counted.c.n).over(partition_by=partition, order_by=counted.c.days).label("upto"),
        func.sum(counted.c.n).over(partition_by=partition).label("size"),
    ).subquery()
    if key is None:
        name: Any = literal("All referrals")
    elif kind == LOTS:
        name = select(Lot.name).where(Lot.id == running.c.key).scalar_subquery()
    else:
        name = running.c.key
    figures = select(
        literal(kind).label("kind"),
        name.label("name"),
        func.sum(running.c.n).label("placed"),
        func.sum(case((running.c.days <= TARGET_SCHOOL_DAYS, running.c.n), else_=0)),
        func.sum(running.c.n * running.c.days),
        func.max(running.c.days),
        func.min(case((running.c.upto * 2 >= running.c.size, running.c.days))),
        func.min(case((running.c.upto * 2 > running.c.size, running.c.days))),
    )
    return figures.group_by(running.c.key) if key is not None else figures


@cache
def _all_figures() -> CompoundSelect[Any]:
    """The four sets of figures in one statement (built once: it never changes), from the
    started referrals counted by type of service, team, urgency and school days, which the
    database keeps (ReferralDayCount): a few hundred rows, whatever the number of referrals."""
    fine = (
        select(
            ReferralDayCount.lot_id,
            ReferralDayCount.team,
            ReferralDayCount.urgency,
            ReferralDayCount.days,
            ReferralDayCount.n,
        )
        .where(ReferralDayCount.n > 0)
        .cte("fine")
    )
    return union_all(
        _figures(ALL, fine, None),
        _figures(LOTS, fine, "lot_id"),
        _figures(TEAMS, fine, "team"),
        _figures(URGENCY, fine, "urgency"),
    )


def time_to_place(on: date, teams: list[str]) -> TimeToPlace:
    """The placed referrals' figures, grouped, and the open referrals waiting on `on`: two
    queries, the first returning one row per group whatever the number of referrals."""
    groups: dict[str, list[Group]] = {ALL: [], LOTS: [], TEAMS: [], URGENCY: []}
    for figures in db.session.execute(_all_figures()):
        kind, name, placed, within, total, longest, lower, upper = tuple(figures)
        if not placed:
            continue  # no started referral: the overall row has nothing to add up
        groups[kind].append(
            Group(
                URGENCY_LABELS.get(name, name) if kind == URGENCY else name,
                int(placed),
                int(within),
                int(total),
                longest,
                (lower + upper) / 2,
            )
        )
    waiting, open_by_status = _open(on)
    return TimeToPlace(
        overall=groups[ALL][0] if groups[ALL] else Group("All referrals"),
        lots=_grouped([], groups[LOTS]),
        teams=_grouped(teams, groups[TEAMS]),
        urgencies=_grouped((URGENCY_LABELS[each] for each in reversed(URGENCIES)), groups[URGENCY]),
        waiting=waiting,
        open_count=sum(open_by_status.values()),
        open_by_status=open_by_status,
    )


# No run of days without school (weekends and bank holidays) lasts a week: four days at most.
_WEEK = 7


def _days_after(day: Any, days: int, postgresql: bool) -> Any:
    """A date column `days` days later, in SQL."""
    if postgresql:
        return day + days
    return type_coerce(func.date(day, f"+{days} days"), Date)


@cache
def _open_statement(postgresql: bool) -> Select[Any]:
    """The open referrals that may be listed, oldest first, each with how many are open in
    each status (OPEN_STATUSES' order), counted over all of them.

    Those listed wait longest, and among those waiting as long as the LISTED-th oldest some may
    be more urgent: all received before the school day after it wait as long. Between it and
    them lie only days without school, so they were received within a week of it; and any
    received on or after `on` (waiting no school days) wait as long as each other. Reading
    only those, rather than every open referral (600 at ten times the council's size), the
    LISTED are the same. Built once for each kind of database."""
    counts = [
        func.sum(case((Referral.status == status, 1), else_=0)).over().label(f"open_{status}")
        for status in OPEN_STATUSES
    ]
    every = (
        select(
            Referral.id,
            Referral.reference,
            Lot.name,
            Referral.urgency,
            Referral.team,
            Referral.status,
            Referral.received_on,
            *counts,
        )
        .join(Lot, Lot.id == Referral.lot_id)
        .where(Referral.status.in_(OPEN_STATUSES))
        .cte("open_referrals")
    )
    oldest_listed = (
        select(every.c.received_on)
        .order_by(every.c.received_on, every.c.id)
        .limit(1)
        .offset(LISTED - 1)
        .scalar_subquery()
    )
    return (
        select(every)
        .where(
            or_(
                oldest_listed.is_(None),
                every.c.received_on <= _days_after(oldest_listed, _WEEK, postgresql),
                every.c.received_on >= bindparam("on", type_=Date),
            )
        )
        .order_by(every.c.received_on, every.c.id)
    )


def _open(on: date) -> tuple[list[Waiting], dict[str, int]]:
    """The LISTED open referrals (not yet started or closed) waiting longest, the most urgent
    first among those waiting as long, and how many are open in each status, in the path's
    order.

    Read oldest first (only those that may be listed: _open_statement), so the school days
    waited never grow from one row to the next: once LISTED are in hand, with those waiting as
    long as the last of them, no days are worked out and nothing is built for the rest."""
    rows = db.rows(_open_statement(db.is_postgresql), {"on": on})
    counts = dict(zip(OPEN_STATUSES, rows[0][-len(OPEN_STATUSES) :], strict=True)) if rows else {}
    candidates: list[Waiting] = []
    fewest: int | None = None  # the days of the LISTED-th longest wait, once known
    for row in rows:
        days = school_days(row.received_on, on)
        if fewest is not None and days < fewest:
            break  # this one and all after it have waited less than those listed
        candidates.append(
            Waiting(
                id=row.id,
                reference=row.reference,
                lot=row.name,
                urgency=row.urgency,
                team=row.team,
                status=row.status,
                received_on=row.received_on,
                days=days,
            )
        )
        if fewest is None and len(candidates) == LISTED:
            fewest = days
    rank = {urgency: position for position, urgency in enumerate(reversed(URGENCIES))}
    candidates.sort(key=lambda each: (-each.days, rank.get(each.urgency, 0)))
    return candidates[:LISTED], {status: int(count) for status, count in counts.items() if count}


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
