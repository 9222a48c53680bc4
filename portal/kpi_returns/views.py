"""KPI returns: providers make their monthly returns (form or CSV), amend them and answer the
council's questions; the council reads the dashboard, trends and summaries, queries returns,
locks months and works escalations; admins define the KPIs (/admin/kpis)."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import ADMIN, COMMISSIONER, REVIEWER
from portal.core.db import db
from portal.core.exports import csv_download, export
from portal.core.numbers import whole_number
from portal.core.pagination import page_number
from portal.core.permissions import requires_org_role, requires_sign_in, requires_staff_role
from portal.core.submissions import previous_result, remember_result
from portal.documents import uploads
from portal.kpi_returns import (
    charts,
    csv_files,
    definitions,
    escalations,
    forms,
    months,
    ratings,
    reports,
    services,
)
from portal.kpi_returns.models import OPEN, UNIT_LABELS
from portal.kpi_returns.obligations import DueDates, obligation_of, state_of
from portal.kpi_returns.values import format_value, value_text
from portal.lots.models import Lot
from portal.lots.services import list_lots
from portal.organisations import services as organisations

bp = Blueprint("kpi_returns", __name__)
uploads.show_size_error_on_the_form(bp)

# Council pages: every member of staff reads them; providers get 404, as if they did not exist.
council = requires_staff_role(hide=True)
# What each member of staff may do (DESIGN.md's people). Reviewers, the contracts and quality
# officers, check the returns: they ask providers about a figure and lock a month once it is
# settled. Commissioners read the dashboard and raise escalations; reviewers run provider
# review meetings; so both open, work and close escalations. Admins may do anything, as
# cover, as on the reviews and competitions pages.
COUNCIL_ROLES = {
    "check_returns": (REVIEWER, ADMIN),
    "escalate": (REVIEWER, COMMISSIONER, ADMIN),
}
checks_returns = requires_staff_role(*COUNCIL_ROLES["check_returns"], hide=True)
escalates = requires_staff_role(*COUNCIL_ROLES["escalate"], hide=True)


@bp.app_template_global("council_may")
def council_may(what: str) -> bool:
    """Whether the signed-in member of staff may do `what` (a key of COUNCIL_ROLES): pages
    show only the links that lead somewhere."""
    return current_user.is_authenticated and current_user.role in COUNCIL_ROLES[what]


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


def _version(value: str | None) -> int | None:
    return whole_number(value)


def _return_url(organisation, month: date) -> str:
    return url_for(
        "kpi_returns.show_return",
        organisation_id=organisation.id,
        year=month.year,
        month=month.month,
    )


# Providers -----------------------------------------------------------------------------------


@bp.route("/kpi-returns")
@requires_sign_in
def index():
    """Staff go to the dashboard; a provider to their organisation's returns (or chooses)."""
    if current_user.is_staff:
        return redirect(url_for("kpi_returns.dashboard"))
    memberships = organisations.memberships_of(current_user)
    if len(memberships) == 1:
        return redirect(
            url_for("kpi_returns.overview", organisation_id=memberships[0].organisation_id)
        )
    return render_template("kpi_returns/choose_organisation.html", memberships=memberships)


@bp.route("/kpi-returns/organisations/<int:organisation_id>")
@requires_org_role()
def overview(organisation):
    on = months.current_day()
    obligation = obligation_of(organisation.id)
    owed = obligation.months(on)
    returns = {}
    if owed:
        returns = reports.return_summaries([organisation.id], owed[0], owed[-1])
    due = DueDates()
    states = [
        state_of(month, True, returns.get((organisation.id, month)), on, due(month))
        for month in reversed(owed)
    ]
    open_queries = services.open_queries_of(organisation.id)
    return render_template(
        "kpi_returns/overview.html",
        organisation=organisation,
        states=states,
        next_month=months.first_of(on) if obligation.owes(months.first_of(on)) else None,
        next_due=due(months.first_of(on)),
        open_queries=open_queries,
        escalations=[
            line for line in escalations.escalations_of(organisation.id) if line.status == OPEN
        ],
        on=on,
    )


