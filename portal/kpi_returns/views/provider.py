"""The provider's pages: an organisation's monthly returns (by form or CSV), amendments,
answers to the council's questions, and its performance."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user

from portal.core.exports import csv_download
from portal.core.form_posts import handle_post
from portal.core.numbers import whole_number
from portal.core.permissions import requires_org_role
from portal.documents import uploads
from portal.documents.uploads import upload_form
from portal.kpi_returns import csv_files, forms, months, reports, services
from portal.kpi_returns.obligations import DueDates, state_of
from portal.kpi_returns.values import value_text
from portal.kpi_returns.views import return_rows
from portal.kpi_returns.views.shared import _month, _performance_page, _return_url, bp

# The table of the organisation's returns (templates/kpi_returns/overview.html), written in Python.
bp.add_app_template_global(return_rows.return_rows, "return_rows")


@bp.route("/kpi-returns/organisations/<int:organisation_id>")
@requires_org_role()
def overview(organisation):
    on = months.current_day()
    obligation, open_escalations = reports.obligation_and_escalations(organisation.id)
    owed = obligation.months(on)
    # The returns of the months owed and the council's open questions: one statement.
    returns, open_queries = reports.summaries_and_open_queries(
        [organisation.id], owed[0] if owed else None, owed[-1] if owed else None
    )
    due = DueDates()
    states = [
        state_of(month, True, returns.get((organisation.id, month)), on, due(month))
        for month in reversed(owed)
    ]
    return render_template(
        "kpi_returns/overview.html",
        organisation=organisation,
        states=states,
        next_month=months.first_of(on) if obligation.owes(months.first_of(on)) else None,
        next_due=due(months.first_of(on)),
        open_queries=open_queries,
        escalations=open_escalations,
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
    submitting = bool(form.submit.data)

    def save() -> None:
        entries = _entries(form, page, complete=submitting)
        services.save_return(
            current_user,
            organisation,
            when,
            entries,
            submit=submitting,
            seen_lock_version=form.seen,
            on=on,
        )

    done = handle_post(
        form,
        save,
        to=_return_url(organisation, when),
        message=f"Your return for {months.month_name(when)} has been submitted"
        if submitting
        else "Your draft has been saved. Submit it by the due date",
    )
    return done or render_template("kpi_returns/form.html", page=page, form=form, amend=False)


def _entries(form, page: services.ReturnPage, *, complete: bool) -> list:
    """The figures the form sent, read against the month's KPIs; raises ReturnError with a
    message for each figure that cannot be read."""
    values, comments = form.values(page.definitions)
    entries, problems = services.read_entries(page.definitions, values, comments, complete=complete)
    if problems:
        raise services.ReturnError(
            errors={f"value_{kpi_id}": message for kpi_id, message in problems.items()}
        )
    return entries


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
    done = handle_post(
        form,
        lambda: services.amend_return(
            current_user,
            organisation,
            when,
            _entries(form, page, complete=True),
            form.reason.data,
            seen_lock_version=form.seen,
            on=on,
        ),
        to=_return_url(organisation, when),
        message=f"Your return for {months.month_name(when)} has been amended",
    )
    return done or render_template("kpi_returns/form.html", page=page, form=form, amend=True)


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
    form = upload_form(forms.UploadForm)
    problems = []

    def import_file():
        try:
            return csv_files.import_csv(
                current_user, organisation, form.file.data, months.current_day()
            )
        except csv_files.ImportRefused as refused:
            problems.extend(refused.problems)
            raise

    done = not uploads.upload_was_too_large() and handle_post(
        form,
        import_file,
        to=lambda when: _return_url(organisation, when),
        message=lambda when: (
            f"The figures for {months.month_name(when)} have been saved as a "
            "draft. Check them and submit the return"
        ),
        field="file",
    )
    return done or render_template(
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
    form.show_version(query)
    done = handle_post(
        form,
        lambda: services.answer_query(current_user, query, kpi_return, form.answer.data, form.seen),
        to=url,
        message="Your answer has been sent to the council",
    )
    return done or render_template(
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
