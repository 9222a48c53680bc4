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
@click.option("--rounds", type=int, default=None, help="Stop after this many polls (for tests).")
def worker(interval: float, rounds: int | None) -> None:
    """Deliver emails as they are queued, until stopped (Ctrl+C or SIGTERM)."""
    stop = threading.Event()
    # Stop between emails, never during one: an email sent but not yet marked sent would be sent
    # again by the next worker.
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    for signum in previous:
        signal.signal(signum, lambda *_: stop.set())
    click.echo("Outbox worker started. Press Ctrl+C to stop.")
    try:
        delivery.work(stop, interval, rounds=rounds)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo("Outbox worker stopped.")