@bp.route(
    "/kpi-returns/organisations/<int:organisation_id>/months/<int:year>/<int:month>",
    methods=["GET", "POST"],
)
@requires_org_role()
def show_return(organisation, year: int, month: int):
    """The month's return: the form while it is a draft, the figures once submitted."""
    when, on = _month(year, month), months.current_day()
    try:
        page = services.return_page(organisation, when, on)
    except services.ReturnError as error:
        return render_template(
            "kpi_returns/not_available.html", organisation=organisation, message=error.message
        ), 404
    if page.submitted:
        if request.method == "POST":  # submitting twice, from an old page
            flash(services.refusal(page.kpi_return))
        return render_template("kpi_returns/return.html", page=page, staff=False)
    form = forms.return_form(page.definitions)
    if request.method == "GET":
        _fill(form, page)
    elif form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        submitting = bool(form.submit.data)
        values, comments = form.values(page.definitions)
        entries, problems = services.read_entries(
            page.definitions, values, comments, complete=submitting
        )
        for kpi_id, message in problems.items():
            form.add_error(f"value_{kpi_id}", message)
        if not problems:
            try:
                services.save_return(
                    current_user,
                    organisation,
                    when,
                    entries,
                    submit=submitting,
                    seen_lock_version=_version(form.lock_version.data),
                    on=on,
                )
            except services.ReturnError as error:
                form.add_error(error.field, error.message)
            else:
                url = _return_url(organisation, when)
                remember_result(form.submission_id.data, url)
                flash(
                    f"Your return for {months.month_name(when)} has been submitted"
                    if submitting
                    else "Your draft has been saved. Submit it by the due date",
                    "success",
                )
                return redirect(url)
    return render_template("kpi_returns/form.html", page=page, form=form, amend=False)


def _fill(form, page: services.ReturnPage) -> None:
    values = page.values
    for definition in page.definitions:
        saved = values.get(definition.kpi_id)
        if saved is not None:
            form.value_field(definition).data = value_text(saved.value, definition.unit)
            form.comment_field(definition).data = saved.comment
    form.lock_version.data = str(page.kpi_return.lock_version) if page.kpi_return else ""


@bp.route(
    "/kpi-returns/organisations/<int:organisation_id>/months/<int:year>/<int:month>/amend",
    methods=["GET", "POST"],
)
@requires_org_role()
def amend(organisation, year: int, month: int):
    when, on = _month(year, month), months.current_day()
    try:
        page = services.return_page(organisation, when, on)
    except services.ReturnError:
        abort(404)
    if not page.submitted:
        return redirect(_return_url(organisation, when))
    form = forms.return_form(page.definitions, amend=True)
    if request.method == "GET":
        _fill(form, page)
    elif form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        values, comments = form.values(page.definitions)
        entries, problems = services.read_entries(page.definitions, values, comments, complete=True)
        for kpi_id, message in problems.items():
            form.add_error(f"value_{kpi_id}", message)
        if not problems:
            try:
                services.amend_return(
                    current_user,
                    organisation,
                    when,
                    entries,
                    form.reason.data,
                    seen_lock_version=_version(form.lock_version.data),
                    on=on,
                )
            except services.ReturnError as error:
                form.add_error(error.field, error.message)
            else:
                url = _return_url(organisation, when)
                remember_result(form.submission_id.data, url)
                flash(f"Your return for {months.month_name(when)} has been amended", "success")
                return redirect(url)
    return render_template("kpi_returns/form.html", page=page, form=form, amend=True)


@bp.route(
    "/kpi-returns/organisations/<int:organisation_id>/months/<int:year>/<int:month>/csv-template"
)
@requires_org_role()
def csv_template(organisation, year: int, month: int):
    when = _month(year, month)
    try:
        page = services.return_page(organisation, when, months.current_day())
    except services.ReturnError:
        abort(404)
    return csv_download(csv_files.template_csv(page), f"kpi-return-{months.iso_month(when)}.csv")


