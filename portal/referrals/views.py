"""Referrals, at /referrals: the council's referrals and time to place, and the public page
about the pathway."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.capacity.models import NEEDS
from portal.capacity.services import is_stale
from portal.core.exports import csv_and_xlsx, export
from portal.core.form_posts import handle_post
from portal.core.pagination import page_number
from portal.core.permissions import public, requires
from portal.core.time import today
from portal.lots.services import list_lots, lot_choices
from portal.referrals import forms
from portal.referrals.list_rows import referral_rows
from portal.referrals.models import (
    STATUS_LABELS,
    TARGET_SCHOOL_DAYS,
    URGENCY_LABELS,
    Referral,
)
from portal.referrals.services import common, listing, measures, path, recording

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
bp.add_app_template_global(referral_rows, "referral_rows")

reads = requires("read_referrals")
manages = requires("manage_referrals")


def show_url(referral_id: int) -> str:
    return url_for("referrals.show", referral_id=referral_id)


@bp.route("")
@reads
def index() -> ResponseReturnValue:
    lots, teams = lot_choices(), common.teams()
    filters = listing.Filters.from_args(request.args, lots, teams)
    return render_template(
        "referrals/index.html",
        page=listing.referrals_page(filters, page_number(request.args.get("page")), today()),
        filters=filters,
        lots=lots,
        teams=teams,
        statuses=listing.STATUS_FILTERS,
        urgencies=URGENCY_LABELS,
        target=TARGET_SCHOOL_DAYS,
    )


def _form() -> forms.ReferralForm:
    return forms.ReferralForm().with_choices(list_lots(), common.teams())


@bp.route("/new", methods=["GET", "POST"])
@manages
def new() -> ResponseReturnValue:
    form = _form()
    if request.method == "GET":
        form.received_on.data = today()
    done = handle_post(
        form,
        lambda: recording.record_referral(current_user, form.details()),
        to=lambda referral: show_url(referral.id),
        message=lambda referral: f"Referral {referral.reference} has been recorded",
    )
    return done or render_template("referrals/form.html", form=form, referral=None)


@bp.route("/<int:referral_id>")
@reads
def show(referral_id: int) -> ResponseReturnValue:
    referral = common.referral_for_staff(referral_id)
    confirmed_only = request.args.get("stale") != "yes"
    anywhere = request.args.get("anywhere") == "yes"
    return render_template(
        "referrals/show.html",
        referral=referral,
        linked=path.linked(referral, confirmed_only=confirmed_only, anywhere=anywhere, on=today()),
        confirmed_only=confirmed_only,
        anywhere=anywhere,
        needs=NEEDS,
        editable=referral.status in common.EDITABLE,
        days=_days(referral),
        target=TARGET_SCHOOL_DAYS,
        is_stale=is_stale,
    )


def _days(referral: Referral) -> int:
    return measures.school_days(referral.received_on, referral.started_on or today())


@bp.route("/<int:referral_id>/edit", methods=["GET", "POST"])
@manages
def edit(referral_id: int) -> ResponseReturnValue:
    referral = common.referral_for_staff(referral_id)
    form = _form()
    if request.method == "GET":
        if referral.status not in common.EDITABLE:
            abort(404)
        form.fill(referral)
    done = handle_post(
        form,
        lambda: recording.update_referral(current_user, referral, form.details(), form.seen),
        to=show_url(referral.id),
        message="Your changes have been saved",
    )
    return done or render_template("referrals/form.html", form=form, referral=referral)


@bp.route("/<int:referral_id>/close", methods=["GET", "POST"])
@manages
def close(referral_id: int) -> ResponseReturnValue:
    referral = common.referral_for_staff(referral_id)
    form = forms.CloseForm()
    if request.method == "GET":
        if referral.status not in common.EDITABLE:
            abort(404)
        form.lock_version.data = str(referral.lock_version)
    done = handle_post(
        form,
        lambda: recording.close_referral(current_user, referral, form.reason.data, form.seen),
        to=show_url(referral.id),
        message=f"Referral {referral.reference} has been closed",
    )
    return done or render_template("referrals/close.html", form=form, referral=referral)


@bp.route("/dashboard")
@reads
def dashboard() -> ResponseReturnValue:
    figures = measures.time_to_place(today(), common.teams())
    return render_template(
        "referrals/dashboard.html",
        figures=figures,
        charts=measures.charts(figures),
        target=TARGET_SCHOOL_DAYS,
        statuses=STATUS_LABELS,
    )


@csv_and_xlsx(bp, "/dashboard/export")
@reads
def export_dashboard(spreadsheet: bool) -> ResponseReturnValue:
    figures = measures.time_to_place(today(), common.teams())
    return export(
        measures.export_rows(figures),
        f"time-to-place-{today().isoformat()}",
        spreadsheet=spreadsheet,
        sheet_name="Time to place",
    )


@bp.route("/how-it-works")
@public
def how_it_works() -> ResponseReturnValue:
    return render_template(
        "referrals/how_it_works.html",
        target=TARGET_SCHOOL_DAYS,
        urgencies=URGENCY_LABELS,
        teams=common.teams(),
    )
