"""Commands for the database schema."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.core import migrations

db_cli = AppGroup("db", help="The database schema.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    migrations.upgrade(revision)
    click.echo(f"Database is at {revision}.")
