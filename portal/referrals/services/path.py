"""A referral's path after it is received: matched, offered, started.

The path follows what commissioners do elsewhere, told by the competitions and contracts
domains through the hooks the app factory connects (neither knows referrals exist):

- a placement request made with the referral's reference as its reference code matches it;
- a contract sent to a provider offers it: the contract made from that placement request's
  award, or a direct call-off naming the referral's reference as its placement reference (made
  and sent at once, so a referral waiting for a match goes straight to offered);
- the contract becoming active starts it, on the contract's start date;
- a placement request cancelled, or a contract withdrawn before it started, means the match
  has fallen through: the referral waits for a match again.

A referral that has started or been closed is left alone whatever happens to a contract or a
placement request naming it. This module also says what capacity matches a referral, and what
a placement request or a direct call-off made for it starts with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from portal.accounts.models import User
from portal.capacity.models import Capacity
from portal.capacity.services import CapacityFilters, search
from portal.competitions.models import AGE_BANDS, Competition
from portal.contracts.models import Contract
from portal.core.db import db
from portal.core.time import utcnow
from portal.referrals.models import MATCHED, OFFERED, RECEIVED, STARTED, Referral
from portal.referrals.services.common import move
from portal.referrals.services.measures import school_days

# Placement request and direct call-off references name the referral by its reference.


def _waiting(condition: Any, *statuses: str) -> Referral | None:
    return db.session.scalar(
        select(Referral).where(condition, Referral.status.in_(statuses)).with_for_update()
    )


def placement_request_made(user: User, competition: Competition) -> None:
    """A placement request made for a referral waiting for a match (its reference code is the
    referral's reference) matches it."""
    if not competition.reference_code:
        return
    referral = _waiting(Referral.reference == competition.reference_code.upper(), RECEIVED)
    if referral is None:
        return
    move(
        user,
        referral,
        MATCHED,
        why=f"Placement request {competition.reference} was made for it",
        competition_id=competition.id,
        matched_at=utcnow(),
    )


def placement_request_cancelled(user: User, competition: Competition) -> None:
    referral = _waiting(Referral.competition_id == competition.id, MATCHED)
    if referral is not None:
        why = f"Placement request {competition.reference} was cancelled"
        _waits_again(user, referral, why, "competition_id", "matched_at")


def contract_sent(user: User, contract: Contract) -> None:
    """A contract sent to a provider offers the referral it is for: the one its placement
    request was made for, else the one its placement reference names."""
    referral = None
    if contract.competition_id is not None:
        referral = _waiting(Referral.competition_id == contract.competition_id, MATCHED)
    if referral is None and contract.placement_reference:
        referral = _waiting(
            Referral.reference == contract.placement_reference.upper(), RECEIVED, MATCHED
        )
    if referral is None:
        return
    now = utcnow()
    move(
        user,
        referral,
        OFFERED,
        why=f"Contract {contract.reference} was sent to {contract.organisation.display_name}",
        contract_id=contract.id,
        matched_at=referral.matched_at or now,
        offered_at=now,
    )


def contract_activated(user: User, contract: Contract) -> None:
    """The contract offered for a referral is active: the referral has started, on the
    contract's start date."""
    referral = _waiting(Referral.contract_id == contract.id, OFFERED)
    if referral is None:
        return
    move(
        user,
        referral,
        STARTED,
        why=f"Contract {contract.reference} was accepted: the placement starts on its start date",
        started_on=contract.start_on,
        # Fixed from now on (a started referral is never edited): the dashboard adds it up.
        school_days_to_start=school_days(referral.received_on, contract.start_on),
    )


def contract_withdrawn(user: User, contract: Contract) -> None:
    referral = _waiting(Referral.contract_id == contract.id, OFFERED)
    if referral is not None:
        why = f"Contract {contract.reference} was withdrawn before it started"
        _waits_again(
            user, referral, why, "competition_id", "contract_id", "matched_at", "offered_at"
        )


def _waits_again(user: User, referral: Referral, why: str, *cleared: str) -> None:
    """The match fell through: the referral waits for a match again, its `cleared` links and
    times emptied (and audited so)."""
    move(user, referral, RECEIVED, why=f"{why}: it waits for a match", **dict.fromkeys(cleared))


# Matching capacity --------------------------------------------------------------------------------


def age_range(age_band: str) -> tuple[int, int]:
    """The youngest and oldest ages of an age band ("14-16": 14, 16)."""
    youngest, _, oldest = age_band.partition("-")
    return int(youngest), int(oldest)


def matching_capacity(
    referral: Referral, *, confirmed_only: bool, anywhere: bool
) -> list[Capacity]:
    """Capacity on the referral's lot, supporting all its needs, serving its postcode district
    (unless `anywhere`), confirmed in the last 30 days if `confirmed_only`, and serving some of
    its age band. The child's exact age is not recorded (the band keeps it pseudonymous), so a
    provider whose ages overlap the band is shown: searching at one age of the band would hide
    providers who could take a child at its other end."""
    youngest, oldest = age_range(referral.age_band)
    found = search(
        CapacityFilters(
            lot_id=referral.lot_id,
            needs=tuple(referral.needs),
            district=None if anywhere else referral.district,
            confirmed_only=confirmed_only,
        )
    )
    return [each for each in found if each.age_from <= oldest and each.age_to >= youngest]


# What a placement request or a direct call-off made for it starts with ----------------------------


@dataclass(frozen=True)
class Prefill:
    """The address arguments the competitions' and contracts' new pages read on a GET."""

    placement_request: dict[str, Any]
    direct_call_off: dict[str, Any]


def prefill(referral: Referral, on: date) -> Prefill:
    """What a placement request or a direct call-off made for `referral` starts with: its lot,
    reference, start date (today when the one asked for has passed), and for a placement
    request its age band, needs, summary and district."""
    start = max(referral.required_start, on).isoformat()
    title = f"Placement for referral {referral.reference}"
    return Prefill(
        placement_request={
            "kind": "placement_request",
            "lot": referral.lot_id,
            "title": title,
            "reference_code": referral.reference,
            "age_band": referral.age_band if referral.age_band in AGE_BANDS else "",
            "needs": list(referral.needs),
            "needs_summary": referral.needs_summary,
            "area": referral.district,
            "start_date": start,
        },
        direct_call_off={
            "lot": referral.lot_id,
            "team": referral.team,
            "title": title,
            "placement_reference": referral.reference,
            "start_on": start,
        },
    )


# The referral's page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Linked:
    """What a referral's page shows beside its details: the placement request and the contract
    it was matched and offered through (as they stand now), and the capacity matching it."""

    competition: Competition | None
    contract: Contract | None
    capacity: list[Capacity]
    prefill: Prefill


def linked(referral: Referral, *, confirmed_only: bool, anywhere: bool, on: date) -> Linked:
    return Linked(
        competition=(
            db.session.get(Competition, referral.competition_id)
            if referral.competition_id
            else None
        ),
        contract=db.session.get(Contract, referral.contract_id) if referral.contract_id else None,
        capacity=matching_capacity(referral, confirmed_only=confirmed_only, anywhere=anywhere),
        prefill=prefill(referral, on),
    )
