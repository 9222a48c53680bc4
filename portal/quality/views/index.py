"""/quality: the council's quality work waiting (visits to record and publish, actions to decide,
overdue actions) or a provider's findings and action plan. Each side's page is put together
from parts (templates/quality/_*.html), so other parts of quality (review meetings) add theirs
beside these."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.core.permissions import can, requires_sign_in
from portal.core.time import today
from portal.quality.services import actions, visits
from portal.quality.views.shared import bp


@bp.route("")
@requires_sign_in
def index() -> ResponseReturnValue:
    if not current_user.is_staff:
        return render_template(
            "quality/index_provider.html",
            visits=visits.published_visits_for(current_user),
            actions=actions.actions_for_provider(current_user),
            on=today(),
        )
    if not can(current_user, "read_quality"):
        abort(403)
    return render_template(
        "quality/index_staff.html",
        visits=visits.council_visits(),
        actions=actions.council_actions(today()),
        on=today(),
    )
