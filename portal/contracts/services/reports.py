"""The council's spend and value-for-money reports: what it has committed and spent, by month,
type of service (lot), commissioning team and provider; the share going to small (SME),
voluntary (VCSE) and local providers; unit rates against the lot's quartiles; the money held
back for outcomes against what was released; and how long it took from asking for quotes to the
contract starting.

The rules, as the pages state them:
- committed value is the total of a contract's terms as they stand now (its current version),
  counted in the month the contract starts; a draft the provider has not accepted is not
  committed yet;
- approved spend is the net total of approved statements (the sum of their lines), counted in
  the statement's month; a statement counts for a date range when its month starts in it or
  the range starts inside that month;
- held back is the held-back lines of approved statements, released the outcome lines;
- a provider counts as SME, VCSE or local as its organisation record says now.

Every figure is a SQL aggregate (GROUP BY), so a page runs the same number of statements however
many contracts and statements there are; Python only arranges the grouped rows into tables and
finds quartiles among providers' average rates. The main page's approved spend and outcome money
come from MonthlySpend, the approved statements already summed by month, lot, team and kind of
provider (the database keeps it as statements are written), rather than from every statement.

Beside this module: `report_filters` (what a report covers, from its query string),
`report_charts` and `report_exports` (each table as rows for a download).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
    type_coerce,
)

from portal.competitions.models import Competition
from portal.contracts.models import (
    DRAFT,
    LINE_HELD_BACK,
    LINE_OUTCOME,
    OUTCOME_MET,
    OUTCOME_NOT_MET,
    OUTCOME_PARTLY_MET,
    STATEMENT_APPROVED,
    UNITS,
    Contract,
    ContractOutcome,
    MonthlySpend,
    Statement,
    StatementLine,
)
from portal.contracts.services.report_filters import Filters
from portal.core.db import UTCDateTime, db
from portal.core.pagination import PER_PAGE, Page, offset_of, rows_and_total
from portal.core.time import LONDON
from portal.core.together import rows_together
from portal.core.words import shown
from portal.lots.models import Lot
from portal.organisations.models import Organisation

# Unit-rate benchmarks: quartiles need this many providers on the lot for the unit, and a
# provider's average rate is an outlier beyond 1.5 times the interquartile range below the
# lower quartile or above the upper one (Tukey's fences).
MIN_PROVIDERS_TO_COMPARE = 4
FENCE = 1.5

DECIDED = (OUTCOME_MET, OUTCOME_PARTLY_MET, OUTCOME_NOT_MET)
GROUPS = (("sme", "Small and medium-sized (SME)"), ("vcse", "Voluntary (VCSE)"), ("local", "Local"))

# What every query shares ------------------------------------------------------------------------

# What changes from one report to the next, bound: the period (its first and last days, the first
# day of its first month, and the UTC moments its London days begin and end) and the filters' lot
# and team. Each statement is built once per shape of filtering (by lot, by team, both, neither)
# with these in it, and run with the filters' values (`_values`): building the main page's four
# statements on every view cost more than running them.
_FIRST = bindparam("first", type_=Date)
_LAST = bindparam("last", type_=Date)
_FIRST_MONTH = bindparam("first_month", type_=Date)
_BEGINS = bindparam("begins", type_=UTCDateTime)
_ENDS = bindparam("ends", type_=UTCDateTime)
_LOT = bindparam("lot_id", type_=Integer)
_TEAM = bindparam("team", type_=String)


@dataclass(frozen=True)
class _Shape:
    """Which of a report's filters narrow it, beside its period."""

    by_lot: bool
    by_team: bool


def _shape(filters: Filters) -> _Shape:
    return _Shape(by_lot=filters.lot is not None, by_team=bool(filters.team))


def _values(filters: Filters) -> dict[str, Any]:
    """The filters' values for the statements `_shape` built: outcomes are decided in the
    period by London days."""
    begins = datetime.combine(filters.first, time(0), tzinfo=LONDON)
    ends = datetime.combine(filters.last + timedelta(days=1), time(0), tzinfo=LONDON)
    return {
        _FIRST.key: filters.first,
        _LAST.key: filters.last,
        _FIRST_MONTH.key: filters.first.replace(day=1),
        _BEGINS.key: begins.astimezone(UTC),
        _ENDS.key: ends.astimezone(UTC),
        _LOT.key: filters.lot.id if filters.lot else None,
        _TEAM.key: filters.team,
    }


