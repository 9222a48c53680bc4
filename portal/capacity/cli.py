"""`flask capacity ...`: the capacity job. Safe to run at any time and as often as wanted (from
cron, say, every morning)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.capacity.services import send_stale_reminders
from portal.core.db import db
from portal.core.urls import links_from_base_url

capacity_cli = AppGroup("capacity", help="Providers' capacity: reminders when it goes stale.")


@capacity_cli.command("remind")
def remind() -> None:
    """Email each provider whose capacity has gone out of date (not confirmed for 30 days),
    once each time it lapses."""
    with links_from_base_url(), db.session.begin():
        reminded = send_stale_reminders()
    click.echo(
        f"Reminded providers of {reminded} out-of-date capacit{'y' if reminded == 1 else 'ies'}."
    )
    db.session.remove()
