"""`flask outcomes remind`: tell providers an outcome's review date is coming. Safe to run at
any time and as often as wanted (from cron, say, every morning): each outcome is reminded of
once."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.contracts.services import catalogue, outcomes
from portal.core.db import db
from portal.core.time import format_date, today

outcomes_cli = AppGroup("outcomes", help="Contract outcomes: review reminders, the catalogue.")


@outcomes_cli.command("remind")
def remind() -> None:
    """Email the provider about each outcome still waiting for evidence whose review date is
    within two weeks (or past), once an outcome."""
    on = today()
    # Emails carry links, built from BASE_URL as a command has no request.
    with (
        current_app.test_request_context(base_url=current_app.config["BASE_URL"]),
        db.session.begin(),
    ):
        sent = outcomes.send_review_reminders(on)
    click.echo(f"Reminded providers of {sent} outcome review date(s) on {format_date(on)}.")


@outcomes_cli.command("seed")
def seed() -> None:
    """Give each starting lot without a catalogue its starting outcomes (production-safe)."""
    with db.session.begin():
        made = catalogue.ensure_starting_outcomes()
    click.echo(f"Created {made} outcome(s) in the catalogue.")
