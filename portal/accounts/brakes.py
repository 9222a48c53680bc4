"""Brakes per email address: wrong passwords and codes before a lock, and how many emails the
anonymous forms may send to one address in an hour.

Each event is counted by one INSERT ... ON CONFLICT DO UPDATE ... RETURNING, so simultaneous
requests each see their own number (a read, an add in Python and a write lose counts: 20
simultaneous wrong passwords were once checked 12 to 16 times against a limit of 5). The row
is kept per address typed, whether or not it has an account, so the answers are the same for
both.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from flask import current_app
from sqlalchemy import Table, and_, case, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from portal.accounts.models import AddressBrake
from portal.core.db import db
from portal.core.time import utcnow

SIGN_IN = "sign-in"
# Emails are counted per kind, so that a flood of one kind never holds back another (five
# "you already have an account" emails must not stop the owner's reset link).
EMAIL_WINDOW = timedelta(hours=1)
EMAILS_PER_WINDOW = 5
# Written with Core statements (upserts, conditional updates). A mapped class's __table__ is its
# Table; SQLAlchemy types it as the wider FromClause.
_TABLE = cast(Table, AddressBrake.__table__)


@dataclass(frozen=True)
class Count:
    number: int  # this event's place in the window, counting from 1
    locked_until: datetime | None


def _key(purpose: str, address: str) -> str:
    # Keyed, so the table cannot be read back into a list of addresses.
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{purpose}:{address}".encode(), hashlib.sha256).hexdigest()


def _count(purpose: str, address: str, window: timedelta) -> Count:
    """Count one more event for `address`, starting a new window when the last one has passed
    (and any lock with it).

    On PostgreSQL the row stays locked until the request commits, so a second attempt at the
    same address waits for the first to be decided: the count it sees is never stale.
    """
    now = utcnow()
    table = _TABLE
    insert = postgresql.insert if db.is_postgresql else sqlite.insert
    expired = or_(
        table.c.locked_until <= now,
        and_(table.c.locked_until.is_(None), table.c.window_started_at <= now - window),
    )
    key = _key(purpose, address)
    statement = (
        insert(table)
        .values(key=key, count=1, window_started_at=now, locked_until=None)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((expired, 1), else_=table.c.count + 1),
                "window_started_at": case((expired, now), else_=table.c.window_started_at),
                "locked_until": case((expired, None), else_=table.c.locked_until),
            },
        )
        .returning(table.c.count, table.c.locked_until)
    )
    number, locked_until = db.session.execute(statement).one()
    _forget_old_windows(key, now)
    return Count(number, locked_until)


def _forget_old_windows(key: str, now: datetime) -> None:
    """Delete a few rows whose window has long passed (most are addresses typed once), skipping
    any another request holds, so that two requests pruning at once never wait on each other."""
    table = _TABLE
    oldest = now - max(EMAIL_WINDOW, _lock_length())
    stale = (
        select(table.c.key)
        .where(
            table.c.key != key,
            table.c.window_started_at < oldest,
            or_(table.c.locked_until.is_(None), table.c.locked_until < now),
        )
        .limit(100)
    )
    if db.is_postgresql:
        stale = stale.with_for_update(skip_locked=True)
    db.session.execute(delete(table).where(table.c.key.in_(stale)))


def _lock_length() -> timedelta:
    return timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])


# Signing in ----------------------------------------------------------------------------------


def claim_sign_in_attempt(address: str) -> int | None:
    """Count an attempt at the password (or two-factor code) of `address` before it is checked,
    and return its number in the window.

    None when the address is locked, or when the limit's worth of attempts have been claimed
    already: such an attempt must not be checked at all, so that however many arrive at once,
    no more than LOCKOUT_ATTEMPTS are ever checked in a window.
    """
    count = _count(SIGN_IN, address, _lock_length())
    if count.locked_until is not None and count.locked_until > utcnow():
        return None
    if count.number > current_app.config["LOCKOUT_ATTEMPTS"]:
        return None
    return count.number


def sign_in_failed(address: str, number: int) -> bool:
    """Record that claimed attempt `number` was wrong, locking the address when it was the last
    one allowed. True when it locked the address."""
    if number < current_app.config["LOCKOUT_ATTEMPTS"]:
        return False
    table = _TABLE
    db.session.execute(
        table.update()
        .where(table.c.key == _key(SIGN_IN, address))
        .values(locked_until=utcnow() + _lock_length())
    )
    return True


def release_sign_in_attempt(address: str) -> None:
    """Take back a claimed attempt that was right: a staff member's password, whose two-factor
    code is still to come. The count is not cleared, so a known password buys no fresh guesses
    at the code."""
    table = _TABLE
    db.session.execute(
        table.update()
        .where(table.c.key == _key(SIGN_IN, address), table.c.count > 0)
        .values(count=table.c.count - 1)
    )


def clear_sign_in_attempts(address: str) -> None:
    """Forget the address's wrong attempts: the right password (or code) was given, or its
    owner has just proved they read its inbox by resetting the password."""
    table = _TABLE
    db.session.execute(delete(table).where(table.c.key == _key(SIGN_IN, address)))


# Emails to an address ------------------------------------------------------------------------


def may_email(kind: str, address: str) -> bool:
    """Whether another email of `kind` may go to `address` this hour.

    Past the limit the form answers exactly as before but sends nothing: the page must not
    refuse the owner (five requests from anywhere once blocked the owner's own reset for an
    hour), and the owner already has an email of this kind from within the hour, whose link
    still works (links last at least an hour), so nothing is lost by not sending another.
    """
    return _count(f"email:{kind}", address, EMAIL_WINDOW).number <= EMAILS_PER_WINDOW
