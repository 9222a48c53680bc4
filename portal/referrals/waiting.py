"""What of referrals is waiting for someone, for their home page: for those who manage
referrals (commissioners), the referrals waiting for a match, the most urgent first, and those
offered to a provider but not yet started. A list and a count read with the home's other
lists and figures, however many referrals there are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, literal_column, select

from portal.accounts.models import User
from portal.core.permissions import can
from portal.core.time import format_date, today
from portal.core.waiting import (
    DUE_SOON,
    OVERDUE,
    TO_DO,
    Figures,
    Listed,
    Waiting,
    plural,
    the_rest,
)
from portal.organisations.models import Organisation
from portal.referrals.models import (
    EMERGENCY,
    OFFERED,
    RECEIVED,
    ROUTINE,
    TARGET_SCHOOL_DAYS,
    URGENCY_LABELS,
    URGENT,
    Referral,
)
from portal.referrals.services.measures import school_days

# How many referrals waiting for a match the home lists one by one (the rest are counted).
LISTED = 10


def waiting_for(user: User, organisations: list[Organisation]) -> list[Listed | Figures]:
    if not can(user, "manage_referrals"):
        return []
    return [Listed(_TO_MATCH, {}, _to_match), _offered()]


# Built once: a statement built for every request costs more than running it. The most urgent,
# how many in all counted over every row before the limit (within a subquery), then in their
# order: a list the home reads with its others (core.waiting.Listed, not limited itself).
_MOST_URGENT = (
    select(
        case((Referral.urgency == EMERGENCY, 0), (Referral.urgency == URGENT, 1), else_=2).label(
            "rank"
        ),
        Referral.id,
        Referral.reference,
        Referral.urgency,
        Referral.received_on,
        Referral.required_start,
        func.count().over().label("total"),
    )
    .where(Referral.status == RECEIVED)
    .order_by(literal_column("rank"), Referral.received_on, Referral.id)
    .limit(LISTED)
    .subquery()
)
_TO_MATCH = select(*list(_MOST_URGENT.c)[1:]).order_by(
    _MOST_URGENT.c.rank, _MOST_URGENT.c.received_on, _MOST_URGENT.c.id
)
_OFFERED_COUNT = select(func.count(Referral.id)).where(Referral.status == OFFERED)


def _to_match(rows: list[Sequence[Any]]) -> list[Waiting]:
    """The items for the rows of _TO_MATCH, and one for the rest when more wait."""
    on = today()
    items = []
    for id_, reference, urgency, received_on, required_start, _total in rows:
        days = school_days(received_on, on)
        late = days > TARGET_SCHOOL_DAYS
        waited = plural(days, "school day", "school days")
        items.append(
            Waiting(
                link=f"Find a place for referral {reference}",
                endpoint="referrals.show",
                args={"referral_id": id_},
                hint=f"{URGENCY_LABELS[urgency]}: waiting {waited} since "
                f"{format_date(received_on)}, needed from {format_date(required_start)}",
                urgency=OVERDUE if late else DUE_SOON if urgency != ROUTINE else TO_DO,
                due=required_start,
            )
        )
    total = rows[0][-1] if rows else 0
    return items + the_rest(
        total,
        LISTED,
        "All referrals waiting for a match",
        "referrals.index",
        f"{plural(total, 'referral', 'referrals')}; the {LISTED} most urgent are listed",
        args={"status": RECEIVED},
    )


def _offered() -> Figures:
    return Figures(_OFFERED_COUNT, {}, _offered_items)


def _offered_items(figures: Sequence[Any]) -> list[Waiting]:
    """The item for the referrals offered but not started (figures of _OFFERED_COUNT)."""
    [count] = figures
    if not count:
        return []
    return [
        Waiting(
            link="Referrals offered but not started",
            endpoint="referrals.index",
            args={"status": OFFERED},
            hint=f"{plural(count, 'referral has', 'referrals have')} a contract sent to a "
            "provider, waiting for the provider to accept it",
            urgency=TO_DO,
        )
    ]
