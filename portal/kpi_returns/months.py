"""Months of returns: a month is the date of its first day; each is due on the Nth working day
after it ends (England and Wales bank holidays)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import current_app

from portal.core.time import add_working_days, today
from portal.settings.services import framework_settings

_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")


def first_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from `first` to `last`, both included (empty if last is before first)."""
    months, month = [], first_of(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def last_day(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def due_date(month: date, working_days: int | None = None) -> date:
    """The day a month's return is due: the Nth working day after the month ends (N is
    the framework setting KPI_DUE_WORKING_DAYS)."""
    if working_days is None:
        working_days = framework_settings().kpi_due_working_days
    return add_working_days(last_day(month), working_days)


def current_day() -> date:
    """Today, as KPI returns see it. Tests that must set the clock set KPI_TODAY (a date) in the
    app's configuration; nothing else does."""
    return current_app.config.get("KPI_TODAY") or today()


def last_ended(on: date) -> date:
    """The latest month that has ended by `on`: the one whose return can be made."""
    return add_months(first_of(on), -1)


def parse_month(text: str | None) -> date | None:
    """ "2027-03" as 1 March 2027; None for anything else."""
    found = _ISO_MONTH.fullmatch((text or "").strip())
    if not found or not 1 <= int(found[2]) <= 12:
        return None
    return date(int(found[1]), int(found[2]), 1)


def iso_month(month: date) -> str:
    return f"{month:%Y-%m}"


def month_name(month: date) -> str:
    return f"{month:%B %Y}"
