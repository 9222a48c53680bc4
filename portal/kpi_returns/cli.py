"""`flask kpi ...`: the jobs of KPI returns. Each is safe to run at any time and as often as
wanted (from cron, say, every morning)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.core.db import db
from portal.core.time import format_date
from portal.core.urls import links_from_base_url
from portal.kpi_returns import definitions, months, reminders

kpi_cli = AppGroup("kpi", help="KPI returns: reminders and the starting KPIs.")


@kpi_cli.command("remind")
def remind() -> None:
    """Email reminders 5 and 1 working days before a return is due, and a chaser (opening an
    escalation) the day after it is missed."""
    on = months.current_day()
    with links_from_base_url():
        sent = reminders.send_reminders(on)
    click.echo(f"Sent {sent} KPI return reminder(s) for {format_date(on)}.")
    db.session.remove()


@kpi_cli.command("seed")
def seed() -> None:
    """Create the starting KPIs if they are missing (production-safe)."""
    with db.session.begin():
        created = definitions.ensure_starting_kpis()
    click.echo(f"Created {created} KPI(s).")
