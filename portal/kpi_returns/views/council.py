"""The council's pages: the dashboard, trends and summaries with their exports, questions
about a return, locking months, and escalations."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.core.db import db
from portal.core.exports import csv_and_xlsx, export
from portal.core.form_posts import handle_post
from portal.core.numbers import whole_number
from portal.core.pagination import page_number
from portal.core.permissions import requires
from portal.kpi_returns import (
    charts,
    escalations,
    forms,
    months,
    ratings,
    reports,
    services,
)
from portal.kpi_returns import dashboard as returns_dashboard
from portal.kpi_returns.models import OPEN
from portal.kpi_returns.views import dashboard_cells
from portal.kpi_returns.views.shared import _performance_page, bp
from portal.lots.models import Lot
from portal.lots.services import list_lots, lot_choices

council = requires("read_performance")
checks_returns = requires("check_returns")
escalates = requires("escalate")


# The dashboard and the returns ------------------------------------------------------------------


@bp.route("/kpi-returns/dashboard")
@council
def dashboard():
    lots = lot_choices()
    on = months.current_day()
    filters = returns_dashboard.DashboardFilters.from_args(request.args, lots)
    period = reports.Period.from_args(request.args, on)
    results = returns_dashboard.dashboard(
        filters, period, page_number(request.args.get("page")), on
    )
    return render_template(
        "kpi_returns/dashboard.html",
        lots=lots,
        filters=filters,
        period=period,
        periods=reports.PERIODS,
        results=results,
        rows=dashboard_cells.table_rows(results.items, period.month_names()),
    )


@csv_and_xlsx(bp, "/kpi-returns/dashboard/export")
@council
def export_returns(spreadsheet: bool) -> Response:
    on = months.current_day()
    lots = list_lots()
    filters = returns_dashboard.DashboardFilters.from_args(request.args, lots)
    lot = next((lot for lot in lots if lot.slug == filters.lot), None)
    period = reports.Period.from_args(request.args, on)
    return export(
        reports.export_returns_rows(period, on, lot),
        f"kpi-returns-{months.iso_month(period.first)}-to-{months.iso_month(period.last)}",
        spreadsheet=spreadsheet,
        sheet_name="KPI returns",
    )


@bp.route("/kpi-returns/dashboard/providers/<int:organisation_id>")
@council
def provider(organisation_id: int):
    organisation = services.organisation_for_staff(organisation_id)
    period = reports.Period.from_args(request.args, months.current_day())
    result = reports.provider_performance(
        organisation, period, for_provider=False, lot_id=request.args.get("lot", type=whole_number)
    )
    return _performance_page(result, staff=True)


@bp.route("/kpi-returns/dashboard/providers/<int:organisation_id>/summary")
@council
def provider_summary(organisation_id: int):
    result = _provider_summary(organisation_id)
    return render_template("kpi_returns/provider_summary.html", result=result)


@csv_and_xlsx(bp, "/kpi-returns/dashboard/providers/<int:organisation_id>/summary/export")
@council
def export_provider_summary(organisation_id: int, spreadsheet: bool) -> Response:
    result = _provider_summary(organisation_id)
    return export(
        reports.provider_summary_rows(result),
        f"performance-summary-{organisation_id}-to-{months.iso_month(result.period.last)}",
        spreadsheet=spreadsheet,
        sheet_name="Performance summary",
    )


def _provider_summary(organisation_id: int):
    """The provider's performance over the summary's twelve months, as the council sees it."""
    organisation = services.organisation_for_staff(organisation_id)
    period = reports.Period.year_from_args(request.args, months.current_day())
    return reports.provider_performance(organisation, period, for_provider=False)


def _lot(lot_id: int) -> Lot:
    lot = db.session.get(Lot, lot_id)
    if lot is None:
        abort(404)
    return lot


@bp.route("/kpi-returns/dashboard/lots/<int:lot_id>")
@council
def lot(lot_id: int):
    found = _lot(lot_id)
    period = reports.Period.from_args(request.args, months.current_day())
    result = reports.lot_performance(found, period)
    chart_list = [
        charts.trend_chart(trend, f"chart-{trend.code}", who=found.name, show_values=False)
        for trend in result.trends
    ]
    return render_template(
        "kpi_returns/lot.html",
        result=result,
        charts=chart_list,
        periods=reports.PERIODS,
        ratings_order=ratings.RATINGS,
    )


@bp.route("/kpi-returns/dashboard/lots/<int:lot_id>/summary")
@council
def lot_summary(lot_id: int):
    found = _lot(lot_id)
    on = months.current_day()
    period = reports.Period.year_from_args(request.args, on)
    rows = returns_dashboard.lot_summary(found, period, on)
    return render_template(
        "kpi_returns/lot_summary.html",
        lot=found,
        period=period,
        rows=rows,
        ratings_order=ratings.RATINGS,
    )


@csv_and_xlsx(bp, "/kpi-returns/dashboard/lots/<int:lot_id>/summary/export")
@council
def export_lot_summary(lot_id: int, spreadsheet: bool) -> Response:
    found = _lot(lot_id)
    on = months.current_day()
    period = reports.Period.year_from_args(request.args, on)
    return export(
        returns_dashboard.lot_summary_rows(found, period, on),
        f"performance-summary-{found.slug}-to-{months.iso_month(period.last)}",
        spreadsheet=spreadsheet,
        sheet_name="Performance summary",
    )


@bp.route("/kpi-returns/dashboard/returns/<int:return_id>")
@council
def staff_return(return_id: int):
    page = services.return_page_for_staff(return_id, months.current_day())
    return render_template("kpi_returns/return.html", page=page, staff=True)


@bp.route("/kpi-returns/dashboard/returns/<int:return_id>/query", methods=["GET", "POST"])
@checks_returns
def ask(return_id: int):
    page = services.return_page_for_staff(return_id, months.current_day())
    if not page.submitted:
        abort(404)
    form = forms.QueryForm()
    form.kpi_id.choices = [SelectChoice(0, "Select a figure")] + [
        SelectChoice(definition.kpi_id, definition.name) for definition in page.definitions
    ]
    url = url_for("kpi_returns.staff_return", return_id=return_id)
    if request.method == "GET" and request.args.get("kpi", type=whole_number):
        form.kpi_id.data = request.args.get("kpi", type=whole_number)
    done = handle_post(
        form,
        lambda: services.ask_query(
            current_user, page.kpi_return, form.kpi_id.data, form.question.data
        ),
        to=url,
        message="Your question has been sent to the provider",
    )
    return done or render_template("kpi_returns/ask.html", page=page, form=form, back=url)


@bp.route("/kpi-returns/dashboard/lock-month", methods=["GET", "POST"])
@checks_returns
def lock_month():
    on = months.current_day()
    latest = months.last_ended(on)
    locked = services.locked_months()
    choices = [
        SelectChoice(months.iso_month(month), months.month_name(month))
        for month in (months.add_months(latest, -back) for back in range(12))
        if month not in locked
    ]
    form = forms.LockMonthForm()
    form.month.choices = [SelectChoice("", "Select a month"), *choices]
    month = months.parse_month(form.month.data)

    def lock() -> None:
        if month is None:
            raise services.ReturnError("Select a month", "month")
        services.lock_month(current_user, month, on)

    done = handle_post(
        form,
        lock,
        to=url_for("kpi_returns.dashboard"),
        message=lambda _: (
            f"{months.month_name(month)} is locked: its returns can no longer be amended"
        ),
    )
    return done or render_template("kpi_returns/lock_month.html", form=form, locked=locked)


# Escalations ------------------------------------------------------------------------------------


@bp.route("/kpi-returns/escalations")
@council
def escalation_list():
    status = request.args.get("status", OPEN)
    results = escalations.escalation_list(status, page_number(request.args.get("page")))
    return render_template("kpi_returns/escalations.html", results=results, status=status)


@bp.route("/kpi-returns/escalations/<int:escalation_id>")
@council
def escalation(escalation_id: int):
    found = escalations.get_escalation(escalation_id)
    return render_template(
        "kpi_returns/escalation.html",
        escalation=found,
        trigger_label=escalations.TRIGGER_LABELS[found.trigger],
        kpi_name=_kpi_name(found),
    )


@bp.route(
    "/kpi-returns/dashboard/providers/<int:organisation_id>/escalate", methods=["GET", "POST"]
)
@escalates
def escalate(organisation_id: int):
    """Open an escalation by hand, about one of the provider's KPIs or its returns as a whole."""
    organisation = services.organisation_for_staff(organisation_id)
    on = months.current_day()
    kpis = services.kpis_of(organisation, on)
    form = _escalate_form(kpis)
    back = url_for("kpi_returns.provider", organisation_id=organisation.id)
    done = handle_post(
        form,
        lambda: escalations.open_escalation(
            current_user,
            organisation,
            form.kpi_id.data or None,
            form.reason.data,
            {kpi_id for kpi_id, _name in kpis},
            on,
        ),
        to=lambda opened: url_for("kpi_returns.escalation", escalation_id=opened.id),
        message="The escalation is open. The provider's members and the council's reviewers "
        "and commissioners have been emailed",
    )
    return done or render_template(
        "kpi_returns/escalate.html", organisation=organisation, form=form, back=back
    )


