from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from portal.admissions import services as admissions
from portal.admissions.held import admissions_held
from portal.applications import services as applications
from portal.core.db import db, round_trips_within
from portal.core.extensions import object_store
from portal.core.memo import read_together, reading_once
from portal.core.permissions import public, requires_sign_in
from portal.documents import services as documents
from portal.organisations import services as organisations
from portal.pages import services

bp = Blueprint("pages", __name__)


def _words_only(name: str):
    """A page of words, the same for everyone: its template, `pages/<name>.html`."""

    def view():
        return render_template(f"pages/{name}.html")

    view.__name__ = name
    return public(view)


for _rule, _name in (
    ("/", "start"),
    ("/accessibility", "accessibility"),
    ("/privacy", "privacy"),
    ("/cookies", "cookies"),
):
    bp.add_url_rule(_rule, _name, _words_only(_name))


@bp.route("/home")
@requires_sign_in
def home():
    if current_user.is_staff:
        return render_template(
            "pages/staff_home.html", waiting=services.waiting_for(current_user, [])
        )
    memberships = organisations.memberships_of(current_user)
    if not memberships:
        return redirect(url_for("organisations.create"))
    mine = [membership.organisation for membership in memberships]
    # The domains ask for some of the same rows (admissions, libraries, latest applications):
    # each is read once, the admissions and libraries together in one statement.
    with reading_once():
        read_together((admissions_held, documents.libraries_of), [o.id for o in mine])
        standings = admissions.standings_of(mine)
        latest = applications.latest_applications([o.id for o in mine])
        waiting = services.waiting_for(current_user, mine)
    return render_template(
        "pages/provider_home.html",
        memberships=memberships,
        standings=standings,
        applications=latest,
        waiting=waiting,
    )


@bp.route("/healthz")
@public
def healthz():
    """200 `ok` when the database and the object store answer; 503 naming what is down."""
    down = []
    # Each part gets a few seconds: a load balancer must hear "down" before its own timeout,
    # not a hung worker.
    seconds = current_app.config["HEALTHZ_TIMEOUT_SECONDS"]
    try:
        with round_trips_within(seconds):
            db.session.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.exception("Health check: database is not answering")
        down.append("database")
    try:
        object_store.ping(timeout=seconds)
    except Exception:
        current_app.logger.exception("Health check: object store is not answering")
        down.append("object store")
    if down:
        return f"down: {', '.join(down)}", 503, {"Content-Type": "text/plain"}
    return "ok", 200, {"Content-Type": "text/plain"}
