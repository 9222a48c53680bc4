"""What a spend report covers, read from its query string: a financial year or a date range,
and optionally one lot (type of service) and one commissioning team; with a message for each
value that cannot be used, so a wrong address is explained rather than failing."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import Select, func, select

from portal.contracts.models import DEFAULT_TEAMS, Contract
from portal.core.db import db
from portal.core.numbers import whole_number
from portal.lots.models import Lot

# The framework runs for eight years: the years offered go back that far, and one ahead.
YEARS_BACK = 8
# A date range longer than this is refused: no report needs more, and each month is a row.
MAX_RANGE_DAYS = 366 * 10
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def financial_year_of(day: date) -> int:
    """The financial year (April to March) `day` falls in, by the year it starts."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"


@dataclass(frozen=True)
class Filters:
    """What a report covers: a financial year or a date range (both ends included), and
    optionally one lot and one team. `errors` (field: message) when the query string asked
    for something that cannot be (the page shows them, not the figures)."""

    first: date
    last: date
    year: int | None = None
    lot: Lot | None = None
    team: str | None = None
    typed: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    years: tuple[int, ...] = ()
    teams: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.year is not None:
            return year_label(self.year)
        return f"{self.first.day} {self.first:%B %Y} to {self.last.day} {self.last:%B %Y}"

    @property
    def months(self) -> list[date]:
        months, month = [], self.first.replace(day=1)
        while month <= self.last:
            months.append(month)
            month = _next_month(month)
        return months

    def args(self) -> dict[str, str]:
        """The query string that asks for this report again (for exports and other pages)."""
        args: dict[str, str] = {}
        if self.year is not None:
            args["year"] = str(self.year)
        else:
            args["from"], args["to"] = self.first.isoformat(), self.last.isoformat()
        if self.lot:
            args["lot"] = self.lot.slug
        if self.team:
            args["team"] = self.team
        return args

    @property
    def name(self) -> str:
        """For file names: "2027-04-01-to-2028-03-31"."""
        return f"{self.first.isoformat()}-to-{self.last.isoformat()}"


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def known_teams() -> tuple[str, ...]:
    """The commissioning teams a report can be filtered by: the framework's teams and any
    other a contract names (one query)."""
    named = db.session.scalars(_named_teams())
    return tuple(sorted({*DEFAULT_TEAMS, *named}))


@cache
def _named_teams() -> Select[tuple[str]]:
    """The teams contracts name, found one after another, each the first in the index of
    contracts' teams after the last (a recursive query): a step per team, where DISTINCT
    would read every contract's entry (24,000 at ten times the council's size). Built once:
    every report's page asks, and building it cost more than running it."""
    after = select(func.min(Contract.team).label("team")).cte("after", recursive=True)
    after = after.union_all(
        select(
            select(func.min(Contract.team)).where(Contract.team > after.c.team).scalar_subquery()
        ).where(after.c.team.is_not(None))
    )
    return select(after.c.team).where(after.c.team.is_not(None))


def read_filters(args: Mapping[str, str], lots: Sequence[Lot], on: date) -> Filters:
    """The report's filters from a query string (`year`, or `from` and `to` as 2027-04-01; `lot`
    a lot's slug; `team`), with a message for each that cannot be used. With none, the
    current financial year."""
    typed = {name: (args.get(name) or "").strip()[:100] for name in ("year", "from", "to")}
    typed |= {name: (args.get(name) or "").strip()[:200] for name in ("lot", "team")}
    current = financial_year_of(on)
    years = tuple(range(current + 1, current - YEARS_BACK, -1))
    teams = known_teams()
    errors: dict[str, str] = {}
    lot = None
    if typed["lot"]:
        lot = next((found for found in lots if found.slug == typed["lot"]), None)
        if lot is None:
            errors["lot"] = "Select a type of service from the list"
    team = None
    if typed["team"]:
        if typed["team"] in teams:
            team = typed["team"]
        else:
            errors["team"] = "Select a commissioning team from the list"
    year: int | None = current
    first, last = date(current, 4, 1), date(current + 1, 3, 31)
    if typed["from"] or typed["to"]:
        year = None
        start = _typed_date(typed["from"], "from", "start", errors)
        end = _typed_date(typed["to"], "to", "end", errors)
        if start and end:
            if end < start:
                errors["to"] = "The end date must be the same as or after the start date"
            elif (end - start).days > MAX_RANGE_DAYS:
                errors["to"] = "Choose a period of 10 years or less"
            else:
                first, last = start, end
    elif typed["year"]:
        chosen = whole_number(typed["year"])
        if chosen in years:
            year, first, last = chosen, date(chosen, 4, 1), date(chosen + 1, 3, 31)
        else:
            errors["year"] = "Select a financial year from the list"
    return Filters(
        first, last, year, lot, team, typed=typed, errors=errors, years=years, teams=teams
    )


def _typed_date(text: str, name: str, what: str, errors: dict[str, str]) -> date | None:
    if not text:
        errors[name] = f"Enter the {what} date"
        return None
    try:
        found = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        found = None
    if found is None:
        errors[name] = f"The {what} date must be a real date, like 2027-04-01"
    elif not EARLIEST <= found <= LATEST:
        errors[name] = f"The {what} date must be between 2000 and 2100"
        found = None
    return found
