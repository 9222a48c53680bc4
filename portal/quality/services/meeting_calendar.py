"""The council's calendar of review meetings (/quality/meetings): every scheduled meeting, and
every provider whose next meeting is due within DUE_AHEAD_DAYS (or overdue) with none
scheduled, a page at a time, overdue first, with counts of the whole. Paged and counted in
SQL, so a fixed cost however many providers; when meetings fall due is meetings.py's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    extract,
    func,
    literal_column,
    or_,
    select,
)

from portal.core.db import db
from portal.core.pagination import PER_PAGE, Page, offset_of
from portal.core.time import LONDON, as_utc
from portal.kpi_returns import months
from portal.organisations.models import NAME_SHOWN, Organisation
from portal.quality.models import LOW, MEETING_MONTHS, MEETING_SCHEDULED, Meeting, ProviderRisk
from portal.quality.services import risk
from portal.quality.services.meetings import (
    DUE_AHEAD_DAYS,
    _add_months,
    _bases,
    _per_organisation,
    _rated,
)


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


def _parts(day: Any) -> tuple[Any, Any, Any]:
    """A date column's year, month and day as integers, in SQL."""
    year, month, number = (cast(extract(part, day), Integer) for part in ("year", "month", "day"))
    return year, month, number


def _due_keys(source: Any) -> Any:
    """`source` (a subquery with a date `day` and a number of months `count`, among others)
    with `day_key`: _add_months(day, count) as a _day_key, in SQL: `count` months on, the day
    kept but never past the end of that month (31 January + 1 month is 28 February). In
    steps, each naming what the next reads, so that the SQL stays short."""
    year, month, day = _parts(source.c.day)
    step = select(
        *source.c,
        (year * 12 + month - 1 + source.c.count).label("month_index"),
        day.label("day_number"),
    ).subquery()
    index = step.c.month_index
    year_on, month_on = index // _n(12), index % _n(12) + 1
    leap = or_(and_(year_on % _n(4) == 0, year_on % _n(100) != 0), year_on % _n(400) == 0)
    month_days = case(
        (month_on == 2, case((leap, _n(29)), else_=_n(28))),
        (month_on.in_([4, 6, 9, 11]), _n(30)),
        else_=_n(31),
    )
    # The smaller of the two (SQLite's min() of two values is PostgreSQL's least()).
    smaller = func.least if db.is_postgresql else func.min
    return select(
        *step.c, (index * _n(32) + smaller(step.c.day_number, month_days)).label("day_key")
    ).subquery()


def _n(value: int) -> Any:
    """A whole number written into the SQL, not a parameter: shorter SQL (see _calendar_rows)."""
    return literal_column(str(value), Integer)


def _london_date(moment: Any) -> Any:
    """A moment's London date, in SQL (SQLite keeps no zone: there, its UTC date)."""
    if db.is_postgresql:
        return cast(func.timezone("Europe/London", moment), Date)
    return func.date(moment)


def _key_of(day: date) -> int:
    """A day as an integer that sorts as the day does, (months since year 0) * 32 + day: the
    day_key of _due_keys, in Python."""
    return (day.year * 12 + day.month - 1) * 32 + day.day


_CALENDAR_ROWS: dict[bool, Any] = {}


def _calendar_rows() -> Any:
    """_rows_of_calendar, built once per kind of database: building it is most of the
    calendar's Python otherwise (every subquery's columns made anew)."""
    postgresql = db.is_postgresql
    if postgresql not in _CALENDAR_ROWS:
        _CALENDAR_ROWS[postgresql] = _rows_of_calendar()
    return _CALENDAR_ROWS[postgresql]


def _calendar_keys(on: date) -> dict[str, int]:
    """The bound values of _rows_of_calendar for `on`."""
    return {
        "today_key": _key_of(on),
        "month_end_key": _key_of(months.last_day(on)),
        "horizon_key": _key_of(on + timedelta(days=DUE_AHEAD_DAYS)),
    }


