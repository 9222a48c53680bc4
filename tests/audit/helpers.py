"""Events in the audit log for the audit pages' tests, written as services write them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.audit.services import record_event
from portal.core.db import db
from portal.core.time import utcnow


def add_event(action: str, *, at: datetime | None = None, **fields) -> int:
    """One event, committed: its id."""
    fields.setdefault("object_type", "application")
    fields.setdefault("object_id", 1)
    fields.setdefault("actor_id", None)
    event = record_event(action, **fields)
    if at is not None:
        event.occurred_at = at
    db.session.commit()
    return event.id


def add_events(count: int, *, start: datetime | None = None, **fields) -> None:
    """`count` events a minute apart, oldest first, in one commit."""
    start = start or utcnow() - timedelta(days=1)
    for n in range(count):
        fields.setdefault("object_type", "application")
        fields.setdefault("actor_id", None)
        event = record_event(
            "application.submitted",
            object_id=fields.get("object_id", n + 1),
            **{k: v for k, v in fields.items() if k != "object_id"},
        )
        event.occurred_at = start + timedelta(minutes=n)
    db.session.commit()


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )
