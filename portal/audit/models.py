from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow


class AuditEvent(Base):
    """One thing that happened. Never updated or deleted (guarded in services and, on
    PostgreSQL, by a trigger the migration installs)."""

    __tablename__ = "audit_events"
    # The audit log's filters, each read newest first (occurred_at, id) and a page at a time,
    # so a filtered page reads its fifty rows in order rather than every match sorted. The
    # action index also lists the kinds of event, one step per kind (services.event_types).
    # The unfiltered log is read by (occurred_at, id) too: by occurred_at alone, every event
    # sharing the newest moments (a bulk import, the bench's seed) was joined and sorted for one
    # page.
    __table_args__ = (
        Index("ix_audit_events_moment", "occurred_at", "id"),
        Index("ix_audit_events_action_moment", "action", "occurred_at", "id"),
        Index("ix_audit_events_actor_moment", "actor_id", "occurred_at", "id"),
        Index("ix_audit_events_object_moment", "object_type", "object_id", "occurred_at", "id"),
        Index("ix_audit_events_organisation_moment", "organisation_id", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # No ON DELETE: the log is append-only, so users are never deleted from under it.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column()
    organisation_id: Mapped[int | None] = mapped_column()
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip_address: Mapped[str | None] = mapped_column(String(45))
