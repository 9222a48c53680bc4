"""`flask capacity ...`: the capacity job. Safe to run at any time and as often as wanted (from
cron, say, every morning)."""

from __future__ import annotations

from flask.cli import AppGroup

from portal.capacity.services import send_stale_reminders
from portal.core.cli import emailing_job

capacity_cli = AppGroup("capacity", help="Providers' capacity: reminders when it goes stale.")


@capacity_cli.command("remind")
def remind() -> None:
    """Email each provider whose capacity has gone out of date (not confirmed for 30 days),
    once each time it lapses."""
    emailing_job(
        send_stale_reminders,
        lambda reminded: (
            f"Reminded providers of {reminded} out-of-date "
            f"capacit{'y' if reminded == 1 else 'ies'}."
        ),
    )
