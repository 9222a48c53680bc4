"""Monthly delivery and self-billing statements, for both sides: the provider records each
month's delivery, reads its statements and what has been approved; the council approves or
queries statements and exports the approved ones to finance."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.contracts import forms
from portal.contracts.models import (
    CANCELLATION_REASONS,
    STATEMENT_STATUSES,
    UNIT_NAMES,
    Contract,
    Statement,
)
from portal.contracts.services import delivery, finance_exports, statements
from portal.contracts.services.common import ContractError, teams
from portal.contracts.views.shared import bp
from portal.core.exports import csv_download
from portal.core.form_posts import handle_button, handle_post
from portal.core.money import format_pence
from portal.core.pagination import page_number
from portal.core.permissions import requires, requires_org_member_or_staff, requires_org_role
from portal.kpi_returns import months
from portal.organisations.models import Organisation

STATEMENT_STATUS_LABELS = {
    "waiting": "Waiting for approval",
    "queried": "Queried",
    "approved": "Approved",
}
STATEMENT_STATUS_TAGS = {
    "waiting": "govuk-tag--yellow",
    "queried": "govuk-tag--red",
    "approved": "govuk-tag--green",
}
DELIVERY_STATE_TAGS = {
    delivery.NOT_ENDED: "govuk-tag--grey",
    delivery.DUE: "govuk-tag--yellow",
    delivery.OVERDUE: "govuk-tag--red",
    delivery.SUBMITTED: "govuk-tag--blue",
    delivery.QUERIED: "govuk-tag--red",
    delivery.APPROVED: "govuk-tag--green",
}

bp.add_app_template_filter(format_pence, "pence")
bp.add_app_template_global(finance_exports.cost_centre, "cost_centre")


@bp.record_once
def _words(state: BlueprintSetupState) -> None:
    """The words and tag colours of delivery and statements, as template globals: the
    contract page includes the delivery section, and macros imported without context read
    them."""
    state.app.jinja_env.globals.update(
        cancellation_reasons=CANCELLATION_REASONS,
        unit_names=UNIT_NAMES,
        statement_status_labels=STATEMENT_STATUS_LABELS,
        statement_status_tags=STATEMENT_STATUS_TAGS,
        delivery_state_tags=DELIVERY_STATE_TAGS,
    )


@bp.app_template_global("delivery_months")
def delivery_months(contract: Contract) -> list[delivery.MonthState]:
    """The contract's months begun so far with their delivery and statement, for the contract
    page's delivery section (templates/contracts/_delivery.html)."""
    return delivery.month_states([contract], months.current_day())


def _month(year: int, month: int) -> date:
    try:
        return date(year, month, 1)
    except ValueError:
        abort(404)


def _delivery_url(organisation_id: int, contract_id: int, month: date) -> str:
    return url_for(
        "contracts.delivery_month",
        organisation_id=organisation_id,
        contract_id=contract_id,
        year=month.year,
        month=month.month,
    )


# The provider's pages ----------------------------------------------------------------------------


@bp.route(
    "/organisations/<int:organisation_id>/contracts/<int:contract_id>/delivery/<int:year>/<int:month>",
    methods=["GET", "POST"],
)
@requires_org_role()
def delivery_month(
    organisation: Organisation, contract_id: int, year: int, month: int
) -> ResponseReturnValue:
    """One month's delivery: the form while it is a draft (or queried), the figures after."""
    when, on = _month(year, month), months.current_day()
    try:
        page = delivery.delivery_page(organisation, contract_id, when, on)
    except ContractError as error:
        return render_template(
            "contracts/delivery_not_available.html",
            organisation=organisation,
            message=error.message,
        ), 404
    form = forms.DeliveryForm()
    if not page.editable:
        if request.method == "POST":  # submitting twice, or from an old page
            flash(delivery.settled_message(page.delivery))
            return redirect(_delivery_url(organisation.id, contract_id, when))
        return render_template("contracts/delivery.html", page=page, form=None)
    if request.method == "GET":
        _fill(form, page)
    submitting = bool(form.submit.data)
    done = handle_post(
        form,
        lambda: _save(form, organisation, contract_id, when, on, submitting),
        to=_delivery_url(organisation.id, contract_id, when),
        message=f"Your delivery for {months.month_name(when)} has been submitted. The council "
        "will check its statement"
        if submitting
        else "Your draft has been saved. Submit it once the month has ended",
    )
    return done or render_template("contracts/delivery.html", page=page, form=form)


def _save(
    form: forms.DeliveryForm,
    organisation: Organisation,
    contract_id: int,
    when: date,
    on: date,
    submitting: bool,
) -> None:
    delivery.save_delivery(
        current_user,
        organisation,
        contract_id,
        when,
        delivery.read_figures(form.typed(), submitting=submitting),
        submit=submitting,
        seen=form.seen,
        answer=form.answer.data,
        on=on,
    )