@bp.route("/kpi-returns/organisations/<int:organisation_id>/upload", methods=["GET", "POST"])
@requires_org_role()
def upload(organisation):
    if uploads.upload_was_too_large():
        form = forms.UploadForm(formdata=None)
        form.add_error("file", uploads.too_large_message())
    else:
        uploads.read_upload()
        form = forms.UploadForm()
    problems = []
    if not uploads.upload_was_too_large() and form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            when = csv_files.import_csv(
                current_user, organisation, form.file.data, months.current_day()
            )
        except uploads.UploadRefused as error:
            form.add_error("file", error.message)
        except csv_files.ImportRefused as refused:
            problems = refused.problems
            count = len(problems)
            form.add_error(
                "file",
                f"The selected file has {count} problem{'s' if count > 1 else ''}. "
                "Nothing has been saved",
            )
        except services.ReturnError as error:
            form.add_error("file", error.message)
        else:
            url = _return_url(organisation, when)
            remember_result(form.submission_id.data, url)
            flash(
                f"The figures for {months.month_name(when)} have been saved as a draft. "
                "Check them and submit the return",
                "success",
            )
            return redirect(url)
    return render_template(
        "kpi_returns/upload.html", organisation=organisation, form=form, problems=problems
    )


@bp.route(
    "/kpi-returns/organisations/<int:organisation_id>/queries/<int:query_id>/answer",
    methods=["GET", "POST"],
)
@requires_org_role()
def answer(organisation, query_id: int):
    query, kpi_return = services.get_query(organisation, query_id)
    url = _return_url(organisation, kpi_return.month)
    form = forms.AnswerForm()
    if request.method == "GET":
        form.lock_version.data = str(query.lock_version)
    elif form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            services.answer_query(
                current_user, query, kpi_return, form.answer.data, _version(form.lock_version.data)
            )
        except services.ReturnError as error:
            form.add_error(error.field, error.message)
        else:
            remember_result(form.submission_id.data, url)
            flash("Your answer has been sent to the council", "success")
            return redirect(url)
    return render_template(
        "kpi_returns/answer.html",
        organisation=organisation,
        query=query,
        kpi_return=kpi_return,
        form=form,
        back=url,
    )


@bp.route("/kpi-returns/organisations/<int:organisation_id>/performance")
@requires_org_role()
def performance(organisation):
    period = reports.Period.from_args(request.args, months.current_day())
    result = reports.provider_performance(
        organisation, period, for_provider=True, lot_id=request.args.get("lot", type=whole_number)
    )
    return _performance_page(result, staff=False)


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


# The council ---------------------------------------------------------------------------------


@bp.route("/kpi-returns/dashboard")
@council
def dashboard():
    lots = list_lots()
    on = months.current_day()
    filters = reports.DashboardFilters.from_args(request.args, lots)
    period = reports.Period.from_args(request.args, on)
    results = reports.dashboard(filters, period, page_number(request.args.get("page")), on)
    return render_template(
        "kpi_returns/dashboard.html",
        lots=lots,
        filters=filters,
        period=period,
        periods=reports.PERIODS,
        results=results,
    )


@bp.route("/kpi-returns/dashboard/export")
@council
def export_returns():
    return _export_returns(spreadsheet=False)


@bp.route("/kpi-returns/dashboard/export-xlsx")
@council
def export_returns_xlsx():
    return _export_returns(spreadsheet=True)


def _export_returns(*, spreadsheet: bool) -> Response:
    on = months.current_day()
    lots = list_lots()
    filters = reports.DashboardFilters.from_args(request.args, lots)
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
    organisation = services.organisation_for_staff(organisation_id)
    period = reports.Period.from_args(request.args, months.current_day())
    period = reports.Period(period.last, 12)
    result = reports.provider_performance(organisation, period, for_provider=False)
    return render_template("kpi_returns/provider_summary.html", result=result)


@bp.route("/kpi-returns/dashboard/providers/<int:organisation_id>/summary/export")
@council
def export_provider_summary(organisation_id: int):
    return _export_provider_summary(organisation_id, spreadsheet=False)


@bp.route("/kpi-returns/dashboard/providers/<int:organisation_id>/summary/export-xlsx")
@council
def export_provider_summary_xlsx(organisation_id: int):
    return _export_provider_summary(organisation_id, spreadsheet=True)


