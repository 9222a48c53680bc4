"""The council's dashboard of returns (providers × months: where each provider's return stands
for each month, a page of providers at a time) and a lot's summary (every provider on the lot,
each month's rating), which shows the same cells.

Each makes a fixed number of queries however many providers and months it covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, distinct, exists, func, select, true

from portal.admissions.models import Admission
from portal.core.csv_export import Cell
from portal.core.db import db
from portal.core.pagination import PER_PAGE, Page, rows_and_total
from portal.kpi_returns import months, ratings
from portal.kpi_returns.escalations import open_escalation_count
from portal.kpi_returns.models import SUBMITTED, KpiReturn
from portal.kpi_returns.obligations import (
    LATE,
    NOT_REQUIRED,
    ON_TIME,
    STATE_LABELS,
    DueDates,
    Obligation,
    late_in_sql,
    late_parameters,
    obligations_for,
    obligations_from,
    state_of,
)
from portal.kpi_returns.reports import (
    COUNTS_FROM,
    OF_ORGANISATIONS_IN_MONTHS,
    Period,
    counts_from_moment,
)
from portal.lots.models import Lot
from portal.lots.services import LotChoice
from portal.organisations.models import NAME_SHOWN, Organisation


@dataclass(frozen=True)
class DashboardFilters:
    lot: str | None = None  # a lot's slug
    provider: str = ""  # words in the provider's name

    @classmethod
    def from_args(cls, args, lots: Sequence[Lot | LotChoice]) -> DashboardFilters:
        lot = args.get("lot")
        return cls(
            lot=lot if lot in {lot.slug for lot in lots} else None,
            provider=(args.get("provider") or "").strip()[:100],
        )

    @property
    def any(self) -> bool:
        return bool(self.lot or self.provider)


class DashboardCell(NamedTuple):
    """What the dashboard and a lot's summary show of one provider's month: where its return
    stands and, once one is submitted, its rating and (for a month owed) the return to link to
    and whether it was amended. A named tuple, not a dataclass: the dashboard has 1,200."""

    state: str
    return_id: int | None = None
    amended: bool = False
    rating: str | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def rating_label(self) -> str:
        return ratings.label(self.rating)

    @property
    def rating_colour(self) -> str:
        return ratings.colour(self.rating)


@dataclass(frozen=True)
class DashboardRow:
    organisation_id: int
    name: str
    cells: list[DashboardCell]
    open_escalations: int


def _admitted(lot: bool) -> list[ColumnElement[bool]]:
    """Admissions that bring their organisation into the dashboard (COUNTS_FROM), on the lot
    whose slug is the parameter `lot` when filtered by lot."""
    criteria = [COUNTS_FROM]
    if lot:
        criteria.append(
            Admission.lot_id == select(Lot.id).where(Lot.slug == bindparam("lot")).scalar_subquery()
        )
    return criteria


def _reporting(lot: bool, provider: bool) -> list[ColumnElement[bool]]:
    """Organisations that owe returns for the months of a page (see _admitted), whose names
    contain the parameter `provider` when filtered by name (_reporting_values)."""
    admitted = [Admission.organisation_id == Organisation.id, *_admitted(lot)]
    where: list[ColumnElement[bool]] = [exists().where(*admitted)]
    if provider:
        where.append(func.lower(NAME_SHOWN).contains(bindparam("provider"), escape="/"))
    return where


def _reporting_values(filters: DashboardFilters, first: date) -> dict[str, Any]:
    """_reporting's parameters for `filters` and a page from month `first`: the words typed
    with the wildcards escaped, as `contains(..., autoescape=True)` would."""
    words = filters.provider.lower()
    for special in ("/", "%", "_"):
        words = words.replace(special, f"/{special}")
    return {"counts_from": counts_from_moment(first), "lot": filters.lot, "provider": words}


@cache
def _count_reporting(lot: bool, provider: bool) -> Select:
    """How many organisations the dashboard lists. Built once for each kind of filtering: a
    statement built for every request cost more than running it."""
    if provider:
        return select(func.count(Organisation.id)).where(*_reporting(lot, provider))
    # Without a name to match only the admissions decide: they are counted alone, one per
    # organisation (a foreign key, so each is there). Joining every organisation to its
    # admissions to count them took PostgreSQL twice as long at 10x.
    return select(func.count(distinct(Admission.organisation_id))).where(*_admitted(lot))


def dashboard(filters: DashboardFilters, period: Period, number: int, on: date) -> Page:
    """A page of DashboardRows: each reporting organisation, by name, with where its return
    stands for each month of `period`. Two queries, however many providers and months: the
    page's providers with their open escalations, their admissions (what they owe) and how many
    there are in all; and their returns (three for a page past the end)."""
    shape = (bool(filters.lot), bool(filters.provider))
    values = _reporting_values(filters, period.first)
    rows, number, total = rows_and_total(
        number,
        lambda first: db.rows(
            _dashboard_providers(*shape, db.is_postgresql), values | {"offset": first}
        ),
        lambda: db.session.execute(_count_reporting(*shape), values).scalar_one(),
    )
    providers = {row.id: row for row in rows}  # one row per admission: each provider once
    ids = list(providers)
    obligations = obligations_from(
        ids,
        (
            (row.id, row.lot_id, row.status, row.admitted_at, row.status_changed_at)
            for row in rows
            if row.lot_id is not None
        ),
    )
    cells = _cells(ids, obligations, period, on)
    return Page(
        [
            DashboardRow(row.id, row.name, cells[row.id], row.open_escalations)
            for row in providers.values()
        ],
        number,
        total,
    )


@cache
def _dashboard_providers(lot: bool, provider: bool, postgresql: bool) -> Select:
    """A page of reporting organisations from the parameter `offset`, by name, each with its
    open escalations and its admissions, one row for each (or one row of NULLs): the
    admissions were a statement of their own. Built once for each kind of filtering and
    database."""
    page = (
        select(
            Organisation.id,
            NAME_SHOWN.label("name"),
            func.lower(NAME_SHOWN).label("sort"),
            open_escalation_count(Organisation.id).label("open_escalations"),
        )
        .where(*_reporting(lot, provider))
        .order_by(func.lower(NAME_SHOWN), Organisation.id)
        .limit(PER_PAGE)
        .offset(bindparam("offset"))
        .subquery()
    )
    held = (
        Admission.lot_id,
        Admission.status,
        Admission.admitted_at,
        Admission.status_changed_at,
    )
    # How many in all rides on every row (pagination.rows_and_total): not a statement of its own.
    total = _count_reporting(lot, provider).correlate(None).scalar_subquery().label("total")
    statement = select(page.c.id, page.c.name, page.c.open_escalations, total)
    if postgresql:
        # Each provider's admissions through its index, as a LATERAL subquery PostgreSQL
        # cannot flatten (OFFSET 0): joined plainly, it read every admission into a hash for
        # the page's fifty, and the one statement cost it more than the two it replaced.
        lateral = select(*held).where(Admission.organisation_id == page.c.id).offset(0).lateral()
        statement = statement.add_columns(*lateral.c).outerjoin(lateral, true())
    else:  # SQLite knows no LATERAL, and looks each up by its index anyway
        statement = statement.add_columns(*held).outerjoin(
            Admission, Admission.organisation_id == page.c.id
        )
    return statement.order_by(page.c.sort, page.c.id)


@cache
def _submitted_returns(count: int) -> Select:
    """The submitted returns of a page's organisations over `count` months, each with whether
    it came late, decided in SQL (late_in_sql): the dashboard reads up to 1,200, and reading
    each submission moment into Python to compare it there cost more than the rest of the
    row. Drafts are left out: the dashboard shows a month with a draft as one with no return.
    Built once for each number of months (PERIODS)."""
    return select(
        KpiReturn.organisation_id,
        KpiReturn.month,
        KpiReturn.id,
        late_in_sql(count),
        KpiReturn.version_count,
        KpiReturn.rating,
    ).where(*OF_ORGANISATIONS_IN_MONTHS, KpiReturn.status == SUBMITTED)


def _cells(
    ids: list[int], obligations: dict[int, Obligation], period: Period, on: date
) -> dict[int, list[DashboardCell]]:
    """Where each organisation's return stands for each month of `period`, as state_of
    decides, given what they owe (one query, however many organisations and months)."""
    if not ids:
        return {}
    in_period = period.months  # a property that makes the list: once for the page
    due_dates = DueDates()
    dated = [(month, due_dates(month)) for month in in_period]
    # A month with no return submitted stands the same for every provider that owes it (or
    # doesn't): one cell each, made once for the page, not once per cell.
    unsubmitted = {
        owes: [DashboardCell(state_of(month, owes, None, on, due).state) for month, due in dated]
        for owes in (True, False)
    }
    # Which months are owed depends on the obligation's lots alone, and providers admitted in
    # the same month share them: the row of cells without returns is made once per distinct
    # set of lots, and copied for each provider.
    rows_by_lots: dict[tuple, list[DashboardCell]] = {}
    cells: dict[int, list[DashboardCell]] = {}
    for organisation_id in ids:
        lots = tuple(obligations[organisation_id].lots.values())
        row = rows_by_lots.get(lots)
        if row is None:
            owed = obligations[organisation_id].owed_in(in_period)
            row = rows_by_lots[lots] = [unsubmitted[owes][index] for index, owes in enumerate(owed)]
        cells[organisation_id] = row.copy()
    column = {month: index for index, month in enumerate(in_period)}
    parameters = {"ids": ids, "first": period.first, "last": period.last}
    for organisation_id, month, return_id, late, versions, rating in db.rows(
        _submitted_returns(len(in_period)), parameters | late_parameters(dated)
    ):
        row = cells[organisation_id]
        index = column[month]
        state = row[index].state
        if state == NOT_REQUIRED:
            # Not owed: shown as not required, submitted or not; its rating still counted in
            # a lot's summary.
            row[index] = DashboardCell(NOT_REQUIRED, rating=rating)
            continue
        if late is not None:
            state = LATE if late else ON_TIME
        row[index] = DashboardCell(state, return_id, versions > 1, rating)
    return cells


# A lot's summary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LotSummaryRow:
    organisation_id: int
    name: str
    cells: list[DashboardCell]

    def tally(self, rating: str) -> int:
        return sum(1 for cell in self.cells if cell.rating == rating)


def lot_summary(lot: Lot, period: Period, on: date) -> list[LotSummaryRow]:
    """Every organisation reporting on the lot, with each month's return and overall rating."""
    found = db.session.execute(
        select(Organisation.id, NAME_SHOWN.label("name"))
        .where(*_reporting(lot=True, provider=False))
        .order_by(func.lower(NAME_SHOWN), Organisation.id),
        _reporting_values(DashboardFilters(lot=lot.slug), period.first),
    ).all()
    ids = [row.id for row in found]
    cells = _cells(ids, obligations_for(ids), period, on)
    return [LotSummaryRow(row.id, row.name, cells[row.id]) for row in found]


def lot_summary_rows(lot: Lot, period: Period, on: date) -> list[list[Cell]]:
    """One row per provider on the lot: each month's overall rating (or where its return
    stands), then how many months earned each rating. For the CSV and XLSX exports."""
    rows: list[list[Cell]] = [
        [
            "Provider",
            *(months.month_name(month) for month in period.months),
            *(ratings.LABELS[rating] for rating in ratings.RATINGS),
        ]
    ]
    for row in lot_summary(lot, period, on):
        rows.append(
            [
                row.name,
                *(_summary_cell(cell) for cell in row.cells),
                *(row.tally(rating) for rating in ratings.RATINGS),
            ]
        )
    return rows


def _summary_cell(cell: DashboardCell) -> str:
    if cell.state == NOT_REQUIRED:
        return ""
    return cell.rating_label if cell.rating else cell.label
