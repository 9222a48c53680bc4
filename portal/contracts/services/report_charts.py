"""The spend report's charts, drawn on the server (portal/core/charts.py); the page shows the
same figures in the table beside each."""

from __future__ import annotations

from collections.abc import Sequence

from portal.contracts.services.reports import GROUPS, GroupRow, SpendReport
from portal.core import charts


def _money_tick(pounds: float) -> str:
    if pounds >= 1_000_000:
        return f"£{pounds / 1_000_000:,.1f}m"
    if pounds >= 10_000:
        return f"£{pounds / 1000:,.0f}k"
    return f"£{pounds:,.0f}"


def spend_chart(report: SpendReport) -> charts.Chart:
    rows = report.months
    return charts.month_lines(
        "chart-spend",
        f"Committed value and approved spend by month, {report.filters.label}",
        f"Committed value {_money_tick(report.total.committed_pence / 100)} and approved "
        f"spend {_money_tick(report.total.spend_pence / 100)} in all, month by month; "
        "the table below gives each month's figures.",
        [row.month for row in rows],
        [
            ("Committed value", [row.committed_pence / 100 for row in rows]),
            ("Approved spend", [row.spend_pence / 100 for row in rows]),
        ],
        _money_tick,
    )


def shares_chart(report: SpendReport) -> charts.Chart:
    rows = report.months
    said = "; ".join(
        f"{share.name}: {_percent_words(share.spend_percent)}" for share in report.shares
    )
    return charts.month_lines(
        "chart-shares",
        f"Share of approved spend going to SME, VCSE and local providers by month, "
        f"{report.filters.label}",
        f"Share of the period's approved spend: {said}. The table below gives each month's.",
        [row.month for row in rows],
        [(name, [row.spend_share(key) for row in rows]) for key, name in GROUPS],
        lambda value: f"{value:.0f}%",
        top=100,
    )


def group_chart(chart_id: str, title: str, rows: Sequence[GroupRow]) -> charts.Chart:
    return charts.bars(
        chart_id,
        title,
        "; ".join(f"{row.name}: {_money_tick(row.spend_pence / 100)}" for row in rows) + ".",
        [(row.name, row.spend_pence / 100) for row in rows],
        _money_tick,
    )


def _percent_words(value: float | None) -> str:
    return "no spend" if value is None else f"{value:.1f}%"
