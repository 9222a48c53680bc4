"""`flask quality ...`: the jobs of quality work. Each is safe to run at any time and as often
as wanted (from cron, say, every night)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core.db import db
from portal.core.time import format_date, today
from portal.quality.services import risk

quality_cli = AppGroup("quality", help="Quality: providers' risk ratings.")


@quality_cli.command("rate-risk")
def rate_risk() -> None:
    """Work out every provider's risk rating by the published rule and keep it; a change is
    audited and emailed to the quality officers."""
    day = today()
    # Emails carry links, built from BASE_URL as a command has no request.
    with (
        current_app.test_request_context(base_url=current_app.config["BASE_URL"]),
        db.session.begin(),
    ):
        changes = risk.refresh_all(day)
        for change in changes:
            click.echo(
                f"{change.organisation.display_name}: {change.before} to {change.after.rating}"
            )
    click.echo(f"{len(changes)} risk rating(s) changed on {format_date(day)}.")
    db.session.remove()
