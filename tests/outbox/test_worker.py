import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from portal.config import PROJECT_ROOT
from tests.outbox.helpers import add_emails, outbox


def _sent(app) -> bool:
    return outbox(app)[0].status == "sent"


def test_the_worker_delivers_queued_emails_until_stopped(make_app, database_url, tmp_path):
    app = make_app(MAIL_BACKEND="file", MAIL_DIR=str(tmp_path / "mail"))
    [email_id] = add_emails(app)
    environment = os.environ | {
        "PORTAL_ENV": "development",
        "DEMO_MODE": "off",
        "SECRET_KEY": app.config["SECRET_KEY"],
        "DATABASE_URL": database_url,
        "MAIL_BACKEND": "file",
        "MAIL_DIR": str(tmp_path / "mail"),
    }
    flask = Path(sys.executable).parent / "flask"
    worker = subprocess.Popen(  # noqa: S603 - our own command line
        [flask, "--app", "wsgi", "outbox", "worker", "--interval", "0.1"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # A generous wait for the worker to start and deliver, not a measure of its speed.
        deadline = time.monotonic() + 60
        while not _sent(app) and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)  # what a process manager sends
        output, _ = worker.communicate(timeout=30)

    assert _sent(app), output
    assert (tmp_path / "mail" / f"outbox-{email_id}.eml").exists()
    assert worker.returncode == 0, output
    assert output.splitlines() == [
        "Outbox worker started. Press Ctrl+C to stop.",
        "Outbox worker stopped.",
    ]
