"""The council's spend and value-for-money reports, at /contracts/reports, with a CSV and an
XLSX export of each table."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from portal.contracts.services import report_charts, report_exports, reports
from portal.contracts.services.report_filters import Filters, read_filters
from portal.contracts.views.shared import bp
from portal.core.exports import export
from portal.core.money import format_pence
from portal.core.pagination import page_number
from portal.core.permissions import requires
from portal.core.time import today
from portal.lots.models import Lot
from portal.lots.services import list_lots

reads_spend = requires("read_spend")
TABLES = "any(" + ", ".join(f'"{table}"' for table in report_exports.TABLES) + ")"


def _filters() -> tuple[Filters, list[Lot]]:
    lots = list_lots()
    return read_filters(request.args, lots, today()), lots


def _page(template: str, filters: Filters, lots: list[Lot], **figures: object) -> str:
    return render_template(
        f"contracts/{template}", filters=filters, lots=lots, pence=format_pence, **figures
    )


def _report_page(template: str, figures: Callable[[Filters, list[Lot]], dict[str, object]]) -> str:
    """A report's page: its `figures` for the filters chosen, or, while the filters have
    errors, the filters alone with their errors."""
    filters, lots = _filters()
    if filters.errors:
        return _page(template, filters, lots)
    return _page(template, filters, lots, **figures(filters, lots))


@bp.route("/reports")
@reads_spend
def report() -> str:
    return _report_page("reports.html", _spend_figures)


@bp.route("/reports/providers")
@reads_spend
def report_providers() -> str:
    return _report_page(
        "reports_providers.html",
        lambda filters, _lots: {
            "page": reports.providers(filters, page_number(request.args.get("page")))
        },
    )


@bp.route("/reports/benchmarks")
@reads_spend
def report_benchmarks() -> str:
    return _report_page("reports_benchmarks.html", _benchmark_figures)


@bp.route(f"/reports/export/<{TABLES}:table>")
@reads_spend
def export_report(table: str) -> ResponseReturnValue:
    return _export(table, spreadsheet=False)


@bp.route(f"/reports/export-xlsx/<{TABLES}:table>")
@reads_spend
def export_report_xlsx(table: str) -> ResponseReturnValue:
    return _export(table, spreadsheet=True)


def _export(table: str, *, spreadsheet: bool) -> ResponseReturnValue:
    filters, lots = _filters()
    if filters.errors:  # shown on the report's page, with the filters as typed
        query = urlencode(request.args.to_dict(flat=False), doseq=True)
        return redirect(f"{url_for('contracts.report')}?{query}")
    return export(
        report_exports.export_rows(table, filters, lots),
        f"contracts-{table}-{filters.name}",
        spreadsheet=spreadsheet,
        sheet_name=table.replace("-", " ").capitalize(),
    )


def _spend_figures(filters: Filters, lots: list[Lot]) -> dict[str, object]:
    found = reports.spend_report(filters, lots)
    return {
        "report": found,
        "spend_chart": report_charts.spend_chart(found),
        "shares_chart": report_charts.shares_chart(found),
        "lot_chart": report_charts.group_chart(
            "chart-lots", "Approved spend by type of service", found.lots
        ),
        "team_chart": report_charts.group_chart(
            "chart-teams", "Approved spend by team", found.teams
        ),
    }


def _benchmark_figures(filters: Filters, lots: list[Lot]) -> dict[str, object]:
    found = reports.benchmarks(filters, lots)
    return {
        "found": found,
        "page": reports.rates_page(found, page_number(request.args.get("page"))),
        "min_providers": reports.MIN_PROVIDERS_TO_COMPARE,
        "fence": reports.FENCE,
    }
