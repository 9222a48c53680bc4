"""Capacity, at /capacity: a provider's own capacity per lot it is admitted to (publish, change,
confirm it is still right), and the council's search."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.capacity import forms, listing, rows_html, services
from portal.capacity.models import NEEDS, OLDEST, STALE_AFTER_DAYS, YOUNGEST, Capacity
from portal.core.exports import csv_and_xlsx, export
from portal.core.form_posts import handle_button, handle_post
from portal.core.forms import PageErrors, new_submission_id
from portal.core.pagination import page_number
from portal.core.permissions import can, requires, requires_org_role, requires_sign_in
from portal.core.time import today
from portal.lots.services import lot_choices
from portal.organisations.choosing import into_own_organisation
from portal.organisations.models import Organisation

bp = Blueprint("capacity", __name__, url_prefix="/capacity")
bp.add_app_template_global(services.confirmed_text, "capacity_confirmed_text")
bp.add_app_template_global(services.is_stale, "capacity_is_stale")
bp.add_app_template_global(rows_html.capacity_rows, "capacity_rows")


@bp.record_once
def _words(state: BlueprintSetupState) -> None:
    """The needs' names, for every page showing capacity (a placement request's too)."""
    state.app.jinja_env.globals["capacity_needs"] = NEEDS


def _overview_url(organisation: Organisation) -> str:
    return url_for("capacity.overview", organisation_id=organisation.id)


@bp.route("")
@requires_sign_in
def index() -> ResponseReturnValue:
    """Staff go to the search; a provider to its organisation's capacity (or chooses one)."""
    if current_user.is_staff:
        if not can(current_user, "search_capacity"):
            abort(403)
        return redirect(url_for("capacity.search"))
    return into_own_organisation(
        "capacity.overview",
        heading="Capacity",
        lead="Choose the organisation whose capacity you are publishing.",
    )


@bp.route("/organisations/<int:organisation_id>")
@requires_org_role()
def overview(organisation: Organisation) -> ResponseReturnValue:
    """Each lot the organisation is admitted to, with what it has published there."""
    return render_template(
        "capacity/overview.html",
        organisation=organisation,
        lots=services.capacity_of(organisation),
        stale_after_days=STALE_AFTER_DAYS,
        new_submission_id=new_submission_id,
    )


@bp.route("/organisations/<int:organisation_id>/lots/<int:lot_id>", methods=["GET", "POST"])
@requires_org_role()
def edit(organisation: Organisation, lot_id: int) -> ResponseReturnValue:
    """Publish or change the capacity on one lot (404 for a lot it is not admitted to)."""
    current = services.lot_capacity(organisation, lot_id)
    form = forms.CapacityForm()
    if request.method == "GET":
        _fill(form, current.capacity)
    done = handle_post(
        form,
        lambda: services.publish_capacity(
            current_user,
            organisation,
            lot_id,
            services.read_details(form.typed()),
            form.seen,
        ),
        to=_overview_url(organisation),
        message=f"Your capacity for {current.lot.name} has been published",
    )
    return done or render_template(
        "capacity/edit.html", organisation=organisation, current=current, form=form
    )


def _fill(form: forms.CapacityForm, capacity: Capacity | None) -> None:
    form.lock_version.data = str(capacity.lock_version) if capacity else "0"
    if capacity is None:
        return
    numbers = ("places_now", "places_next_term", "age_from", "age_to")
    form.fill_in({name: str(getattr(capacity, name)) for name in numbers})
    form.needs.data = [row.need for row in capacity.needs]
    form.districts.data = ", ".join(row.district for row in capacity.districts)
    form.travel_support.data = "yes" if capacity.travel_support else "no"
    form.notes.data = capacity.notes


@bp.route("/organisations/<int:organisation_id>/lots/<int:lot_id>/confirm", methods=["POST"])
@requires_org_role()
def confirm(organisation: Organisation, lot_id: int) -> Response:
    """One click: the capacity on the lot is still right."""
    form = forms.ConfirmForm()
    return handle_button(
        lambda: services.confirm_capacity(current_user, organisation, lot_id, form.seen),
        _overview_url(organisation),
        message=lambda capacity: f"You have confirmed your capacity for {capacity.lot.name}",
        form=form,
    )


@bp.route("/search")
@requires("search_capacity")
def search() -> ResponseReturnValue:
    """The council's search: by type of service, age, needs, district, fewest places, and
    confirmed only. Filters that cannot be read are shown as errors, and nothing is searched."""
    lots = lot_choices()
    typed, filters, errors = listing.read_filters(
        request.args, request.args.getlist("needs"), [lot.id for lot in lots]
    )
    results = (
        None if errors else listing.search_page(filters, page_number(request.args.get("page")))
    )
    return render_template(
        "capacity/search.html",
        lots=lots,
        typed=typed,
        results=results,
        form=PageErrors(errors),
        youngest=YOUNGEST,
        oldest=OLDEST,
    )


@csv_and_xlsx(bp, "/search/export")
@requires("search_capacity")
def export_search(spreadsheet: bool) -> ResponseReturnValue:
    """What the search finds, every page of it, as CSV or XLSX; filters that cannot be read
    go back to the search, which explains them."""
    lots = lot_choices()
    _typed, filters, errors = listing.read_filters(
        request.args, request.args.getlist("needs"), [lot.id for lot in lots]
    )
    if errors:
        query = request.query_string.decode()
        return redirect(f"{url_for('capacity.search')}?{query}")
    return export(
        listing.export_rows(filters),
        f"capacity-{today().isoformat()}",
        spreadsheet=spreadsheet,
        sheet_name="Capacity",
    )