def _fill(form: forms.DeliveryForm, page: delivery.DeliveryPage) -> None:
    record = page.delivery
    form.lock_version.data = str(record.lock_version) if record else ""
    if record is None:
        return
    numbers = ("units_delivered", "sessions_offered", "sessions_attended")
    form.fill_in({name: str(getattr(record, name)) for name in numbers})
    form.notes.data = record.notes or ""
    for reason in CANCELLATION_REASONS:
        form.cancellation(reason).data = str(record.cancellations.get(reason, 0))


@bp.route("/organisations/<int:organisation_id>/statements")
@requires_org_role()
def provider_statements(organisation: Organisation) -> ResponseReturnValue:
    """The provider's deliveries due and overdue, its statements and what has been approved."""
    on = months.current_day()
    return render_template(
        "contracts/provider_statements.html",
        organisation=organisation,
        owed=delivery.months_owed([organisation.id], on),
        statements=statements.statements_of(organisation.id),
        approved=statements.approved_by_month(organisation.id),
    )


@bp.route("/organisations/<int:organisation_id>/statements/<int:statement_id>")
@requires_org_member_or_staff
def statement(organisation: Organisation, statement_id: int) -> ResponseReturnValue:
    """The printable statement, for the provider and the council alike; the council's
    approve and query buttons beside it."""
    found = statements.statement_for(organisation, statement_id)
    approve = forms.ApproveForm(lock_version=str(found.lock_version))
    return render_template(
        "contracts/statement.html",
        statement=found,
        organisation=organisation,
        staff=g.membership is None,
        approve_form=approve,
    )


# The council's pages -----------------------------------------------------------------------------


def _statement_url(found: Statement) -> str:
    return url_for(
        "contracts.statement",
        organisation_id=found.contract.organisation_id,
        statement_id=found.id,
    )


@bp.route("/statements/<int:statement_id>/approve", methods=["POST"])
@requires("manage_contracts")
def approve_statement(statement_id: int) -> Response:
    found = statements.statement_for_staff(statement_id)
    form = forms.ApproveForm()
    return handle_button(
        lambda: statements.approve_statement(current_user, found, seen=form.seen),
        _statement_url(found),
        message=f"Statement {found.number} approved. The provider has been emailed",
        form=form,
    )


@bp.route("/statements/<int:statement_id>/query", methods=["GET", "POST"])
@requires("manage_contracts")
def query_statement(statement_id: int) -> ResponseReturnValue:
    found = statements.statement_for_staff(statement_id)
    form = forms.QueryForm()
    form.show_version(found)
    done = handle_post(
        form,
        lambda: statements.query_statement(current_user, found, form.reason.data, seen=form.seen),
        to=_statement_url(found),
        message=f"Your question about statement {found.number} has been sent to the provider",
    )
    return done or render_template("contracts/query.html", form=form, statement=found)


@bp.route("/statements")
@requires("read_contracts")
def statements_list() -> ResponseReturnValue:
    """The council's statements: waiting for approval by default; by status, team and month."""
    status = request.args.get("status", "waiting")
    team = request.args.get("team") or None
    month = months.parse_month(request.args.get("month"))
    filters = statements.StatementFilters(
        status=status if status in STATEMENT_STATUSES else None,
        team=team if team in teams() else None,
        month=month,
    )
    return render_template(
        "contracts/statements.html",
        results=statements.council_statements(filters, page_number(request.args.get("page"))),
        filters=filters,
        teams=list(teams()),
        month_text=request.args.get("month", ""),
        to_export=finance_exports.waiting_to_export(),
    )


@bp.route("/finance-exports", methods=["GET", "POST"])
@requires("export_to_finance")
def finance_export_list() -> ResponseReturnValue:
    form = forms.FinanceExportForm()
    done = handle_post(
        form,
        lambda: finance_exports.make_finance_export(current_user),
        to=url_for("contracts.finance_export_list"),
        message=lambda export: (
            f"Export {export.id} made: {export.statement_count} "
            f"statement{'s' if export.statement_count != 1 else ''}, "
            f"{format_pence(export.total_pence)} in all. Download it below"
        ),
    )
    return done or render_template(
        "contracts/finance_exports.html",
        form=form,
        exports=finance_exports.finance_exports(),
        to_export=finance_exports.waiting_to_export(),
    )


@bp.route("/finance-exports/<int:export_id>/download")
@requires("export_to_finance")
def download_finance_export(export_id: int) -> Response:
    export = finance_exports.finance_export(export_id)
    return csv_download(export.content, finance_exports.export_filename(export))
