from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow

DRAFT = "draft"
PUBLISHED = "published"
RETIRED = "retired"
STATUSES = (DRAFT, PUBLISHED, RETIRED)


class QuestionnaireVersion(Base):
    """One version of the questionnaire, loaded from its file. New applications start on the
    published one; an application keeps the version it started on."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        # At most one version is published, even if two admins publish at the same moment.
        Index(
            "uq_questionnaire_versions_one_published",
            "status",
            unique=True,
            sqlite_where=text("status = 'published'"),
            postgresql_where=text("status = 'published'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(Text)
    # About 80 KB of JSON: loaded only when questionnaires.content_of has not yet parsed this
    # version in this process (it keeps each version's Content), not with every version read.
    content: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    source_sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
