"""`flask quality ...`: the jobs of quality work: loading a checklist version, the overdue-action
reminders (every morning) and the providers' risk ratings (every night). Each is safe to run at
any time and as often as wanted."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.core.cli import emailing_job
from portal.core.db import db
from portal.core.time import format_date, today
from portal.core.urls import links_from_base_url
from portal.quality.services import actions, checklists, risk
from portal.questionnaires.schema import ContentError

quality_cli = AppGroup(
    "quality", help="Quality: checklist versions, overdue reminders, providers' risk ratings."
)


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
    emailing_job(
        lambda: actions.remind_overdue(day),
        lambda sent: f"Emailed about {sent} overdue action(s) on {format_date(day)}.",
    )


@quality_cli.command("rate-risk")
def rate_risk() -> None:
    """Work out every provider's risk rating by the published rule and keep it; a change is
    audited and emailed to the quality officers."""
    day = today()
    with links_from_base_url(), db.session.begin():
        changes = risk.refresh_all(day)
        for change in changes:
            click.echo(
                f"{change.organisation.display_name}: {change.before} to {change.after.rating}"
            )
    click.echo(f"{len(changes)} risk rating(s) changed on {format_date(day)}.")
    db.session.remove()
