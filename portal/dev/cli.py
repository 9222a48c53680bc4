"""`flask dev serve`: the portal on this machine, with its object store and virus scanner."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from werkzeug.serving import run_simple

from portal.config import INSTANCE_DIR
from portal.core import migrations
from portal.core.extensions import object_store
from portal.demo.cli import seed_demo
from portal.dev.clamd_server import ClamdServer, start_clamd
from portal.dev.seaweed import SeaweedServer, start_seaweed
from portal.outbox import delivery

dev_cli = AppGroup("dev", help="Run the portal on this machine.")


def _store_answers() -> bool:
    try:
        object_store.ping()
    except Exception:
        return False
    return True


def _start_object_store() -> SeaweedServer | None:
    """Start SeaweedFS on the configured port unless a store already answers there."""
    config = current_app.config
    if _store_answers():
        click.echo(f"Object store already running at {config['S3_ENDPOINT_URL']}.")
        return None
    port = urlsplit(config["S3_ENDPOINT_URL"]).port or 8333
    data_dir = Path(INSTANCE_DIR) / "object-store"
    data_dir.mkdir(parents=True, exist_ok=True)
    server = start_seaweed(
        data_dir, config["S3_ACCESS_KEY_ID"], config["S3_SECRET_ACCESS_KEY"], s3_port=port
    )
    click.echo(f"Object store (SeaweedFS) started at {server.endpoint_url}.")
    return server


def start_virus_scanner(directory: Path) -> ClamdServer | None:
    """Start a local clamd in `directory`, so uploads are virus-checked as in production, unless
    a scanner is configured already. Its signature database detects only the EICAR test file
    (as the tests' does: the real databases cannot be downloaded here). Without clamd installed,
    uploads are kept as "not scanned". Returns the ClamdServer to stop, or None."""
    config = current_app.config
    if config["CLAMD_SOCKET"] or config["CLAMD_HOST"]:
        click.echo(f"Virus scanner: clamd at {config['CLAMD_SOCKET'] or config['CLAMD_HOST']}.")
        return None
    try:
        server = start_clamd(directory)
    except FileNotFoundError:
        click.echo(
            "No virus scanner: clamd is not installed (apt-get install clamav-daemon), "
            'so uploads are marked "not scanned".'
        )
        return None
    config["CLAMD_SOCKET"] = str(server.socket_path)
    click.echo(f"Virus scanner (clamd, detecting the EICAR test file) started at {directory}.")
    return server


def _outbox_thread(app: Flask, stop: threading.Event) -> threading.Thread:
    def run() -> None:
        # The same loop as `flask outbox worker`: "database is locked" while a page writes is
        # waited out, never the end of the thread.
        with app.app_context():
            delivery.work(stop, 2)

    thread = threading.Thread(target=run, name="outbox", daemon=True)
    thread.start()
    return thread


@dev_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve(host: str, port: int) -> None:
    """Start the object store and a virus scanner, migrate, seed demo data and serve the
    portal."""
    # Flask types current_app as the app itself, not the proxy that has this method.
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    # Stopped by a signal rather than Ctrl+C, still stop the object store on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if not app.config["DEMO_MODE"]:
        raise click.ClickException("`flask dev serve` is for development (DEMO_MODE on) only.")
    if "BASE_URL" not in os.environ:
        # Links in emails must point at the port this server really listens on.
        app.config["BASE_URL"] = f"http://{host}:{port}"
    server = _start_object_store()
    scanner = None
    stop = threading.Event()
    try:
        object_store.ensure_bucket()
        scanner = start_virus_scanner(Path(INSTANCE_DIR) / "clamd")
        migrations.upgrade()
        click.get_current_context().invoke(seed_demo)
        _outbox_thread(app, stop)
        click.echo(
            f"Emails are written to {app.config['MAIL_DIR']} and listed at /dev/mail "
            "(signed in as an admin)."
        )
        click.echo(f"Serving the portal on http://{host}:{port}  (Ctrl+C to stop)")
        # run_simple, not app.run: Flask ignores app.run() inside a `flask` command.
        run_simple(host, port, app, threaded=True)
    finally:
        stop.set()
        if scanner is not None:
            scanner.stop()
            click.echo("Virus scanner stopped.")
        if server is not None:
            server.stop()
            click.echo("Object store stopped.")
