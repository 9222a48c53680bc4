"""gunicorn takes its worker timeout from WORKER_TIMEOUT_SECONDS (gunicorn.conf.py), the setting
the virus scan's time limit is checked against, and refuses a shorter --timeout: a slow scan
can never outlast the worker that waits for it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from portal.config import PROJECT_ROOT

GUNICORN = Path(sys.executable).parent / "gunicorn"
DEVELOPMENT = {"SECRET_KEY": "a-development-secret-key-long-enough"}


def _gunicorn(*args: str, **settings: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GUNICORN), "wsgi:app", *args],
        cwd=PROJECT_ROOT,
        env=os.environ | DEVELOPMENT | settings,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_gunicorn_takes_its_worker_timeout_from_the_setting():
    # gunicorn's own reading of its command line and of gunicorn.conf.py, without serving.
    read = (
        "import sys; from gunicorn.app.wsgiapp import WSGIApplication; "
        "sys.argv = ['gunicorn', 'wsgi:app']; print(WSGIApplication().cfg.timeout)"
    )
    result = subprocess.run(
        [sys.executable, "-c", read],
        cwd=PROJECT_ROOT,
        env=os.environ | DEVELOPMENT | {"WORKER_TIMEOUT_SECONDS": "12"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "12\n"


def test_gunicorn_refuses_a_shorter_timeout_on_its_command_line():
    result = _gunicorn("--timeout", "5", "--bind", "127.0.0.1:0", WORKER_TIMEOUT_SECONDS="12")

    assert result.returncode != 0
    assert (
        "gunicorn's --timeout (5) is shorter than WORKER_TIMEOUT_SECONDS (12): set "
        "WORKER_TIMEOUT_SECONDS instead of --timeout."
    ) in result.stderr
