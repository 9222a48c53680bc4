"""`flask quality ...`: loading a checklist version, and the overdue-action reminders (safe to
run at any time and as often as wanted, from cron, say, every morning)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core.db import db
from portal.core.time import format_date, today
from portal.quality.services import actions, checklists
from portal.questionnaires.schema import ContentError

quality_cli = AppGroup("quality", help="Quality visits: checklist versions, overdue reminders.")


@quality_cli.command("load-checklist")
@click.argument("file", required=False)
def load_checklist(file: str | None) -> None:
    """Check FILE (by default the shipped checklist) and load it as a checklist version; visits
    planned from then on use the newest version."""
    try:
        with db.session.begin():
            version, created = checklists.load_version(file or checklists.SHIPPED)
            items = len(checklists.checklist_of(version).items)
            title, number = version.title, version.version
    except ContentError as error:
        # The message names the file, the line and the problem: a trace would only hide it.
        click.echo(f"Not loaded. {error}", err=True)
        raise SystemExit(1) from None
    if created:
        click.echo(f"Loaded checklist version {number}, {title}: {items} items.")
    else:
        click.echo(
            f"Checklist version {number} is already loaded with this content ({items} items): "
            "nothing changed."
        )


@quality_cli.command("remind")
def remind() -> None:
    """Email each overdue action once, to the provider's members and the quality officers."""
    day = today()
    # Emails carry links, built from BASE_URL as a command has no request.
    with (
        current_app.test_request_context(base_url=current_app.config["BASE_URL"]),
        db.session.begin(),
    ):
        sent = actions.remind_overdue(day)
    click.echo(f"Emailed about {sent} overdue action(s) on {format_date(day)}.")
    db.session.remove()
