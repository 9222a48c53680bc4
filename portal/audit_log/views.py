"""The audit log: administrators read and export it, filtered; reviewers read one organisation's
history from its record. Every reading is itself recorded."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from portal.audit_log import forms, rows_html, services
from portal.core.exports import csv_and_xlsx, streamed_export
from portal.core.numbers import whole_number
from portal.core.permissions import requires
from portal.core.time import today

bp = Blueprint("audit", __name__)
bp.add_app_template_global(rows_html.event_rows, "audit_event_rows")

admins_only = requires("read_audit_log")


def _filters(form: forms.AuditFilterForm) -> services.AuditFilters | None:
    """The filters in the query string, or None with the form's errors set."""
    if not form.validate():
        return None
    try:
        return services.resolve_filters(**form.filter_values())
    except services.FilterProblem as problem:
        for field, message in problem.errors.items():
            form.add_error(field, message)
        return None


def _cursor(name: str) -> int | None:
    return whole_number(request.args.get(name))


def page_url(**cursor: int) -> str:
    """This page again with the same filters, reading on from another event."""
    args: dict[str, Any] = {
        key: values
        for key, values in request.args.to_dict(flat=False).items()
        if key not in ("before", "after")
    }
    assert request.endpoint is not None  # a route of this blueprint is handling the request
    return url_for(request.endpoint, **{**(request.view_args or {}), **args, **cursor})


@bp.route("/admin/audit")
@admins_only
def index():
    form = forms.AuditFilterForm(request.args, services.event_types())
    filters = _filters(form)
    page = None
    if filters is not None:
        page = services.event_page(filters, before=_cursor("before"), after=_cursor("after"))
        services.record_reading(current_user, filters)
    return render_template(
        "audit/index.html", form=form, filters=filters, page=page, page_url=page_url
    )


@csv_and_xlsx(bp, "/admin/audit/export")
@admins_only
def export(spreadsheet: bool):
    form = forms.AuditFilterForm(request.args, services.event_types())
    filters = _filters(form)
    if filters is None:
        return render_template(
            "audit/index.html", form=form, filters=None, page=None, page_url=page_url
        )
    services.record_reading(current_user, filters, exported="xlsx" if spreadsheet else "csv")
    return streamed_export(
        services.export_rows(filters),
        f"audit-log-{today().isoformat()}",
        spreadsheet=spreadsheet,
        sheet_name="Audit log",
    )


@bp.route("/reviews/providers/<int:organisation_id>/history")
@requires("read_organisation_history")
def organisation_history(organisation_id: int):
    found = services.organisation_history(
        current_user, organisation_id, before=_cursor("before"), after=_cursor("after")
    )
    if found is None:
        abort(404)
    organisation, page = found
    return render_template(
        "audit/organisation_history.html",
        organisation=organisation,
        page=page,
        page_url=page_url,
    )
