"""A framework setting an admin has changed; a setting with no row has its environment default."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow


class FrameworkSetting(Base):
    __tablename__ = "framework_settings"

    # The setting's name in portal/config.py and the environment, e.g. REVIEW_SERVICE_LEVEL_DAYS.
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
