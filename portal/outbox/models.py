from __future__ import annotations

from datetime import datetime
from email.utils import make_msgid

from flask import current_app, has_app_context
from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
STATUSES = (PENDING, SENT, FAILED)


def new_message_id() -> str:
    """A Message-ID in the sender's domain, made once when the email is queued."""
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2] if has_app_context() else ""
    return make_msgid(domain=domain or "portal")


class OutboxEmail(Base):
    __tablename__ = "outbox_emails"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        Index("ix_outbox_emails_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # Every attempt sends the same Message-ID: if an email went out but its "sent" status was
    # lost, the copy sent again is recognisably the same message (mail clients merge them).
    message_id: Mapped[str] = mapped_column(String(250), unique=True, default=new_message_id)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
