"""The rules of capacity: what makes it stale, and the council's search of it (by lot, age,
need, postcode district and places), which a referral's matching and a placement request's
invitation list use too.

Only capacity on a lot its provider is admitted to (not suspended or removed) is ever found:
a provider taken off a lot has no places to offer on it, whatever it last published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from portal.admissions.models import ADMITTED, Admission
from portal.capacity.models import (
    STALE_AFTER_DAYS,
    Capacity,
    CapacityDistrict,
    CapacityNeed,
)
from portal.core.db import db
from portal.core.time import as_utc, utcnow


def stale_before(now: datetime | None = None) -> datetime:
    """Capacity last confirmed before this moment is stale."""
    return (now or utcnow()) - timedelta(days=STALE_AFTER_DAYS)


def is_stale(capacity: Capacity, now: datetime | None = None) -> bool:
    return as_utc(capacity.confirmed_at) < stale_before(now)


@dataclass(frozen=True)
class CapacityFilters:
    """What the council is looking for. Every field is optional: none means any. `needs` are
    all required (a provider must support each); `age` must be within the provider's range;
    `places` is the fewest places now; `confirmed_only` leaves out stale capacity."""

    lot_id: int | None = None
    age: int | None = None
    needs: tuple[str, ...] = field(default_factory=tuple)
    district: str | None = None
    places: int | None = None
    confirmed_only: bool = False


def search(filters: CapacityFilters, now: datetime | None = None) -> list[Capacity]:
    """The capacity matching `filters`, most places first then most recently confirmed, with
    organisation, lot, needs and districts loaded: a fixed number of queries however much is
    found."""
    query = select(Capacity).where(
        exists().where(
            Admission.organisation_id == Capacity.organisation_id,
            Admission.lot_id == Capacity.lot_id,
            Admission.status == ADMITTED,
        )
    )
    if filters.lot_id is not None:
        query = query.where(Capacity.lot_id == filters.lot_id)
    if filters.age is not None:
        query = query.where(Capacity.age_from <= filters.age, Capacity.age_to >= filters.age)
    for need in filters.needs:
        query = query.where(
            exists().where(CapacityNeed.capacity_id == Capacity.id, CapacityNeed.need == need)
        )
    if filters.district:
        query = query.where(
            exists().where(
                CapacityDistrict.capacity_id == Capacity.id,
                CapacityDistrict.district == filters.district.upper(),
            )
        )
    if filters.places is not None:
        query = query.where(Capacity.places_now >= filters.places)
    if filters.confirmed_only:
        query = query.where(Capacity.confirmed_at >= stale_before(now))
    query = query.options(
        selectinload(Capacity.organisation),
        selectinload(Capacity.lot),
        selectinload(Capacity.needs),
        selectinload(Capacity.districts),
    ).order_by(Capacity.places_now.desc(), Capacity.confirmed_at.desc(), Capacity.id)
    return list(db.session.scalars(query))
