"""The council's side of an application: who is reviewing it, comments, the private note and
the decisions made."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow


class Review(Base):
    """One per application, made when it is first submitted: who it is assigned to, who opened
    it first (the "first reviewer" four-eyes approval keeps apart from the approver), the
    council's private note and, under four-eyes, the approval waiting for a second reviewer."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Never shown to the provider.
    private_note: Mapped[str] = mapped_column(Text, default="")
    note_updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    note_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Four-eyes: the first reviewer's recommended outcome per lot, for a second to confirm.
    proposed_outcomes: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    proposed_reason: Mapped[str | None] = mapped_column(Text)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])


class ReviewComment(Base):
    """A reviewer's comment on one question of one submission. The provider sees it only once
    the application is returned (`shared_at`), beside the question it is about."""

    __tablename__ = "review_comments"
    __table_args__ = (UniqueConstraint("submission_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("application_submissions.id", ondelete="CASCADE")
    )
    question_id: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship()


RETURNED = "returned"
APPROVED = "approved"
REJECTED = "rejected"
DECISION_KINDS = (RETURNED, APPROVED, REJECTED)


class Decision(Base):
    """What the council decided about one submission, and why. At most one per submission: the
    unique constraint is the last word when two reviewers decide at once."""

    __tablename__ = "decisions"
    __table_args__ = (CheckConstraint(f"kind IN {DECISION_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("application_submissions.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    # Approvals: [{"lot": slug, "name": lot name, "admitted": bool, "reason": text}].
    # Rejections: [{"area": section id, "name": section title, "reason": text}].
    details: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Four-eyes: the reviewer whose recommendation this approval confirmed.
    recommended_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    recommended_by: Mapped[User | None] = relationship(foreign_keys=[recommended_by_id])
