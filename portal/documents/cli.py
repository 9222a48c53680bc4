"""`flask documents ...`: the jobs that keep documents safe, in date and in step with the store.
Each is safe to run at any time and as often as wanted (from cron, say, once a day)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.core.db import db
from portal.core.time import format_date, today
from portal.core.urls import links_from_base_url
from portal.documents import files, services

documents_cli = AppGroup("documents", help="Evidence documents: reminders, retention, the store.")


@documents_cli.command("remind")
def remind() -> None:
    """Email organisations about documents expiring within 60, 30, 14 and 1 days."""
    on = today()
    with links_from_base_url():
        sent = services.send_reminders(on)
    click.echo(f"Sent {sent} expiry reminder(s) for {format_date(on)}.")
    db.session.remove()


@documents_cli.command("retention")
def retention() -> None:
    """Delete from the store the files kept past their time: DBS certificate copies six months
    after upload. Each record stays, with an audit event saying when and why."""
    removed = files.apply_retention()
    for stored in removed:
        click.echo(
            f"Deleted file {stored.id} of {files.owner_of(stored)}, uploaded "
            f"{format_date(stored.uploaded_at)}: {files.RETENTION_REASON}."
        )
    click.echo(f"Deleted {len(removed)} file(s) past their retention date.")
    db.session.remove()


@documents_cli.command("scan")
def scan() -> None:
    """Virus-check the files kept while the scanner was unavailable."""
    with links_from_base_url():
        counts = files.scan_pending(services.tell_of_virus)
    click.echo(", ".join(f"{number} {what}" for what, number in counts.items()) + ".")
    db.session.remove()


@documents_cli.command("reconcile")
def reconcile() -> None:
    """Find objects in the store with no record (deleted once an hour old) and records whose
    object has gone (marked missing, so the provider is asked for the file again)."""
    report = files.reconcile()
    for key in report.orphans_deleted:
        click.echo(f"Deleted orphaned object {key}.")
    for key in report.orphans_too_new:
        click.echo(f"Left {key}: no record yet, but it may be an upload in progress.")
    for stored in report.missing:
        click.echo(
            f"Missing object {stored.object_key} of file {stored.id} "
            f"({stored.original_filename!r}, {files.owner_of(stored)}): "
            "marked missing."
        )
    click.echo(
        f"Reconciled: {len(report.orphans_deleted)} orphaned object(s) deleted, "
        f"{len(report.missing)} missing file(s) marked."
    )
    db.session.remove()
