import signal
import threading

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
    """Deliver emails as they are queued, until stopped (Ctrl+C or SIGTERM)."""
    stop = threading.Event()
    # Stop between emails, never during one: an email sent but not yet marked sent would be sent
    # again by the next worker.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    click.echo("Outbox worker started. Press Ctrl+C to stop.")
    while not stop.is_set():
        if not delivery.deliver_one():
            stop.wait(interval)
        db.session.remove()
    click.echo("Outbox worker stopped.")
