"""The provider's pages: an organisation's monthly returns (by form or CSV), amendments,
answers to the council's questions, and its performance."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user

from portal.core.exports import csv_download
from portal.core.numbers import whole_number
from portal.core.permissions import requires_org_role
from portal.core.submissions import previous_result, remember_result
from portal.documents import uploads
from portal.kpi_returns import csv_files, escalations, forms, months, reports, services
from portal.kpi_returns.models import OPEN
from portal.kpi_returns.obligations import DueDates, obligation_of, state_of
from portal.kpi_returns.views.shared import _month, _performance_page, _return_url, _version, bp


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
            form.value_field(definition).data = services.value_text(saved.value, definition.unit)
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
