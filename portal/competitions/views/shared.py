"""The competitions blueprint, and the pages both sides open: the list, a competition's page
and its files (each shown as the signed-in person's side may see it), and the open data."""

from __future__ import annotations

import json

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user

from portal.competitions import clock, ocds
from portal.competitions.models import DRAFT
from portal.competitions.services import (
    awarding,
    clarifications,
    common,
    drafting,
    evaluating,
    lists,
    quoting,
)
from portal.competitions.views import list_rows
from portal.core.numbers import whole_number
from portal.core.pagination import page_number
from portal.core.permissions import public, requires_sign_in
from portal.documents import files, uploads

bp = Blueprint("competitions", __name__, url_prefix="/competitions")
uploads.show_size_error_on_the_form(bp)


def _version(value: str | None) -> int | None:
    return whole_number(value)


def _show_url(competition_id: int) -> str:
    return url_for("competitions.show", competition_id=competition_id)


def _show(competition_id: int):
    return redirect(_show_url(competition_id))


@bp.route("")
@requires_sign_in
def index():
    number = page_number(request.args.get("page"))
    if current_user.is_staff:
        page = lists.competitions_for_staff(number)
        return render_template(
            "competitions/index_staff.html", page=page, rows=list_rows.staff_rows(page.items)
        )
    page = lists.opportunities_for(current_user, number)
    return render_template(
        "competitions/opportunities.html", page=page, rows=list_rows.opportunity_rows(page.items)
    )


@bp.route("/<int:competition_id>")
@requires_sign_in
def show(competition_id: int):
    if not current_user.is_staff:
        view = quoting.get_opportunity(current_user, competition_id)
        return render_template(
            "competitions/show_provider.html",
            view=view,
            stage=common.stage(view.competition, view.at),
            clarifications=clarifications.answered_clarifications(view.competition),
            is_open=clock.is_open(view.competition, view.at),
            questions_open=clock.questions_open(view.competition, view.at),
            deadline=clock.format_deadline,
            winner=awarding.winner_name(view.competition),
        )
    competition = common.get_competition(competition_id)
    at = clock.now()
    panel = evaluating.panel(competition)
    return render_template(
        "competitions/show_staff.html",
        competition=competition,
        at=at,
        stage=common.stage(competition, at),
        count=drafting.counts(competition),
        clarifications=clarifications.clarifications_of(competition),
        panel=panel,
        me=panel.place_of(current_user),
        sealed=clock.is_sealed(competition, at),
        problems=drafting.publish_problems(competition, at) if competition.status == DRAFT else [],
        capacity=drafting.matching_capacity_rows(competition)
        if competition.status == DRAFT and competition.is_placement
        else None,
        deadline=clock.format_deadline,
        winner=awarding.winner_name(competition),
        complete=awarding.evaluation_complete(competition),
    )


@bp.route("/<int:competition_id>/attachments/<int:competition_attachment_id>")
@requires_sign_in
def attachment(competition_id: int, competition_attachment_id: int):
    """One of the competition's files: for council staff, and for members of an invited
    organisation (404 for anyone else)."""
    if current_user.is_staff:
        competition = common.get_competition(competition_id)
    else:
        competition = quoting.get_opportunity(current_user, competition_id).competition
    return files.redirect_to_download(
        lambda: drafting.competition_download(current_user, competition, competition_attachment_id)
    )


@bp.route("/<int:competition_id>/release-package")
@public
def release_package(competition_id: int):
    """The OCDS 1.1 release package: every release about a published competition (tender,
    amendments, award, cancellation), at a stable address."""
    return _open_data(ocds.release_package(competition_id))


@bp.route("/<int:competition_id>/record-package")
@public
def record_package(competition_id: int):
    """The OCDS 1.1 record package: the competition's ocid with each of its releases."""
    return _open_data(ocds.record_package(competition_id))


def _open_data(package: dict) -> Response:
    return Response(
        json.dumps(package, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Access-Control-Allow-Origin": "*"},
    )
