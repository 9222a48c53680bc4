"""KPI returns, one blueprint for both sides: providers make their monthly returns (form or CSV),
amend them and answer the council's questions (`provider`); the council reads the dashboard,
trends and summaries, queries returns, locks months and works escalations (`council`); admins
define the KPIs at /admin/kpis (`admin`). `shared` holds the blueprint and what they share."""

from portal.kpi_returns.views import admin, council, provider  # noqa: F401 (their routes join bp)
from portal.kpi_returns.views.shared import bp

__all__ = ["bp"]
