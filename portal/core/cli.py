"""Commands for the database schema, and the one way a domain's emailing job runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click
from flask.cli import AppGroup

from portal.core import migrations
from portal.core.db import db
from portal.core.urls import links_from_base_url

T = TypeVar("T")

db_cli = AppGroup("db", help="The database schema.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    migrations.upgrade(revision)
    click.echo(f"Database is at {revision}.")


def emailing_job(work: Callable[[], T], said: Callable[[T], str]) -> None:
    """Run `work` (a job that sends emails, from cron say) as one transaction, the links in its
    emails made from BASE_URL, then say what it did (`said` of what it returned) and let the
    session go, as a command's last step."""
    with links_from_base_url(), db.session.begin():
        done = work()
    click.echo(said(done))
    db.session.remove()
