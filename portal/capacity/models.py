"""Capacity: what each provider says it can take, per lot it is admitted to (places now and next
term, ages, needs it supports, the postcode districts it serves, travel support), and when it
last confirmed it. Commissioners search it when a child needs a place; it is stale 30 days after
it was last confirmed, and shown as such.

Needs and districts are rows of their own, not lists in a column, so the search filters on them
in SQL on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow
from portal.lots.models import Lot
from portal.organisations.models import Organisation

# The controlled list of needs a provider supports (and a referral or placement request names).
NEEDS = {
    "semh": "Social, emotional and mental health (SEMH)",
    "asd": "Autism (ASD)",
    "adhd": "ADHD",
    "ebsa": "Emotionally-based school avoidance (EBSA)",
    "speech_language": "Speech, language and communication",
    "medical": "Medical needs",
    "sensory": "Hearing or visual impairment",
    "physical": "Physical disability",
    "post16": "Post-16",
    "ehcp": "SEND with an education, health and care plan (EHCP)",
}

# Capacity not confirmed for this many days is stale: shown as such, and its provider reminded.
STALE_AFTER_DAYS = 30

# The ages a provider may serve (years).
YOUNGEST = 4
OLDEST = 25


class Capacity(Base):
    """One provider's capacity on one lot it is admitted to."""

    __tablename__ = "capacities"
    __table_args__ = (
        UniqueConstraint("organisation_id", "lot_id"),
        CheckConstraint("places_now >= 0 AND places_next_term >= 0", name="places"),
        CheckConstraint(f"age_from >= {YOUNGEST} AND age_to <= {OLDEST}", name="ages"),
        CheckConstraint("age_from <= age_to", name="ages_in_order"),
        # The search's order (services.SEARCH_ORDER), read backward: a page checks capacities
        # in its own order and stops at its end, rather than sorting every match.
        Index("ix_capacities_search_order", "places_now", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    places_now: Mapped[int] = mapped_column()
    places_next_term: Mapped[int] = mapped_column()
    age_from: Mapped[int] = mapped_column()
    age_to: Mapped[int] = mapped_column()
    travel_support: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the provider was last reminded that it is stale (once per lapse).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    lot: Mapped[Lot] = relationship()
    confirmed_by: Mapped[User | None] = relationship()
    needs: Mapped[list[CapacityNeed]] = relationship(
        cascade="all, delete-orphan", order_by="CapacityNeed.need"
    )
    districts: Mapped[list[CapacityDistrict]] = relationship(
        cascade="all, delete-orphan", order_by="CapacityDistrict.district"
    )


class CapacityNeed(Base):
    """A need (one of NEEDS) a provider supports on a lot."""

    __tablename__ = "capacity_needs"
    __table_args__ = (
        UniqueConstraint("capacity_id", "need"),
        CheckConstraint(f"need IN {tuple(NEEDS)!r}", name="need"),
        # The search's look-up of the capacities supporting a need, read from the index alone.
        Index("ix_capacity_needs_need_capacity_id", "need", "capacity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    capacity_id: Mapped[int] = mapped_column(
        ForeignKey("capacities.id", ondelete="CASCADE"), index=True
    )
    need: Mapped[str] = mapped_column(String(30))


class CapacityDistrict(Base):
    """A postcode district (the part before the space: DY1, B63) a provider serves on a lot."""

    __tablename__ = "capacity_districts"
    __table_args__ = (UniqueConstraint("capacity_id", "district"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    capacity_id: Mapped[int] = mapped_column(
        ForeignKey("capacities.id", ondelete="CASCADE"), index=True
    )
    district: Mapped[str] = mapped_column(String(4), index=True)
