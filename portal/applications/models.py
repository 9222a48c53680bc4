from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow
from portal.core.words import shown
from portal.organisations.models import Organisation
from portal.questionnaires.models import QuestionnaireVersion

DRAFT = "draft"
SUBMITTED = "submitted"
IN_REVIEW = "in_review"
RETURNED = "returned"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
STATUSES = (DRAFT, SUBMITTED, IN_REVIEW, RETURNED, APPROVED, REJECTED, WITHDRAWN)
# The provider may change answers only in these.
EDITABLE = (DRAFT, RETURNED)
# Not yet decided: an organisation has at most one of these at a time.
OPEN = (DRAFT, SUBMITTED, IN_REVIEW, RETURNED)
STATUS_LABELS = {
    DRAFT: "Draft",
    SUBMITTED: "Submitted",
    IN_REVIEW: "In review",
    RETURNED: "Returned to you",
    APPROVED: "Approved",
    REJECTED: "Not approved",
    WITHDRAWN: "Withdrawn",
}

_OPEN_SQL = text(f"status IN {OPEN!r}")


class Application(Base):
    """An organisation's application to join the framework, on the questionnaire version it
    was started on."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        # Two clicks on "Apply" (or two members at once) cannot open two applications.
        Index(
            "uq_applications_one_open_per_organisation",
            "organisation_id",
            unique=True,
            sqlite_where=_OPEN_SQL,
            postgresql_where=_OPEN_SQL,
        ),
        # The reviewers' queue: those waiting, oldest first (reviews.queue.queue).
        Index("ix_applications_status_submitted_at", "status", "submitted_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    # FLSF-2026-00042: given at the first submission, kept through resubmissions.
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    # Bumped by every change of status: a change made against an older value is refused.
    lock_version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    status_label = shown(STATUS_LABELS, "status")


class ApplicationSection(Base):
    """The answers to one section of the questionnaire ({question id: answer}, see
    portal/questionnaires/answers.py for their types)."""

    __tablename__ = "application_sections"
    __table_args__ = (UniqueConstraint("application_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    section_id: Mapped[str] = mapped_column(String(100))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Bumped by every save: a save made against an older version is someone else's change
    # being overwritten, so it is refused and both versions are shown.
    version: Mapped[int] = mapped_column(default=1)
    # The provider's "Yes, I've completed this section".
    completed: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    updated_by: Mapped[User | None] = relationship()


class ApplicationSubmission(Base):
    """What was submitted, frozen: the questionnaire as asked, the answers on the route and the
    organisation's details as they were. Copies and reviews are made from this alone."""

    __tablename__ = "application_submissions"
    __table_args__ = (UniqueConstraint("application_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()  # 1, then 2 for a resubmission, ...
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    declaration: Mapped[dict[str, Any]] = mapped_column(JSON)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The slugs of the lots applied for (also in the snapshot, which lists need not load).
    lots: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Failing pass/fail answers, for the reviewer: never a reason to reject on their own.
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
