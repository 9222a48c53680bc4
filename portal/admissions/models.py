"""Admissions: an organisation on one lot of the framework, made by an approval (see
portal/reviews/), then suspended, reinstated or removed by a reviewer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow
from portal.core.words import shown
from portal.lots.models import Lot
from portal.organisations.models import Organisation, OrganisationOwned

ADMITTED = "admitted"
SUSPENDED = "suspended"
REMOVED = "removed"
ADMISSION_STATUSES = (ADMITTED, SUSPENDED, REMOVED)
ADMISSION_LABELS = {ADMITTED: "On the framework", SUSPENDED: "Suspended", REMOVED: "Removed"}
ADMISSION_COLOURS = {ADMITTED: "green", SUSPENDED: "orange", REMOVED: "red"}


class Admission(OrganisationOwned, Base):
    """An organisation on one lot of the framework. Made by an approval; suspended, reinstated
    or removed by a reviewer, each with a reason (the history is in the audit log)."""

    __tablename__ = "admissions"
    __table_args__ = (
        UniqueConstraint("organisation_id", "lot_id"),
        CheckConstraint(f"status IN {ADMISSION_STATUSES!r}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ADMITTED)
    # The approval that admitted it (the latest, after a removal and a new application).
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_reason: Mapped[str | None] = mapped_column(Text)
    # Bumped by every change: a change made against an older value is refused.
    lock_version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    lot: Mapped[Lot] = relationship()

    status_label = shown(ADMISSION_LABELS, "status")
    status_colour = shown(ADMISSION_COLOURS, "status")
