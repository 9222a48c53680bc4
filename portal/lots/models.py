from __future__ import annotations

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base


class Lot(Base):
    __tablename__ = "lots"
    # Names are unique whatever their case, in the database too: two admins renaming two lots
    # to "Forest school" and "Forest School" at once (their slugs never change, so the slug's
    # unique key cannot tell) must not both land.
    __table_args__ = (Index("uq_lots_name_lower", text("lower(name)"), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