def _rows_of_calendar() -> Any:
    """Every line of the calendar, in SQL: per provider on the framework with a meeting
    scheduled (its earliest) or due by the horizon with none, its day as a _day_key (the
    meeting's, or the due date by the kept rating, as `dues` with live False works it out), so
    that overdue and this month are plain comparisons of it. Short SQL on purpose: psycopg
    parses a statement too long for its cache again on every request."""
    joined, held = _bases()
    scheduled = _per_organisation(
        Meeting.organisation_id,
        func.min(Meeting.meets_on).label("meets_on"),
        Meeting.status == MEETING_SCHEDULED,
    )
    rating = func.coalesce(ProviderRisk.rating, LOW)
    every = case(*((rating == level, count) for level, count in MEETING_MONTHS.items()))
    is_scheduled = scheduled.c.meets_on.is_not(None)
    # A scheduled meeting's day is its own (0 months on); else the base the rating counts from.
    source = (
        _rated(
            select(
                joined.c.organisation_id.label("organisation_id"),
                NAME_SHOWN.label("name"),
                case((is_scheduled, 1), else_=0).label("scheduled"),
                case(
                    (is_scheduled, scheduled.c.meets_on),
                    else_=func.coalesce(held.c.held_on, _london_date(joined.c.admitted_at)),
                ).label("day"),
                case((is_scheduled, 0), else_=every).label("count"),
            ).select_from(joined),
            joined,
            held,
        )
        .join(Organisation, Organisation.id == joined.c.organisation_id)
        .outerjoin(scheduled, scheduled.c.organisation_id == joined.c.organisation_id)
        .subquery()
    )
    keyed = _due_keys(source)
    day_key = keyed.c.day_key
    return (
        select(
            keyed.c.organisation_id,
            keyed.c.name,
            keyed.c.scheduled,
            day_key,
            case((day_key < bindparam("today_key", type_=Integer), 1), else_=0).label("overdue"),
            case((day_key <= bindparam("month_end_key", type_=Integer), 1), else_=0).label(
                "this_month"
            ),
        )
        .where(or_(keyed.c.scheduled == 1, day_key <= bindparam("horizon_key", type_=Integer)))
        .subquery()
    )


_PAGE_BASES: list[Any] = []


def _page_bases() -> Any:
    """Per organisation among `ids`: when it first joined, when it last met, its kept rating
    (built once, as _calendar_rows)."""
    if not _PAGE_BASES:
        joined, held = _bases()
        _PAGE_BASES.append(
            _rated(
                select(
                    joined.c.organisation_id,
                    joined.c.admitted_at,
                    held.c.held_on,
                    func.coalesce(ProviderRisk.rating, LOW),
                ).select_from(joined),
                joined,
                held,
            ).where(joined.c.organisation_id.in_(bindparam("ids", expanding=True)))
        )
    return _PAGE_BASES[0]


def _entries(lines: Sequence[Any], on: date) -> list[Entry]:
    """The page's lines, each with its day (as `dues` with live False works it out) and kept
    rating: two light queries for the page's providers, whatever their number."""
    ids = [line[0] for line in lines]
    bases = {
        id_: (as_utc(admitted_at).astimezone(LONDON).date(), held_on, rating)
        for id_, admitted_at, held_on, rating in db.session.execute(_page_bases(), {"ids": ids})
    }
    scheduled: dict[int, tuple[int, date]] = {}
    for id_, meeting_id, meets_on in db.session.execute(
        select(Meeting.organisation_id, Meeting.id, Meeting.meets_on)
        .where(Meeting.organisation_id.in_(ids), Meeting.status == MEETING_SCHEDULED)
        .order_by(Meeting.meets_on.desc(), Meeting.id.desc())
    ):
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
    rows, keys = _calendar_rows(), _calendar_keys(on)
    total, late, scheduled, this_month = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(rows.c.overdue), 0),
            func.coalesce(func.sum(rows.c.scheduled), 0),
            func.coalesce(func.sum(rows.c.this_month), 0),
        ).select_from(rows),
        keys,
    ).one()
    number, offset = offset_of(number, total)
    lines = db.session.execute(
        select(rows.c.organisation_id, rows.c.name)
        .order_by(rows.c.overdue.desc(), rows.c.day_key, rows.c.name, rows.c.organisation_id)
        .limit(PER_PAGE)
        .offset(offset),
        keys,
    ).all()
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
