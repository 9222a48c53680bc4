"""`flask contracts ...`: the jobs of call-off contracts. Each is safe to run at any time and as
often as wanted (from cron, say, every morning)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.contracts.services import catalogue, delivery, outcomes
from portal.core.cli import emailing_job
from portal.core.db import db
from portal.core.time import format_date, today
from portal.core.urls import links_from_base_url
from portal.kpi_returns import months

contracts_cli = AppGroup(
    "contracts", help="Call-off contracts: reminders, the starting outcome catalogue."
)


@contracts_cli.command("remind")
def remind() -> None:
    """Email reminders of monthly delivery due within five working days, and overdue; and of
    each outcome still waiting for evidence whose review date is within two weeks (or past).
    Each reminder once."""
    on = months.current_day()
    with links_from_base_url():
        sent = delivery.send_reminders(on)
    click.echo(f"Sent {sent} delivery reminder(s) for {format_date(on)}.")
    db.session.commit()  # end what reading the months began, before the outcomes' own
    day = today()
    emailing_job(
        lambda: outcomes.send_review_reminders(day),
        lambda reminded: (
            f"Reminded providers of {reminded} outcome review date(s) on {format_date(day)}."
        ),
    )


@contracts_cli.command("seed-outcomes")
def seed_outcomes() -> None:
    """Give each starting lot without a catalogue its starting outcomes (production-safe)."""
    with db.session.begin():
        made = catalogue.ensure_starting_outcomes()
    click.echo(f"Created {made} outcome(s) in the catalogue.")
