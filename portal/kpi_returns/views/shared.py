"""The KPI returns blueprint, its template helpers, and what both sides' pages share."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, url_for

from portal.core.permissions import requires_sign_in
from portal.documents import uploads
from portal.kpi_returns import charts, ratings, reports
from portal.kpi_returns.values import format_value
from portal.organisations.choosing import into_own_organisation

bp = Blueprint("kpi_returns", __name__)
uploads.show_size_error_on_the_form(bp)


@bp.app_template_filter("kpi_value")
def kpi_value(value: float | None, unit: str) -> str:
    return format_value(value, unit)


bp.add_app_template_global(ratings.label, "rating_label")
bp.add_app_template_global(ratings.colour, "rating_colour")


def _month(year: int, month: int) -> date:
    try:
        return date(year, month, 1)
    except ValueError:
        abort(404)


def _return_url(organisation, month: date) -> str:
    return url_for(
        "kpi_returns.show_return",
        organisation_id=organisation.id,
        year=month.year,
        month=month.month,
    )


@bp.route("/kpi-returns")
@requires_sign_in
def index():
    """Staff go to the dashboard; a provider to their organisation's returns (or chooses)."""
    return into_own_organisation(
        "kpi_returns.overview",
        staff_to="kpi_returns.dashboard",
        heading="KPI returns",
        lead="Choose the organisation you are making returns for.",
    )


def _performance_page(result: reports.Performance, *, staff: bool):
    who = result.organisation.display_name if staff else "Your"
    chart_list = [
        charts.trend_chart(trend, f"chart-{trend.code}", who=who) for trend in result.trends
    ]
    return render_template(
        "kpi_returns/performance.html",
        result=result,
        charts=chart_list,
        staff=staff,
        periods=reports.PERIODS,
    )
