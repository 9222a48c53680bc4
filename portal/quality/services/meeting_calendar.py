"""The council's calendar of review meetings (/quality/meetings): every scheduled meeting, and
every provider whose next meeting is due within DUE_AHEAD_DAYS (or overdue) with none
scheduled, a page at a time, overdue first, with counts of the whole. Paged and counted in
SQL, so a fixed cost however many providers; when meetings fall due is meetings.py's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Integer, bindparam, case, func, or_, select

from portal.core.db import db
from portal.core.pagination import PER_PAGE, Page, offset_of
from portal.core.time import LONDON, as_utc
from portal.core.together import rows_together
from portal.kpi_returns import months
from portal.organisations.models import NAME_SHOWN, Organisation
from portal.quality.models import LOW, MEETING_MONTHS, MEETING_SCHEDULED, Meeting, ProviderRisk
from portal.quality.services import risk
from portal.quality.services.meetings import DUE_AHEAD_DAYS, _add_months, _bases, _rated


@dataclass(frozen=True)
class Entry:
    """A line of the calendar: a meeting scheduled, or a provider due one with none scheduled."""

    organisation_id: int
    organisation_name: str
    rating: risk.Rating  # as last kept; its level only (the calendar shows no reasons)
    day: date  # the meeting's day, or the day it is due
    overdue: bool
    meeting_id: int | None = None  # the meeting scheduled

    @property
    def what(self) -> str:
        if self.meeting_id is None:
            return "Due, not scheduled"
        if self.overdue:
            return "Minutes not published"
        return "Scheduled"


@dataclass
class Calendar:
    """One page of the calendar (overdue first, then by day), and counts of the whole of it."""

    page: Page
    overdue: list[Entry] = field(default_factory=list)
    by_month: list[tuple[date, list[Entry]]] = field(default_factory=list)
    total: int = 0
    overdue_count: int = 0
    scheduled_count: int = 0
    this_month_count: int = 0


_BUILT: dict[str, Any] = {}


def _calendar_rows() -> Any:
    """_rows_of_calendar, built once: building it is much of the calendar's Python otherwise
    (every subquery's columns made anew)."""
    if "rows" not in _BUILT:
        _BUILT["rows"] = _rows_of_calendar()
    return _BUILT["rows"]


def _calendar_counts() -> Any:
    """The counts of the whole calendar (as many lines as _rows_of_calendar has; overdue,
    scheduled, due or set by the month's end), built once. From the kept bases alone: a count
    needs no provider's name."""
    if "counts" not in _BUILT:
        bases = _bases()
        day = func.coalesce(bases.c.meets_on, bases.c.due_on)
        _BUILT["counts"] = (
            select(
                func.count(),
                func.coalesce(func.sum(case((day < bindparam("today", type_=Date), 1))), 0),
                func.count(bases.c.meets_on),
                func.coalesce(func.sum(case((day <= bindparam("month_end", type_=Date), 1))), 0),
            )
            .select_from(bases)
            .where(_on_calendar(bases))
        )
    return _BUILT["counts"]


def _calendar_page() -> Any:
    """A page of the calendar's lines (the provider and its name), overdue first, then by day,
    from the bound `offset`; built once, as _calendar_rows."""
    if "page" not in _BUILT:
        rows = _calendar_rows()
        _BUILT["page"] = (
            select(rows.c.organisation_id, rows.c.name)
            .order_by(rows.c.overdue.desc(), rows.c.day, rows.c.name, rows.c.organisation_id)
            .limit(PER_PAGE)
            .offset(bindparam("offset", type_=Integer))
        )
    return _BUILT["page"]


def _on_calendar(bases: Any) -> Any:
    """A provider with a meeting scheduled, or with one due by the horizon."""
    return or_(bases.c.meets_on.is_not(None), bases.c.due_on <= bindparam("horizon", type_=Date))


def _calendar_days(on: date) -> dict[str, date]:
    """The bound values of _rows_of_calendar for `on`."""
    return {
        "today": on,
        "month_end": months.last_day(on),
        "horizon": on + timedelta(days=DUE_AHEAD_DAYS),
    }


def _rows_of_calendar() -> Any:
    """Every line of the calendar, in SQL: per provider on the framework with a meeting
    scheduled (its earliest) or due by the horizon with none, its day (the meeting's, or the
    due date by the kept rating, as `dues` with live False works it out: the database keeps
    both, MeetingBasis), so that overdue is a plain comparison of it."""
    bases = _bases()
    day = func.coalesce(bases.c.meets_on, bases.c.due_on)
    return (
        select(
            bases.c.organisation_id,
            NAME_SHOWN.label("name"),
            day.label("day"),
            case((day < bindparam("today", type_=Date), 1), else_=0).label("overdue"),
        )
        .join(Organisation, Organisation.id == bases.c.organisation_id)
        .where(_on_calendar(bases))
        .subquery()
    )


_PAGE_BASES: list[Any] = []


def _page_bases() -> Any:
    """Per organisation among `ids`: when it first joined, when it last met, its kept rating
    (built once, as _calendar_rows)."""
    if not _PAGE_BASES:
        bases = _bases()
        _PAGE_BASES.append(
            _rated(
                select(
                    bases.c.organisation_id,
                    bases.c.admitted_at,
                    bases.c.held_on,
                    func.coalesce(ProviderRisk.rating, LOW),
                ).select_from(bases),
                bases,
            ).where(bases.c.organisation_id.in_(bindparam("ids", expanding=True)))
        )
    return _PAGE_BASES[0]


# The page's providers' scheduled meetings, latest first, built once.
_SCHEDULED = (
    select(Meeting.organisation_id, Meeting.id, Meeting.meets_on)
    .where(
        Meeting.organisation_id.in_(bindparam("ids", expanding=True)),
        Meeting.status == MEETING_SCHEDULED,
    )
    .order_by(Meeting.meets_on.desc(), Meeting.id.desc())
)


def _entries(lines: Sequence[Any], on: date) -> list[Entry]:
    """The page's lines, each with its day (as `dues` with live False works it out) and kept
    rating: one light query for the page's providers, whatever their number."""
    ids = [line[0] for line in lines]
    # Both in one statement (core.together): each was a statement of its own.
    found_bases, found_scheduled = rows_together((_page_bases(), _SCHEDULED), {"ids": ids})
    bases = {
        id_: (as_utc(admitted_at).astimezone(LONDON).date(), held_on, rating)
        for id_, admitted_at, held_on, rating in found_bases
    }
    scheduled: dict[int, tuple[int, date]] = {}
    for id_, meeting_id, meets_on in found_scheduled:
        scheduled[id_] = (meeting_id, meets_on)  # the earliest, were there two
    entries = []
    for id_, name in lines:
        joined_on, held_on, level = bases[id_]
        rating = risk.Rating(level, 0, ())
        if id_ in scheduled:
            meeting_id, meets_on = scheduled[id_]
            entries.append(Entry(id_, name, rating, meets_on, meets_on < on, meeting_id))
        else:
            due_on = _add_months(held_on or joined_on, MEETING_MONTHS[level])
            entries.append(Entry(id_, name, rating, due_on, due_on < on))
    return entries


def calendar(on: date, number: int = 1) -> Calendar:
    """One page of the calendar: every scheduled meeting, and every provider whose meeting is
    due within DUE_AHEAD_DAYS (or overdue) with none scheduled; overdue first (a scheduled
    meeting whose day has passed without minutes; a provider past its due date with none
    scheduled), then by day, the page's lines by month. Due dates follow each provider's kept
    rating (risk.kept_ratings). Paged and counted in SQL: a fixed number of queries and a
    page's rows, however many providers."""
    keys = _calendar_days(on)
    total, late, scheduled, this_month = db.session.execute(_calendar_counts(), keys).one()
    number, offset = offset_of(number, total)
    lines = db.session.execute(_calendar_page(), {**keys, "offset": offset}).all()
    entries = _entries(lines, on)
    result = Calendar(
        page=Page(entries, number, total),
        overdue=[entry for entry in entries if entry.overdue],
        total=total,
        overdue_count=late,
        scheduled_count=scheduled,
        this_month_count=this_month,
    )
    for entry in entries:
        if entry.overdue:
            continue
        month = months.first_of(entry.day)
        if not result.by_month or result.by_month[-1][0] != month:
            result.by_month.append((month, []))
        result.by_month[-1][1].append(entry)
    return result
