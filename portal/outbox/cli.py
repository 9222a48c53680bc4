import time

import click
from flask.cli import AppGroup

from portal.core.db import db
from portal.outbox import delivery

outbox_cli = AppGroup("outbox", help="Deliver queued emails.")


@outbox_cli.command("send")
@click.option("--limit", default=delivery.BATCH_SIZE, show_default=True)
def send(limit: int) -> None:
    """Deliver the emails that are due, then stop."""
    tried = delivery.deliver_due(limit)
    click.echo(f"Tried {tried} email(s).")
    db.session.remove()


@outbox_cli.command("worker")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
def worker(interval: float) -> None:
    """Deliver emails as they are queued, until stopped."""
    click.echo("Outbox worker started. Press Ctrl+C to stop.")
    try:
        while True:
            if delivery.deliver_due() == 0:
                time.sleep(interval)
            db.session.remove()
    except KeyboardInterrupt:
        click.echo("Outbox worker stopped.")