def _export_provider_summary(organisation_id: int, *, spreadsheet: bool) -> Response:
    organisation = services.organisation_for_staff(organisation_id)
    period = reports.Period(reports.Period.from_args(request.args, months.current_day()).last, 12)
    result = reports.provider_performance(organisation, period, for_provider=False)
    return export(
        reports.provider_summary_rows(result),
        f"performance-summary-{organisation.id}-to-{months.iso_month(period.last)}",
        spreadsheet=spreadsheet,
        sheet_name="Performance summary",
    )


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
    period = reports.Period(reports.Period.from_args(request.args, on).last, 12)
    rows = reports.lot_summary(found, period, on)
    return render_template(
        "kpi_returns/lot_summary.html",
        lot=found,
        period=period,
        rows=rows,
        ratings_order=ratings.RATINGS,
    )


@bp.route("/kpi-returns/dashboard/lots/<int:lot_id>/summary/export")
@council
def export_lot_summary(lot_id: int):
    return _export_lot_summary(lot_id, spreadsheet=False)


@bp.route("/kpi-returns/dashboard/lots/<int:lot_id>/summary/export-xlsx")
@council
def export_lot_summary_xlsx(lot_id: int):
    return _export_lot_summary(lot_id, spreadsheet=True)


def _export_lot_summary(lot_id: int, *, spreadsheet: bool) -> Response:
    found = _lot(lot_id)
    on = months.current_day()
    period = reports.Period(reports.Period.from_args(request.args, on).last, 12)
    return export(
        reports.lot_summary_rows(found, period, on),
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
    if form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            services.ask_query(current_user, page.kpi_return, form.kpi_id.data, form.question.data)
        except services.ReturnError as error:
            form.add_error(error.field, error.message)
        else:
            remember_result(form.submission_id.data, url)
            flash("Your question has been sent to the provider", "success")
            return redirect(url)
    return render_template("kpi_returns/ask.html", page=page, form=form, back=url)


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
    if form.validate_on_submit():
        month = months.parse_month(form.month.data)
        try:
            if month is None:
                raise services.ReturnError("Select a month", "month")
            services.lock_month(current_user, month, on)
        except services.ReturnError as error:
            form.add_error(error.field, error.message)
        else:
            flash(
                f"{months.month_name(month)} is locked: its returns can no longer be amended",
                "success",
            )
            return redirect(url_for("kpi_returns.dashboard"))
    return render_template("kpi_returns/lock_month.html", form=form, locked=locked)


# Escalations ---------------------------------------------------------------------------------


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
    form = forms.EscalateForm()
    form.kpi_id.choices = [SelectChoice(0, "The provider's returns as a whole")] + [
        SelectChoice(kpi_id, name) for kpi_id, name in kpis
    ]
    if request.method == "GET" and request.args.get("kpi", type=whole_number):
        form.kpi_id.data = request.args.get("kpi", type=whole_number)
    back = url_for("kpi_returns.provider", organisation_id=organisation.id)
    if form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            opened = escalations.open_escalation(
                current_user,
                organisation,
                form.kpi_id.data or None,
                form.reason.data,
                {kpi_id for kpi_id, _name in kpis},
                on,
            )
        except escalations.EscalationError as error:
            form.add_error(error.field, error.message)
        else:
            url = url_for("kpi_returns.escalation", escalation_id=opened.id)
            remember_result(form.submission_id.data, url)
            flash(
                "The escalation is open. The provider's members and the council's reviewers "
                "and commissioners have been emailed",
                "success",
            )
            return redirect(url)
    return render_template(
        "kpi_returns/escalate.html", organisation=organisation, form=form, back=back
    )


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
    if request.method == "GET":
        form.lock_version.data = str(found.lock_version)
    elif form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            escalations.record_action(
                current_user,
                found,
                form.kind.data,
                form.on_date.data,
                form.details.data,
                _version(form.lock_version.data),
            )
        except escalations.EscalationError as error:
            form.add_error(error.field, error.message)
        else:
            remember_result(form.submission_id.data, url)
            flash("The action has been recorded", "success")
            return redirect(url)
    return render_template("kpi_returns/record_action.html", escalation=found, form=form, back=url)


@bp.route("/kpi-returns/escalations/<int:escalation_id>/close", methods=["GET", "POST"])
@escalates
def close(escalation_id: int):
    found = escalations.get_escalation(escalation_id)
    url = url_for("kpi_returns.escalation", escalation_id=escalation_id)
    if found.status != OPEN:
        return redirect(url)
    form = forms.CloseForm()
    if request.method == "GET":
        form.lock_version.data = str(found.lock_version)
    elif form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            escalations.close_escalation(
                current_user, found, form.reason.data, _version(form.lock_version.data)
            )
        except escalations.EscalationError as error:
            form.add_error(error.field, error.message)
        else:
            remember_result(form.submission_id.data, url)
            flash("The escalation has been closed", "success")
            return redirect(url)
    return render_template("kpi_returns/close.html", escalation=found, form=form, back=url)


# Admins: KPI definitions ---------------------------------------------------------------------

admins = requires_staff_role(ADMIN)


@bp.route("/admin/kpis")
@admins
def kpis():
    on = months.current_day()
    catalogue = definitions.Catalogue()
    rows = [
        (kpi, definitions.in_force(kpi, months.first_of(on)), kpi.versions[-1])
        for kpi in catalogue.kpis
    ]
    return render_template("kpi_returns/admin/kpis.html", rows=rows, unit_labels=UNIT_LABELS)


@bp.route("/admin/kpis/<int:kpi_id>")
@admins
def kpi(kpi_id: int):
    found = definitions.get_kpi(kpi_id)
    return render_template(
        "kpi_returns/admin/kpi.html",
        kpi=found,
        unit_labels=UNIT_LABELS,
        current=definitions.in_force(found, months.first_of(months.current_day())),
    )


def _definition_form(kpi=None) -> forms.DefinitionForm:
    on = months.current_day()
    form = forms.DefinitionForm()
    form.lot_ids.choices = [SelectChoice(lot.id, lot.name) for lot in list_lots()]
    start = months.first_of(on)
    form.effective_from.choices = [
        SelectChoice(months.iso_month(month), months.month_name(month))
        for month in (months.add_months(start, ahead) for ahead in range(13))
    ]
    if request.method == "GET" and kpi is not None:
        latest = kpi.versions[-1]
        form.name.data = latest.name
        form.description.data = latest.description
        form.unit.data = latest.unit
        form.direction.data = "higher" if latest.higher_is_better else "lower"
        form.required_kpi.data = "yes" if latest.is_required else "no"
        form.active.data = "yes" if latest.is_active else "no"
        for name in ("target", "good_from", "approaching_from", "requires_improvement_from"):
            value = getattr(latest, name)
            form[name].data = "" if value is None else f"{value:g}"
        form.lot_ids.data = [lot.id for lot in latest.lots]
    return form


def _details(form: forms.DefinitionForm) -> definitions.DefinitionDetails:
    return definitions.DefinitionDetails(
        name=form.name.data,
        description=form.description.data or "",
        unit=form.unit.data,
        higher_is_better=form.direction.data == "higher",
        is_required=form.required_kpi.data == "yes",
        is_active=form.active.data != "no",
        target=form.target.number,
        good_from=form.good_from.number,
        approaching_from=form.approaching_from.number,
        requires_improvement_from=form.requires_improvement_from.number,
        lot_ids=list(form.lot_ids.data or []),
        effective_from=months.parse_month(form.effective_from.data),
    )


def _save_definition(kpi=None):
    form = _definition_form(kpi)
    if form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            saved = definitions.save_definition(
                current_user, kpi, None, _details(form), months.current_day()
            )
        except definitions.DefinitionError as error:
            for field, message in error.errors.items():
                form.add_error(field, message)
        else:
            url = url_for("kpi_returns.kpi", kpi_id=saved.id)
            remember_result(form.submission_id.data, url)
            flash(f"{form.name.data} has been saved", "success")
            return redirect(url)
    return render_template("kpi_returns/admin/definition.html", form=form, kpi=kpi)


@bp.route("/admin/kpis/new", methods=["GET", "POST"])
@admins
def new_kpi():
    return _save_definition()


@bp.route("/admin/kpis/<int:kpi_id>/change", methods=["GET", "POST"])
@admins
def change_kpi(kpi_id: int):
    return _save_definition(definitions.get_kpi(kpi_id))
