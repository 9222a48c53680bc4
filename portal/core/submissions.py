"""Single-use form submissions, kept in the database.

A form that creates something carries a one-off id (`OnceOnlyForm.submission_id`). The first
POST with an id claims it with a row of its own; a second POST with the same id (a double click,
two tabs, a resend after a slow response) finds the row and is sent where the first one led
instead of creating a second copy.

The claim is an INSERT that does nothing on a conflict, in the request's own transaction. On
PostgreSQL a second INSERT of the same key waits until the first request's transaction ends, so
two identical POSTs at the same moment cannot both go ahead; on SQLite every transaction holds
the write lock (portal/core/db.py), which serialises them. The id used to live in the session
cookie, which two simultaneous requests each read before either wrote it back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_login import current_user
from sqlalchemy import String, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base, UTCDateTime, db
from portal.core.time import utcnow

# How long a claim is kept: long enough for any resend of the same page.
KEEP_FOR = timedelta(days=2)


class FormSubmission(Base):
    __tablename__ = "form_submissions"

    # Who submitted ("user:<id>", or "anonymous" for the registration form): ids are random,
    # but a claim is still only ever looked up by the person who made it.
    owner: Mapped[str] = mapped_column(String(40), primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Where the first POST led; empty while it is being handled, and left empty when the form
    # was refused (the person corrects it and sends the same id again, which must go through).
    result_url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _owner() -> str:
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "anonymous"


def previous_result(submission_id: str | None) -> str | None:
    """Claim `submission_id` for this request; if an earlier POST with it already succeeded,
    return where that one led (and the caller redirects there instead of acting again)."""
    if not submission_id or len(submission_id) > 64:
        return None
    values = {"owner": _owner(), "submission_id": submission_id, "created_at": utcnow()}
    insert = postgresql_insert if db.is_postgresql else sqlite_insert
    claimed = db.session.execute(
        insert(FormSubmission)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(FormSubmission.submission_id)
    ).first()
    if claimed:
        return None
    return db.session.scalar(
        select(FormSubmission.result_url).where(
            FormSubmission.owner == values["owner"],
            FormSubmission.submission_id == submission_id,
        )
    )


def remember_result(submission_id: str | None, url: str) -> None:
    """Record where the POST that claimed `submission_id` led, and let go of old claims."""
    if not submission_id or len(submission_id) > 64:
        return
    owner = _owner()
    db.session.execute(
        update(FormSubmission)
        .where(FormSubmission.owner == owner, FormSubmission.submission_id == submission_id)
        .values(result_url=url)
    )
    db.session.execute(
        delete(FormSubmission).where(
            FormSubmission.owner == owner, FormSubmission.created_at < utcnow() - KEEP_FOR
        )
    )
