"""Capacity: what each provider publishes on every lot it is admitted to (places, ages, the
needs it supports, the postcode districts it serves), about a third of it out of date (not
confirmed for 30 days, and reminded once). At 1x about 460 capacities, each with three needs
and four districts, ten times as many at 10x; the council's search reads them, a page at a time.

Each row is made from its admission's place in order alone, so the same shares (and the same
districts) hold at every scale; every capacity names as many needs and districts as any other,
so a full page of results reads the same rows at every scale."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bench.seed.base import _next_id, _table, bulk_insert
from portal.capacity.models import NEEDS
from portal.core.time import utcnow

# The districts of the borough and its neighbours that providers serve.
DISTRICTS = (
    "DY1", "DY2", "DY3", "DY4", "DY5", "DY6", "DY7", "DY8", "DY9", "B62", "B63", "B64", "B65",
    "B66", "B67", "B68", "B69", "B70", "WV1", "WV2", "WV3", "WV4", "WV14", "WS10",
)  # fmt: skip
AGE_RANGES = ((5, 11), (8, 16), (11, 16), (11, 19), (14, 19), (16, 25))
NEEDS_EACH, DISTRICTS_EACH = 3, 4
# Days since last confirmed, by row: up to 44, so about a third are past 30 and out of date.
CONFIRMED_WITHIN_DAYS = 45


def seed_capacity(connection, result, plan, staff, template) -> None:
    """A capacity per admission (admitted, not suspended or removed), with its needs and
    districts."""
    tables = _table("admissions").metadata.tables
    if "capacities" not in tables:
        result.notes.append("Capacity: not built yet, no capacity seeded.")
        return
    admissions = _table("admissions")
    rows = connection.execute(
        select(admissions.c.organisation_id, admissions.c.lot_id)
        .where(admissions.c.status == "admitted")
        .order_by(admissions.c.id)
    ).all()
    now = utcnow()
    needs = list(NEEDS)
    first = _next_id(connection, "capacities")
    counts = {}
    counts["capacities"] = bulk_insert(
        connection,
        _table("capacities"),
        ["id", "organisation_id", "lot_id", "places_now", "places_next_term", "age_from",
         "age_to", "travel_support", "notes", "confirmed_at", "reminded_at", "lock_version"],
        (
            (first + n, organisation_id, lot_id, n % 6, (n * 3) % 8, *AGE_RANGES[n % 6],
             n % 2 == 0, "Assessment visit within two weeks." if n % 4 == 0 else "",
             now - timedelta(days=n % CONFIRMED_WITHIN_DAYS, hours=n % 7),
             now - timedelta(days=n % CONFIRMED_WITHIN_DAYS - 31)
             if n % CONFIRMED_WITHIN_DAYS > 31 else None, 1)
            for n, (organisation_id, lot_id) in enumerate(rows)
        ),
    )  # fmt: skip
    counts["capacity_needs"] = bulk_insert(
        connection,
        _table("capacity_needs"),
        ["capacity_id", "need"],
        (
            (first + n, needs[(n + k * 3) % len(needs)])
            for n in range(len(rows))
            for k in range(NEEDS_EACH)
        ),
    )
    counts["capacity_districts"] = bulk_insert(
        connection,
        _table("capacity_districts"),
        ["capacity_id", "district"],
        (
            (first + n, DISTRICTS[(n * 5 + k) % len(DISTRICTS)])
            for n in range(len(rows))
            for k in range(DISTRICTS_EACH)
        ),
    )
    result.notes.append(f"Capacity seeded: {counts}.")
