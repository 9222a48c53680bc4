"""A development-only page listing every email the portal has queued, so someone trying the
portal with `make run` can follow the links in them (demo mode only, 404 otherwise; admins
only, as the emails hold password reset links)."""

from flask import Blueprint, render_template
from sqlalchemy import select

from portal.core.db import db
from portal.core.permissions import requires_development
from portal.outbox.models import FAILED, OutboxEmail

bp = Blueprint("outbox", __name__, url_prefix="/dev/mail")


@bp.route("")
@requires_development
def index():
    newest_first = select(OutboxEmail).order_by(OutboxEmail.id.desc())
    # Those it gave up on first, all of them: the administrator's home links here for them.
    failed = db.session.scalars(newest_first.where(OutboxEmail.status == FAILED)).all()
    emails = db.session.scalars(newest_first.limit(50)).all()
    return render_template("outbox/index.html", failed=failed, emails=emails)
