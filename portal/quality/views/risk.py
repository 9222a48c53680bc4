"""The published risk rule, for council staff: the points, the most each factor gives and the
thresholds, shown from the constants the rule itself uses (services/risk.py)."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from portal.core.permissions import requires
from portal.quality.models import MEETING_MONTHS, RISK_LABELS
from portal.quality.services import risk
from portal.quality.views.shared import bp


@bp.route("/risk-rule")
@requires("read_quality")
def risk_rule() -> ResponseReturnValue:
    return render_template(
        "quality/risk_rule.html",
        rule=risk.published_rule(),
        meeting_months=MEETING_MONTHS,
        risk_labels=RISK_LABELS,
    )