def _lot_and_team(shape: _Shape, lot_id: Any, team: Any) -> list[ColumnElement[bool]]:
    """The filters' type of service and team, on the columns that hold them."""
    criteria: list[ColumnElement[bool]] = []
    if shape.by_lot:
        criteria.append(lot_id == _LOT)
    if shape.by_team:
        criteria.append(team == _TEAM)
    return criteria


def _on_contracts(shape: _Shape) -> list[ColumnElement[bool]]:
    return _lot_and_team(shape, Contract.lot_id, Contract.team)


def _committed(shape: _Shape) -> list[ColumnElement[bool]]:
    """Contracts committed in the period: accepted (not drafts), starting in it."""
    return [
        Contract.status != DRAFT,
        Contract.start_on.between(_FIRST, _LAST),
        *_on_contracts(shape),
    ]


def _spent(shape: _Shape) -> list[ColumnElement[bool]]:
    """Approved statements for months in the period (their contract joined)."""
    return [
        Statement.status == STATEMENT_APPROVED,
        Statement.month.between(_FIRST_MONTH, _LAST),
        *_on_contracts(shape),
    ]


def _summed(shape: _Shape) -> list[ColumnElement[bool]]:
    """The approved statements' sums (MonthlySpend) for months in the period, as `_spent`."""
    return [
        MonthlySpend.month.between(_FIRST_MONTH, _LAST),
        *_lot_and_team(shape, MonthlySpend.lot_id, MonthlySpend.team),
    ]


def _decided(
    shape: _Shape, lot_id: Any = Contract.lot_id, team: Any = Contract.team
) -> list[ColumnElement[bool]]:
    """Outcomes decided (met, partly met, not met) during the period, London days, on the
    filters' lot and team (their contract's, joined, unless the outcome's own copies are
    given)."""
    return [
        ContractOutcome.status.in_(DECIDED),
        ContractOutcome.decided_at >= _BEGINS,
        ContractOutcome.decided_at < _ENDS,
        *_lot_and_team(shape, lot_id, team),
    ]


def _total(column: Any, condition: ColumnElement[bool] | None = None) -> Any:
    """SUM of `column` (where `condition`), 0 rather than NULL when nothing is summed, as a
    BIGINT: PostgreSQL sums BIGINTs as NUMERIC, and where the sum shares a column with BIGINTs
    of another statement (core.together) the union would make them all NUMERIC (Decimals)."""
    summed = column if condition is None else case((condition, column), else_=0)
    return cast(func.coalesce(func.sum(summed), 0), BigInteger)


def _month_of(day: Any) -> Any:
    """The first day of the month of a date column, in SQL."""
    if db.is_postgresql:
        return cast(func.date_trunc("month", day), Date)
    return type_coerce(func.strftime("%Y-%m-01", day), Date)


def _days_from(moment: Any, day: Any) -> Any:
    """Whole days from a moment's London date to a date column, in SQL. (SQLite keeps no
    zone: there it counts from the UTC date.)"""
    if db.is_postgresql:
        return day - cast(func.timezone("Europe/London", moment), Date)
    return cast(func.julianday(day) - func.julianday(func.date(moment)), Integer)


def percent(part: int, whole: int) -> float | None:
    return None if not whole else 100 * part / whole


# The main report --------------------------------------------------------------------------------


_KEYS = tuple(key for key, _name in GROUPS)


@dataclass
class MonthRow:
    month: date
    contracts: int = 0
    committed_pence: int = 0
    spend_pence: int = 0
    # Of the spend and of the contracts: how much went to SME, VCSE and local providers.
    spend_by_group: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_KEYS, 0))
    contracts_by_group: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_KEYS, 0))

    def spend_share(self, group: str) -> float | None:
        return percent(self.spend_by_group[group], self.spend_pence)


@dataclass
class GroupRow:
    """A lot's, a team's or the whole period's figures."""

    name: str
    contracts: int = 0
    committed_pence: int = 0
    spend_pence: int = 0


@dataclass(frozen=True)
class Share:
    """What share of the spend and of the contracts went to one kind of provider."""

    key: str
    name: str
    spend_pence: int
    spend_percent: float | None
    contracts: int
    contracts_percent: float | None


