"""Administrators' pages, one blueprint at /admin: council staff (`staff`), the KPI definitions
(`kpis`) and the questionnaire versions (`questionnaires`). Each calls its own domain's rules."""

from portal.admin.views import kpis, questionnaires, staff  # noqa: F401 (their routes join bp)
from portal.admin.views.shared import bp

__all__ = ["bp"]
