"""Time: stored in UTC, shown in Europe/London ("5 January 2027", "5pm")."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from govuk_bank_holidays.bank_holidays import BankHolidays

LONDON = ZoneInfo("Europe/London")
# The names strftime's %A and %B give (Python never sets the C library's locale, so they are
# English): looked up, not formatted, since a home page formats a date for each of a hundred
# items and strftime took most of the time of each.
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# How far the clock is set back (or on) while demo data is made: see clock_set_to.
_offset: ContextVar[timedelta] = ContextVar("clock_offset", default=timedelta(0))


def utcnow() -> datetime:
    """Now, timezone-aware in UTC. Models store it naive-free via DateTime(timezone=True)."""
    return datetime.now(UTC) + _offset.get()


def today() -> date:
    """Today's date in London: what "today" means for the dates people type."""
    return utcnow().astimezone(LONDON).date()


@contextmanager
def clock_set_to(moment: datetime) -> Iterator[None]:
    """Run the block as if it were `moment` (the clock then runs on from there), so demo data
    made through the services is dated as if it had happened then: a return submitted on its
    due date, an application that has waited a fortnight. Every utcnow() and today() follows,
    and so does every column defaulting to utcnow; the database's own clock does not (callers
    that judge deadlines by it set COMPETITION_CLOCK_OFFSET too). Never used by a request."""
    token = _offset.set(moment - datetime.now(UTC))
    try:
        yield
    finally:
        _offset.reset(token)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; treat them as the UTC they were stored in."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def london_hour(day: date, hour: int = 0) -> datetime:
    """`hour` o'clock (midnight by default) on `day` in London, in UTC as stored."""
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = as_utc(value).astimezone(LONDON)
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def format_time(value: datetime) -> str:
    local = as_utc(value).astimezone(LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def format_datetime(value: datetime | None) -> str:
    """'5 January 2027 at 5pm' in London time."""
    if value is None:
        return ""
    return f"{format_date(value)} at {format_time(value)}"


# Working days ----------------------------------------------------------------------------------


@cache
def bank_holidays() -> frozenset[date]:
    """England and Wales bank holidays from the list the package ships (never fetched: the
    portal must not depend on the internet). The list runs a year or two ahead; beyond it only
    weekends count as non-working days, and an upgrade of the package extends it."""
    holidays = BankHolidays(use_cached_holidays=True)
    return frozenset(
        holiday["date"]
        for holiday in holidays.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start):
    an application submitted on Friday has waited 1 working day on Monday.

    Counted, not walked day by day: a queue works this out for every row, some rows waiting
    for months."""
    if end <= start:
        return 0
    holidays = _weekday_holidays()
    return (
        _weekdays_to(end)
        - _weekdays_to(start)
        - (bisect_right(holidays, end) - bisect_right(holidays, start))
    )


def _weekdays_to(day: date) -> int:
    """Monday to Friday from 1 January of year 1 (a Monday) up to and including `day`."""
    weeks, days = divmod(day.toordinal(), 7)
    return weeks * 5 + min(days, 5)


@cache
def _weekday_holidays() -> tuple[date, ...]:
    return tuple(sorted(day for day in bank_holidays() if day.weekday() < 5))


@lru_cache(maxsize=4096)
def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`.

    Kept once worked out: the answer depends on the two arguments and the bank holidays alone
    (fixed while the app runs), and pages ask it for many months at a time (a provider's KPI
    returns: each month's due date, on every view)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        days -= is_working_day(day)
    return day
