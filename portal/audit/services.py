"""Write audit events (called by services, inside the request's transaction). Reading them is
portal/audit_log's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.core.db import db


def record_event(
    action: str,
    *,
    object_type: str,
    object_id: int | None,
    actor_id: int | None,
    organisation_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event: `action` is a dotted verb such as "organisation.updated"."""
    audit_event = AuditEvent(
        action=action,
        object_type=object_type,
        object_id=object_id,
        actor_id=actor_id,
        organisation_id=organisation_id,
        before=before,
        after=after,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(audit_event)
    return audit_event


def record_change(
    action: str,
    record: Any,
    user: Any | None,
    organisation_id: int | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str | None = None,
) -> AuditEvent:
    """Append an event about one record, by its id: `action` is "<type>.<verb>"
    ("statement.approved"), its type the record's unless `object_type` says otherwise ("user"
    for "staff.invited"); `user` is who made the change (None: the portal itself);
    `organisation_id` the organisation it concerns, if any."""
    return record_event(
        action,
        object_type=object_type or action.partition(".")[0],
        object_id=record.id,
        actor_id=user.id if user else None,
        organisation_id=organisation_id,
        before=before,
        after=after,
    )


def as_recorded(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` as an audit event keeps them: dates and times as ISO text."""
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in values.items()
    }


def fields_of(record: Any, names: Iterable[str]) -> dict[str, Any]:
    """The fields `names` of `record`, in that order, as an audit event keeps them."""
    return as_recorded({name: getattr(record, name) for name in names})


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that changed, as (before, after)."""
    changed = [key for key in after if before.get(key) != after[key]]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context, _instances) -> None:
    """The audit log is append-only: an update or delete of an event is a bug."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent):
            raise RuntimeError("Audit events are append-only.")