def _escalate_form(kpis: list[tuple[int, str]]) -> forms.EscalateForm:
    """The form, with the provider's KPIs to choose from and the one a page's link named."""
    form = forms.EscalateForm()
    form.kpi_id.choices = [SelectChoice(0, "The provider's returns as a whole")] + [
        SelectChoice(kpi_id, name) for kpi_id, name in kpis
    ]
    if request.method == "GET" and request.args.get("kpi", type=whole_number):
        form.kpi_id.data = request.args.get("kpi", type=whole_number)
    return form


def _kpi_name(escalation) -> str | None:
    if escalation.kpi is None:
        return None
    return escalation.kpi.versions[-1].name


@bp.route("/kpi-returns/escalations/<int:escalation_id>/actions", methods=["GET", "POST"])
@escalates
def record_action(escalation_id: int):
    found = escalations.get_escalation(escalation_id)
    url = url_for("kpi_returns.escalation", escalation_id=escalation_id)
    if found.status != OPEN:
        return redirect(url)
    form = forms.ActionForm()
    form.show_version(found)
    done = handle_post(
        form,
        lambda: escalations.record_action(
            current_user,
            found,
            form.kind.data,
            form.on_date.data,
            form.details.data,
            form.seen,
        ),
        to=url,
        message="The action has been recorded",
    )
    return done or render_template(
        "kpi_returns/record_action.html", escalation=found, form=form, back=url
    )


@bp.route("/kpi-returns/escalations/<int:escalation_id>/close", methods=["GET", "POST"])
@escalates
def close(escalation_id: int):
    found = escalations.get_escalation(escalation_id)
    url = url_for("kpi_returns.escalation", escalation_id=escalation_id)
    if found.status != OPEN:
        return redirect(url)
    form = forms.CloseForm()
    form.show_version(found)
    done = handle_post(
        form,
        lambda: escalations.close_escalation(current_user, found, form.reason.data, form.seen),
        to=url,
        message="The escalation has been closed",
    )
    return done or render_template("kpi_returns/close.html", escalation=found, form=form, back=url)
