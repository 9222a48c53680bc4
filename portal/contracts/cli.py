"""`flask contracts ...`: the jobs of call-off contracts. Each is safe to run at any time and as
often as wanted (from cron, say, every morning)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.contracts.services import delivery
from portal.core.db import db
from portal.core.time import format_date
from portal.kpi_returns import months

contracts_cli = AppGroup("contracts", help="Call-off contracts: delivery reminders.")


@contracts_cli.command("remind")
def remind() -> None:
    """Email reminders of monthly delivery due within five working days, and overdue."""
    on = months.current_day()
    # Emails carry links, built from BASE_URL as a command has no request.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        sent = delivery.send_reminders(on)
    click.echo(f"Sent {sent} delivery reminder(s) for {format_date(on)}.")
    db.session.remove()
