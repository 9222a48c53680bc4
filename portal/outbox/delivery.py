"""Deliver queued emails: each in its own short transaction, with retries and backoff.

On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so several workers can run side by
side without sending an email twice. SQLite (development only) has no row locks, so there each
delivery takes the database's write lock first and deliveries run one at a time.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.core.db import db
from portal.core.time import utcnow
from portal.integrations import email
from portal.outbox.models import FAILED, PENDING, SENT, OutboxEmail

BATCH_SIZE = 50


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 60))


def _claim_next() -> OutboxEmail | None:
    query = (
        select(OutboxEmail)
        .where(OutboxEmail.status == PENDING, OutboxEmail.next_attempt_at <= utcnow())
        .order_by(OutboxEmail.id)
        .limit(1)
    )
    if db.is_postgresql:
        query = query.with_for_update(skip_locked=True)
    return db.session.scalar(query)


def deliver_one() -> bool:
    """Try the next email that is due. Returns False when none is due."""
    with db.session.begin():
        message = _claim_next()
        if message is None:
            return False
        attempt(message)
        return True


def attempt(message: OutboxEmail) -> None:
    """Send `message` once, in the caller's transaction, and record how it went: sent, or tried
    again later (after a backoff), or failed for good after OUTBOX_MAX_ATTEMPTS."""
    try:
        email.send(
            message.to_address,
            message.subject,
            message.body,
            reference=f"outbox-{message.id}",
            message_id=message.message_id,
        )
    except Exception as error:  # any failure is retried later; the worker keeps going
        message.attempts += 1
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
            message.status = FAILED
            current_app.logger.error("Outbox email %s failed for good: %s", message.id, error)
        else:
            message.next_attempt_at = utcnow() + _backoff(message.attempts)
    else:
        message.attempts += 1
        message.status = SENT
        message.sent_at = utcnow()
        message.last_error = None


def deliver_due(limit: int = BATCH_SIZE) -> int:
    """Deliver up to `limit` due emails; returns how many were tried."""
    tried = 0
    while tried < limit and deliver_one():
        tried += 1
    return tried


def work(stop: threading.Event, interval: float, *, rounds: int | None = None) -> None:
    """Deliver emails as they fall due until `stop` is set (or after `rounds` polls, which tests
    use). A database that is down, locked or slow is logged and waited out, the waits doubling
    up to a minute, so a worker never needs a restart; a mail server that is down is handled
    per email, by its retries (`deliver_one`)."""
    failures = 0
    done = 0
    while not stop.is_set() and (rounds is None or done < rounds):
        done += 1
        try:
            delivered = deliver_one()
        except Exception:
            failures += 1
            pause = min(max(interval, 0.1) * 2**failures, 60)
            current_app.logger.exception(
                "Outbox worker: the database failed (%s in a row); trying again in %g s",
                failures,
                pause,
            )
            stop.wait(pause)
            continue
        finally:
            # A fresh session each round: one whose connection failed is never reused.
            db.session.remove()
        failures = 0
        if not delivered:
            stop.wait(interval)
