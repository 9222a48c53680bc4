"""The providers on the framework, for council staff (/reviews/providers): the list with its
exports and each provider's admissions, where reviewers and admins suspend, reinstate or
remove one (/reviews/admissions/...). The rules are in portal/admissions/services.py."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.admissions import services as admissions
from portal.admissions.models import ADMISSION_LABELS
from portal.admissions.reviewers_list import providers_for_reviewers
from portal.core.exports import csv_and_xlsx, export
from portal.core.form_posts import handle_post
from portal.core.pagination import page_number
from portal.core.permissions import requires
from portal.core.time import today
from portal.lots.services import lot_choices
from portal.quality.services.record import provider_record
from portal.quality.services.risk import rating_of
from portal.reviews import forms
from portal.reviews.views.provider_rows import provider_rows
from portal.reviews.views.shared import bp

read_providers = requires("read_providers")
change_admissions = requires("change_admissions")


@bp.errorhandler(admissions.AdmissionError)
def refused(error: admissions.AdmissionError):
    """A change that cannot be made (a colleague got there first, or the status does not allow
    it): back to the provider's page, saying why."""
    assert request.view_args is not None  # raised by one of this blueprint's routes
    admission = admissions.get_admission(request.view_args["admission_id"])
    flash(error.message)
    return redirect(_provider_url(admission.organisation_id))


def _provider_url(organisation_id: int) -> str:
    return url_for("reviews.provider", organisation_id=organisation_id)


@bp.route("/providers")
@read_providers
def reviewer_providers():
    lots = lot_choices()
    filters = admissions.ProviderFilters.from_args(request.args, lots)
    results = providers_for_reviewers(filters, page_number(request.args.get("page")), today(), lots)
    return render_template(
        "reviews/reviewer_providers.html",
        lots=lots,
        filters=filters,
        statuses=ADMISSION_LABELS,
        results=results,
        rows=provider_rows(results.items),
    )


@csv_and_xlsx(bp, "/providers/export")
@read_providers
def export_providers(spreadsheet: bool) -> Response:
    filters = admissions.ProviderFilters.from_args(request.args, lot_choices())
    return export(
        admissions.export_providers_rows(filters, today()),
        f"providers-{today().isoformat()}",
        spreadsheet=spreadsheet,
        sheet_name="Providers",
    )


@bp.route("/providers/<int:organisation_id>")
@read_providers
def provider(organisation_id: int):
    """The provider's whole record (portal/quality/services/record.py)."""
    record = provider_record(organisation_id, today())
    return render_template("reviews/reviewer_provider.html", record=record, row=record.row)


# What each confirmation page says: heading, button, hint for the reason, success banner.
WORDING = {
    admissions.SUSPEND: (
        "Suspend {name} from {lot}?",
        "Suspend provider",
        "Say what they need to put right. The provider's members will see this.",
        "{name} has been suspended from {lot}",
    ),
    admissions.REINSTATE: (
        "Reinstate {name} to {lot}?",
        "Reinstate provider",
        "Say what has been put right. The provider's members will see this.",
        "{name} has been reinstated to {lot}",
    ),
    admissions.REMOVE: (
        "Remove {name} from {lot}?",
        "Remove provider",
        "Say why. The provider's members will see this, and can apply again later.",
        "{name} has been removed from {lot}",
    ),
}


def _confirm(admission_id: int, move: admissions.Move, change):
    """The confirmation page for `move`, and on a valid POST `change` (a service), once."""
    admission = admissions.get_admission(admission_id)
    heading, button, hint, done = (
        text.format(name=admission.organisation.display_name, lot=admission.lot.name)
        for text in WORDING[move]
    )
    form = forms.move_form(button, hint)
    posted = handle_post(
        form,
        lambda: change(current_user, admission, form.reason.data, form.seen),
        to=_provider_url(admission.organisation_id),
        message=done,
        refused=(),  # `refused` above takes the reviewer back to the provider's page
    )
    if posted:
        return posted
    admissions.check_move(admission, move)
    if request.method == "GET":
        form.lock_version.data = str(admission.lock_version)
        if move is admissions.SUSPEND and request.args.get("because") == "risk":
            # From the record page's button at high risk: the rating's reasons, to edit.
            form.reason.data = rating_of(admission.organisation_id, today()).summary
    return render_template(
        "reviews/confirm_move.html",
        form=form,
        admission=admission,
        heading=heading,
        move=move,
        reason_limit=admissions.REASON_MAX_LENGTH,
    )


@bp.route("/admissions/<int:admission_id>/suspend", methods=["GET", "POST"])
@change_admissions
def suspend(admission_id: int):
    return _confirm(admission_id, admissions.SUSPEND, admissions.suspend)


@bp.route("/admissions/<int:admission_id>/reinstate", methods=["GET", "POST"])
@change_admissions
def reinstate(admission_id: int):
    return _confirm(admission_id, admissions.REINSTATE, admissions.reinstate)


@bp.route("/admissions/<int:admission_id>/remove", methods=["GET", "POST"])
@change_admissions
def remove(admission_id: int):
    return _confirm(admission_id, admissions.REMOVE, admissions.remove)
