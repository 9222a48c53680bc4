"""Referrals: three years of the council's referrals for a place (about 360 placements a year),
spread over the lots, teams and urgencies; most started (after 2 to 24 school days), some closed,
the newest still open (received, matched or offered). At 1x: 1,200 referrals; at 10x, 12,000,
so the time-to-place dashboard counts ten times as many.

Rows are made from each referral's number alone; every one is a referral the portal could have
recorded (a reference of its own kind, needs from capacity's list, a postcode district).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from bench.seed.base import _next_id, _table, bulk_insert
from portal.accounts.models import COMMISSIONER
from portal.capacity.models import NEEDS
from portal.competitions.models import AGE_BANDS
from portal.core.time import add_working_days, today
from portal.referrals.models import CLOSED, MATCHED, OFFERED, RECEIVED, STARTED, URGENCIES
from portal.referrals.services.measures import school_days

REFERRALS = 1_200
# Received over the last three years, the newest today.
DAYS = 3 * 365

TEAMS = ("SEND", "Virtual School", "Alternative Provision")
DISTRICTS = ("DY1", "DY2", "DY3", "DY5", "DY6", "DY8", "DY9", "B62", "B63", "WV14")
NEED_KEYS = tuple(NEEDS)
BANDS = tuple(AGE_BANDS)
OPEN_STATUSES = (RECEIVED, MATCHED, OFFERED)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def seed_referrals(connection, result, plan, staff, template) -> None:
    """The referrals, recorded by the commissioners (each the referrer of its own)."""
    if "referrals" not in _table("lots").metadata.tables:
        result.notes.append("Referrals: not built yet, no referral data seeded.")
        return
    count = max(10, round(REFERRALS * result.scale))
    lots = list(connection.scalars(select(_table("lots").c.id).order_by(_table("lots").c.id)))
    commissioners = staff[COMMISSIONER]
    first = _next_id(connection, "referrals")
    on = today()
    rows = []
    for n in range(count):
        received = date.fromordinal(on.toordinal() - (count - 1 - n) * DAYS // count)
        status, started = _path(n, received, on)
        referrer = commissioners[n % len(commissioners)]
        rows.append(
            (first + n, f"RF-{received.year}-{n + 1:05d}", status, lots[n % len(lots)],
             BANDS[n % len(BANDS)], [NEED_KEYS[n % len(NEED_KEYS)]],
             "Needs a calm, consistent adult and a small group.",
             DISTRICTS[n % len(DISTRICTS)], URGENCIES[n % len(URGENCIES)],
             TEAMS[(n // 3) % len(TEAMS)], "Inclusion team", received, received,
             referrer, referrer, _at(received),
             _at(received) if status in (MATCHED, OFFERED, STARTED) else None,
             _at(received) if status in (OFFERED, STARTED) else None,
             started, _at(received) if status == CLOSED else None,
             "Needs met at school." if status == CLOSED else None,
             school_days(received, started) if started else None)
        )  # fmt: skip
    result.counts["referrals"] = bulk_insert(
        connection,
        _table("referrals"),
        ["id", "reference", "status", "lot_id", "age_band", "needs", "needs_summary", "district",
         "urgency", "team", "requested_by", "required_start", "received_on", "created_by_id",
         "referrer_id", "created_at", "matched_at", "offered_at", "started_on", "closed_at",
         "closed_reason", "school_days_to_start"],
        rows,
    )  # fmt: skip


def _path(n: int, received: date, on: date) -> tuple[str, date | None]:
    """Where referral `n` is: the newest 5% still open, one in twelve of the rest closed, the
    others started 2 to 24 school days after they were received."""
    if (on - received).days < DAYS // 20:
        return OPEN_STATUSES[n % len(OPEN_STATUSES)], None
    if n % 12 == 11:
        return CLOSED, None
    return STARTED, add_working_days(received, 2 + (n * 7) % 23)