@dataclass
class OutcomeRow:
    """Outcome-linked money and decisions for a lot or a provider."""

    name: str
    held_back_pence: int = 0
    released_pence: int = 0
    decided: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DECIDED, 0))


@dataclass(frozen=True)
class StartRow:
    """Days from a competition's publication to its contract's start, for a lot."""

    name: str
    contracts: int
    median_days: float
    shortest_days: int
    longest_days: int


@dataclass
class SpendReport:
    filters: Filters
    months: list[MonthRow]
    total: GroupRow
    lots: list[GroupRow]
    teams: list[GroupRow]
    shares: list[Share]
    outcomes: list[OutcomeRow]
    starts: list[StartRow]


def spend_report(filters: Filters, lots: Sequence[Lot]) -> SpendReport:
    """Everything on the report's main page in one statement (four read together) whatever the
    data's size. Approved spend and outcome money are read from their monthly sums by lot, team
    and the three kinds of provider (a few hundred rows at most), committed value grouped the
    same way from the contracts starting in the period; each is rolled up by month, by lot, by
    team and by kind."""
    names = {lot.id: lot.name for lot in lots}
    order = {lot.id: index for index, lot in enumerate(lots)}
    months = {month: MonthRow(month) for month in filters.months}
    by_lot: dict[int, GroupRow] = {}
    by_team: dict[str, GroupRow] = {}
    money: dict[int, OutcomeRow] = {}

    def rows_for(lot_id: int, team: str) -> tuple[GroupRow, GroupRow]:
        lot_row = by_lot.setdefault(lot_id, GroupRow(names.get(lot_id, "")))
        return lot_row, by_team.setdefault(team, GroupRow(team))

    # The four statements' rows, read by one statement.
    summed, committed, decided, starts = rows_together(
        tuple(_report_statements(_shape(filters), db.is_postgresql)), _values(filters)
    )
    for month, lot_id, team, sme, vcse, local, statements, spend, lines, held, released in summed:
        # A row counts where it has approved statements (money lines), as a GROUP BY over the
        # statements (lines) themselves would have a group.
        if statements:
            months[month].spend_pence += spend
            for key, flag in zip(_KEYS, (sme, vcse, local), strict=True):
                months[month].spend_by_group[key] += spend if flag else 0
            for row in rows_for(lot_id, team):
                row.spend_pence += spend
        if lines:
            outcome = money.setdefault(lot_id, OutcomeRow(names.get(lot_id, "")))
            outcome.held_back_pence += held
            outcome.released_pence += released

    for month, lot_id, team, sme, vcse, local, count, total in committed:
        started = months[month]
        started.contracts += int(count)
        started.committed_pence += int(total)
        for key, flag in zip(_KEYS, (sme, vcse, local), strict=True):
            started.contracts_by_group[key] += int(count) if flag else 0
        for row in rows_for(lot_id, team):
            row.contracts += int(count)
            row.committed_pence += int(total)

    month_rows = list(months.values())
    total = GroupRow(
        "All",
        contracts=sum(row.contracts for row in month_rows),
        committed_pence=sum(row.committed_pence for row in month_rows),
        spend_pence=sum(row.spend_pence for row in month_rows),
    )
    shares = [
        Share(
            key,
            name,
            spend_pence=(spend := sum(row.spend_by_group[key] for row in month_rows)),
            spend_percent=percent(spend, total.spend_pence),
            contracts=(count := sum(row.contracts_by_group[key] for row in month_rows)),
            contracts_percent=percent(count, total.contracts),
        )
        for key, name in GROUPS
    ]
    return SpendReport(
        filters=filters,
        months=month_rows,
        total=total,
        lots=[by_lot[lot_id] for lot_id in sorted(by_lot, key=lambda i: order.get(i, len(order)))],
        teams=[by_team[team] for team in sorted(by_team)],
        shares=shares,
        outcomes=outcomes_by_lot(decided, money, names, order),
        starts=time_to_start(starts, names, order),
    )


class _ReportStatements(NamedTuple):
    summed: Select[*tuple[Any, ...]]
    committed: Select[*tuple[Any, ...]]
    decided: Select[*tuple[Any, ...]]
    starts: Select[*tuple[Any, ...]]


