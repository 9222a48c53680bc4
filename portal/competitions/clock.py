"""A competition's clock: the time every deadline is judged by (the database's, never the
browser's or a web server's), and what a moment means for a competition: open, sealed, taking
questions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from portal.competitions.models import DRAFT, PUBLISHED, Competition
from portal.core.db import db
from portal.core.time import DAY_NAMES, LONDON, MONTH_NAMES, as_utc

_SELECT_NOW = select(func.now())


def database_now() -> datetime:
    """The database's clock, in UTC: every deadline is judged by it, never by the browser's
    clock or a web server's. PostgreSQL's now() is the moment the transaction began, the same
    all through it, so it is asked once per transaction (a page may judge several deadlines),
    and not at all when a statement made anyway read it (loading the signed-in user does)."""
    if db.is_postgresql:
        moment = db.transaction_began()
        if moment is None:
            moment = db.keep_transaction_began(db.session.execute(_SELECT_NOW).scalar_one())
        return moment
    text = db.session.execute(select(func.strftime("%Y-%m-%d %H:%M:%f", "now"))).scalar_one()
    return as_utc(datetime.fromisoformat(text))


def now() -> datetime:
    """The time every deadline is judged by: the database's clock. Tests move it with the
    COMPETITION_CLOCK_OFFSET setting (a timedelta), so no test has to wait for a deadline."""
    return database_now() + current_app.config.get("COMPETITION_CLOCK_OFFSET", timedelta(0))


def london_today(at: datetime) -> date:
    return at.astimezone(LONDON).date()


def format_deadline(moment: datetime) -> str:
    """'12pm on Friday 5 March 2027': a deadline with the day of the week, London time."""
    local = as_utc(moment).astimezone(LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    time = f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"
    # format_date(local), without turning London time into London time again.
    return (
        f"{time} on {DAY_NAMES[local.weekday()]} {local.day} {MONTH_NAMES[local.month - 1]} "
        f"{local.year}"
    )


def is_open(competition: Competition, at: datetime) -> bool:
    return competition.status == PUBLISHED and at < competition.submission_deadline


def is_sealed(competition: Competition, at: datetime) -> bool:
    return competition.status == DRAFT or at < competition.submission_deadline


def questions_open(competition: Competition, at: datetime) -> bool:
    return competition.status == PUBLISHED and at < competition.clarification_deadline
