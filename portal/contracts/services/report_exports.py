"""Each table of the spend reports as rows for a CSV or XLSX download (portal/core/exports.py
makes the file, formula-safe), money in pounds to the penny."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from portal.contracts.services.report_filters import Filters
from portal.contracts.services.reports import (
    DECIDED,
    GROUPS,
    Benchmarks,
    ProviderRow,
    SpendReport,
    all_providers,
    benchmarks,
    spend_report,
)
from portal.core.csv_export import Cell
from portal.lots.models import Lot

TABLES = ("months", "lots", "teams", "shares", "outcomes", "time-to-start", "providers", "rates")


def _pounds(pence: int) -> float:
    return pence / 100


def _rounded(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def _table(headings: list[Cell], rows: Iterable[list[Cell]]) -> list[list[Cell]]:
    return [headings, *rows]


def export_rows(table: str, filters: Filters, lots: Sequence[Lot]) -> list[list[Cell]]:
    """One of the report's tables (TABLES) as rows for a CSV or XLSX file, money in pounds."""
    if table == "providers":
        return _provider_rows(all_providers(filters))
    if table == "rates":
        return _rate_rows(benchmarks(filters, lots))
    report = spend_report(filters, lots)
    money = ["Contracts started", "Committed (£)", "Approved spend (£)"]
    if table == "months":
        return _table(
            ["Month", *money],
            (
                [f"{row.month:%B %Y}", row.contracts, _pounds(row.committed_pence),
                 _pounds(row.spend_pence)]
                for row in report.months
            ),
        )  # fmt: skip
    if table in ("lots", "teams"):
        return _table(
            ["Type of service" if table == "lots" else "Commissioning team", *money],
            (
                [row.name, row.contracts, _pounds(row.committed_pence), _pounds(row.spend_pence)]
                for row in [*(report.lots if table == "lots" else report.teams), report.total]
            ),
        )
    if table == "shares":
        return _share_rows(report)
    if table == "outcomes":
        return _table(
            ["Type of service", "Held back (£)", "Released (£)", "Met", "Partly met", "Not met"],
            (
                [row.name, _pounds(row.held_back_pence), _pounds(row.released_pence),
                 *(row.decided[status] for status in DECIDED)]
                for row in report.outcomes
            ),
        )  # fmt: skip
    return _table(
        ["Type of service", "Contracts", "Median days", "Shortest days", "Longest days"],
        (
            [row.name, row.contracts, row.median_days, row.shortest_days, row.longest_days]
            for row in report.starts
        ),
    )


def _share_rows(report: SpendReport) -> list[list[Cell]]:
    headings: list[Cell] = ["Month", "Approved spend (£)"]
    for _key, name in GROUPS:
        headings += [f"{name} spend (£)", f"{name} share of spend (%)"]
    headings += ["Contracts started", *(f"{name} contracts" for _key, name in GROUPS)]
    out: list[list[Cell]] = [headings]
    for row in report.months:
        line: list[Cell] = [f"{row.month:%B %Y}", _pounds(row.spend_pence)]
        for key, _name in GROUPS:
            line += [_pounds(row.spend_by_group[key]), _rounded(row.spend_share(key))]
        line += [row.contracts, *(row.contracts_by_group[key] for key, _name in GROUPS)]
        out.append(line)
    return out


def _provider_rows(rows: list[ProviderRow]) -> list[list[Cell]]:
    return _table(
        ["Provider", "SME", "VCSE", "Local", "Contracts started", "Committed (£)",
         "Approved spend (£)", "Held back (£)", "Released (£)", "Met", "Partly met", "Not met"],
        (
            [row.name, _yes(row.is_sme), _yes(row.is_vcse), _yes(row.is_local), row.contracts,
             _pounds(row.committed_pence), _pounds(row.spend_pence),
             _pounds(row.held_back_pence), _pounds(row.released_pence), row.met,
             row.partly_met, row.not_met]
            for row in rows
        ),
    )  # fmt: skip


def _rate_rows(found: Benchmarks) -> list[list[Cell]]:
    return _table(
        ["Type of service", "Unit", "Provider", "Contracts", "Average rate (£)",
         "Lowest rate (£)", "Highest rate (£)", "Lower quartile (£)", "Median (£)",
         "Upper quartile (£)", "Against the median (%)", "Outlier"],
        (
            [rate.benchmark.lot_name, rate.benchmark.unit_label, rate.name, rate.contracts,
             _pounds(rate.average_pence), _pounds(rate.lowest_pence),
             _pounds(rate.highest_pence), *(
                 None if value is None else round(value / 100, 2)
                 for value in (rate.benchmark.lower, rate.benchmark.median, rate.benchmark.upper)
             ), _rounded(rate.against_median), rate.outlier or ""]
            for rate in found.rates
        ),
    )  # fmt: skip


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"