@cache
def _report_statements(shape: _Shape, postgresql: bool) -> _ReportStatements:
    """The main page's four statements for one shape of filtering (on one kind of database:
    months and days are counted in its own SQL), built on the first report of that shape and
    then reused with the filters' values bound (`_values`).

    - summed: the approved statements' monthly sums in the period;
    - committed: the contracts starting in it, grouped by month, lot, team and kind of provider;
    - decided: the outcomes decided in it, by lot and status, on the outcomes' own copies of
      their contract's lot and team (from one index, without reading a contract);
    - starts: the contracts made from a competition starting in it, by lot and days waited."""
    del postgresql  # in the cache's key only: _month_of and _days_from ask the database
    summed = select(
        MonthlySpend.month, MonthlySpend.lot_id, MonthlySpend.team, MonthlySpend.is_sme,
        MonthlySpend.is_vcse, MonthlySpend.is_local, MonthlySpend.statement_count,
        MonthlySpend.spend_pence, MonthlySpend.money_line_count, MonthlySpend.held_back_pence,
        MonthlySpend.released_pence,
    ).where(*_summed(shape))  # fmt: skip
    flags = (Organisation.is_sme, Organisation.is_vcse, Organisation.is_local)
    start_month = _month_of(Contract.start_on)
    committed = (
        select(start_month, Contract.lot_id, Contract.team, *flags, func.count(),
               _total(Contract.total_pence))
        .join(Organisation, Organisation.id == Contract.organisation_id)
        .where(*_committed(shape))
        .group_by(start_month, Contract.lot_id, Contract.team, *flags)
    )  # fmt: skip
    lot_id_of = type_coerce(ContractOutcome.contract_lot_id, Integer)  # set on every outcome
    decided = (
        select(lot_id_of, ContractOutcome.status, func.count())
        .where(*_decided(shape, lot_id_of, ContractOutcome.contract_team))
        .group_by(lot_id_of, ContractOutcome.status)
    )
    days = _days_from(Competition.published_at, Contract.start_on)
    starts = (
        select(Contract.lot_id, days, func.count())
        .join(Competition, Competition.id == Contract.competition_id)
        # Said though the join implies it: so told, PostgreSQL reads the contracts made from a
        # competition from their index on competition_id; left to the join, it walked that
        # index through every contract made without one (all 24,000 at 10x, for 50).
        .where(
            *_committed(shape),
            Contract.competition_id.is_not(None),
            Competition.published_at.is_not(None),
        )
        .group_by(Contract.lot_id, days)
    )
    return _ReportStatements(summed, committed, decided, starts)


def outcomes_by_lot(
    decided: Sequence[Sequence[Any]],
    money: dict[int, OutcomeRow],
    names: Mapping[int, str],
    order: Mapping[int, int],
) -> list[OutcomeRow]:
    """The lots' held back and released money (`money`, by lot id) with the outcomes decided
    in the period counted in (`decided`: the rows of _report_statements' statement)."""
    for lot_id, status, count in decided:
        money.setdefault(lot_id, OutcomeRow(names.get(lot_id, ""))).decided[status] = int(count)
    return [money[lot_id] for lot_id in sorted(money, key=lambda i: (order.get(i, len(order)), i))]


def time_to_start(
    starts: Sequence[Sequence[Any]],
    names: Mapping[int, str],
    order: Mapping[int, int],
) -> list[StartRow]:
    """For contracts made from a competition and starting in the period: the days from the
    competition's publication to the contract's start, by lot, with a row for all of them
    (`starts`: the rows of _report_statements' statement, contracts counted by lot and number
    of days)."""
    counted: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for lot_id, waited, count in starts:
        counted[lot_id].append((int(waited), int(count)))
    rows = [
        _start_row(names.get(lot_id, ""), counted[lot_id])
        for lot_id in sorted(counted, key=lambda i: (order.get(i, len(order)), i))
    ]
    if len(rows) > 1:
        rows.append(_start_row("All", [pair for pairs in counted.values() for pair in pairs]))
    return rows


def _start_row(name: str, counts: list[tuple[int, int]]) -> StartRow:
    return StartRow(
        name,
        contracts=sum(count for _days, count in counts),
        median_days=median_of_counts(counts),
        shortest_days=min(days for days, _count in counts),
        longest_days=max(days for days, _count in counts),
    )


