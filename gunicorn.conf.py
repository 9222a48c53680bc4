"""gunicorn reads this file from the directory it starts in: the worker timeout comes from the
portal's own WORKER_TIMEOUT_SECONDS, which the virus scan's time limit is checked against
(portal/config.py), so the two cannot drift apart."""

from portal.config import load_config

timeout = load_config()["WORKER_TIMEOUT_SECONDS"]


def on_starting(server) -> None:
    """Refuse a --timeout given on the command line that is shorter than the setting: a slow
    virus scan would then outlast the worker."""
    if 0 < server.cfg.timeout < timeout:
        raise SystemExit(
            f"gunicorn's --timeout ({server.cfg.timeout}) is shorter than WORKER_TIMEOUT_SECONDS "
            f"({timeout}): set WORKER_TIMEOUT_SECONDS instead of --timeout."
        )