def median_of_counts(counts: Sequence[tuple[int, int]]) -> float:
    """The median of values given as (value, how many times): the middle one, or the mean of
    the middle two."""
    ordered = sorted(counts)
    total = sum(count for _value, count in ordered)
    wanted = {(total - 1) // 2, total // 2}
    found: list[int] = []
    seen = 0
    for value, count in ordered:
        found += [value for position in wanted if seen <= position < seen + count]
        seen += count
    return sum(found) / len(found) if len(wanted) == len(found) else float(found[0])


# Providers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderRow:
    organisation_id: int
    name: str
    is_sme: bool
    is_vcse: bool
    is_local: bool
    contracts: int
    committed_pence: int
    spend_pence: int
    held_back_pence: int
    released_pence: int
    met: int
    partly_met: int
    not_met: int


def _providers_query(shape: _Shape) -> Select[*tuple[Any, ...]]:
    """One row per provider with any figure in the period: committed, spent, held back,
    released, outcomes decided (four grouped subqueries joined to the organisation)."""
    committed = (
        select(
            Contract.organisation_id.label("organisation_id"),
            func.count().label("contracts"),
            _total(Contract.total_pence).label("committed"),
        )
        .where(*_committed(shape))
        .group_by(Contract.organisation_id)
        .subquery()
    )
    spent = (
        select(
            Contract.organisation_id.label("organisation_id"),
            _total(Statement.net_pence).label("spend"),
        )
        .join(Contract, Contract.id == Statement.contract_id)
        .where(*_spent(shape))
        .group_by(Contract.organisation_id)
        .subquery()
    )
    money = (
        select(
            Contract.organisation_id.label("organisation_id"),
            _total(-StatementLine.amount_pence, StatementLine.kind == LINE_HELD_BACK).label(
                "held_back"
            ),
            _total(StatementLine.amount_pence, StatementLine.kind == LINE_OUTCOME).label(
                "released"
            ),
        )
        .select_from(StatementLine)
        .join(Statement, Statement.id == StatementLine.statement_id)
        .join(Contract, Contract.id == Statement.contract_id)
        .where(*_spent(shape), StatementLine.kind.in_((LINE_HELD_BACK, LINE_OUTCOME)))
        .group_by(Contract.organisation_id)
        .subquery()
    )
    decided = (
        select(
            Contract.organisation_id.label("organisation_id"),
            *(
                _total(1, ContractOutcome.status == status).label(status)
                for status in (OUTCOME_MET, OUTCOME_PARTLY_MET, OUTCOME_NOT_MET)
            ),
        )
        .join(Contract, Contract.id == ContractOutcome.contract_id)
        .where(*_decided(shape))
        .group_by(Contract.organisation_id)
        .subquery()
    )
    parts = (committed, spent, money, decided)
    query = select(
        Organisation.id,
        func.coalesce(Organisation.trading_name, Organisation.legal_name).label("name"),
        Organisation.is_sme,
        Organisation.is_vcse,
        Organisation.is_local,
        func.coalesce(committed.c.contracts, 0),
        func.coalesce(committed.c.committed, 0),
        func.coalesce(spent.c.spend, 0).label("spend"),
        func.coalesce(money.c.held_back, 0),
        func.coalesce(money.c.released, 0),
        *(func.coalesce(decided.c[status], 0) for status in DECIDED),
    )
    for part in parts:
        query = query.outerjoin(part, part.c.organisation_id == Organisation.id)
    return query.where(or_(*(part.c.organisation_id.is_not(None) for part in parts)))


def _provider_row(row: Any) -> ProviderRow:
    return ProviderRow(row[0], row[1], bool(row[2]), bool(row[3]), bool(row[4]),
                       *(int(value) for value in row[5:]))  # fmt: skip


def providers(filters: Filters, number: int) -> Page:
    """A page of ProviderRows, the largest spend first (one query, two for a page past the
    end)."""
    query = _providers_query(_shape(filters))
    values = _values(filters)
    count = select(func.count()).select_from(query.subquery())
    # How many in all rides on the page's rows (pagination.rows_and_total), last: not a
    # statement of its own.
    ordered = (
        query.add_columns(count.scalar_subquery().label("total"))
        .order_by(func.coalesce(query.selected_columns.spend, 0).desc(), Organisation.id)
        .limit(PER_PAGE)
    )
    rows, number, total = rows_and_total(
        number,
        lambda first: db.session.execute(ordered.offset(first), values).all(),
        lambda: db.session.execute(count, values).scalar_one(),
    )
    return Page([_provider_row(row[:-1]) for row in rows], number, total)


def all_providers(filters: Filters) -> list[ProviderRow]:
    query = _providers_query(_shape(filters))
    ordered = query.order_by(query.selected_columns.spend.desc(), Organisation.id)
    return [_provider_row(row) for row in db.session.execute(ordered, _values(filters))]


# Unit-rate benchmarks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Benchmark:
    """Providers' average rates for one unit on one lot: their quartiles (when there are
    enough providers to compare) and the fences beyond which a rate is an outlier."""

    lot_id: int
    lot_name: str
    unit: str
    providers: int
    lower: float | None
    median: float | None
    upper: float | None

    unit_label = shown(UNITS, "unit")

    @property
    def fences(self) -> tuple[float, float] | None:
        if self.lower is None or self.upper is None:
            return None
        spread = self.upper - self.lower
        return self.lower - FENCE * spread, self.upper + FENCE * spread


@dataclass(frozen=True)
class ProviderRate:
    benchmark: Benchmark
    organisation_id: int
    name: str
    contracts: int
    average_pence: int
    lowest_pence: int
    highest_pence: int

    @property
    def against_median(self) -> float | None:
        """How far above (+) or below (-) the median, as a percentage of it."""
        median = self.benchmark.median
        return None if not median else 100 * (self.average_pence - median) / median

    @property
    def outlier(self) -> str | None:
        fences = self.benchmark.fences
        if fences is None:
            return None
        if self.average_pence < fences[0]:
            return "Low"
        if self.average_pence > fences[1]:
            return "High"
        return None


@dataclass(frozen=True)
class Benchmarks:
    benchmarks: list[Benchmark]
    rates: list[ProviderRate]

    def outliers(self, benchmark: Benchmark) -> int:
        return sum(1 for rate in self.rates if rate.benchmark is benchmark and rate.outlier)


def benchmarks(filters: Filters, lots: Sequence[Lot]) -> Benchmarks:
    """Each provider's average rate per lot and unit over the contracts committed in the
    period (one grouped query), and the quartiles of those averages per lot and unit."""
    names = {lot.id: lot.name for lot in lots}
    order = {lot.id: index for index, lot in enumerate(lots)}
    grouped = db.session.execute(
        select(
            Contract.lot_id,
            Contract.unit,
            Contract.organisation_id,
            func.coalesce(Organisation.trading_name, Organisation.legal_name),
            func.count(),
            func.sum(Contract.rate_pence),
            func.min(Contract.rate_pence),
            func.max(Contract.rate_pence),
        )
        .join(Organisation, Organisation.id == Contract.organisation_id)
        .where(*_committed(_shape(filters)))
        .group_by(
            Contract.lot_id,
            Contract.unit,
            Contract.organisation_id,
            Organisation.trading_name,
            Organisation.legal_name,
        ),
        _values(filters),
    ).all()
    by_unit: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for row in grouped:
        by_unit[(row[0], row[1])].append(row)
    found: list[Benchmark] = []
    rates: list[ProviderRate] = []
    unit_order = list(UNITS)
    for lot_id, unit in sorted(
        by_unit, key=lambda k: (order.get(k[0], len(order)), k[0], unit_order.index(k[1]))
    ):
        rows = by_unit[(lot_id, unit)]
        averages = [_average(int(row[5]), int(row[4])) for row in rows]
        lower = median = upper = None
        if len(averages) >= MIN_PROVIDERS_TO_COMPARE:
            lower, median, upper = statistics.quantiles(averages, n=4, method="inclusive")
        elif averages:
            median = statistics.median(averages)
        benchmark = Benchmark(lot_id, names.get(lot_id, ""), unit, len(rows), lower, median, upper)
        found.append(benchmark)
        rates += sorted(
            (
                ProviderRate(benchmark, row[2], row[3], int(row[4]), average, row[6], row[7])
                for row, average in zip(rows, averages, strict=True)
            ),
            key=lambda rate: (rate.average_pence, rate.name),
        )
    return Benchmarks(found, rates)


def _average(total: int, count: int) -> int:
    """The mean to the nearest penny (halves up), in whole numbers."""
    return (2 * total + count) // (2 * count)


def rates_page(found: Benchmarks, number: int) -> Page:
    number, offset = offset_of(number, len(found.rates))
    return Page(found.rates[offset : offset + PER_PAGE], number, len(found.rates))
