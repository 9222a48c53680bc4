"""What every part of referrals shares: its error, the path's state machine, the loader, the
audit event and the email to the referrer that each move makes.

Every change of state goes through `portal.core.workflow.move` over REFERRAL_MOVES, which checks
the move and the row's lock_version in one UPDATE: a closed referral cannot be moved on, and of
two people acting on one referral at once the second is told it has changed.
"""

from __future__ import annotations

from typing import Any

from portal.accounts.models import User
from portal.audit.services import as_recorded, record_change
from portal.core import workflow
from portal.core.db import db
from portal.core.errors import ServiceError, found
from portal.outbox.services import queue_email
from portal.referrals.models import (
    CLOSED,
    MATCHED,
    OFFERED,
    RECEIVED,
    STARTED,
    STATUS_LABELS,
    Referral,
)
from portal.settings.services import framework_settings


class ReferralError(ServiceError):
    """Something that cannot be done to a referral, with a message to show (on `field`)."""


def _refuse(refusal: workflow.Refusal) -> ServiceError:
    # What the referral is now (read again when someone else's change landed first): once it
    # has ended, that is what the person needs to know, however old their page.
    now = refusal.record.status
    if now in (CLOSED, STARTED):
        return ReferralError(
            f"This referral is {STATUS_LABELS[now].lower()}, so it cannot be changed"
        )
    if refusal.why in (workflow.STALE, workflow.LOST):
        return ReferralError(
            "This referral has just been changed by someone else. Check it and try again"
        )
    return ReferralError("This referral cannot be moved on in that way")


# The path: received, matched (a placement request made for it, or a direct call-off drafted),
# offered (a contract sent to a provider), started (the contract active). A direct call-off is
# made and sent at once, so a referral may go from received straight to offered. When a
# placement request is cancelled or a contract ended before it started, the match has fallen
# through and the referral waits for a match again. It may be closed, with a reason, at any
# point before it starts; closed and started are the ends of the path.
REFERRAL_MOVES = workflow.Workflow(
    frozenset(
        {
            (RECEIVED, MATCHED),
            (RECEIVED, OFFERED),
            (MATCHED, OFFERED),
            (OFFERED, STARTED),
            (MATCHED, RECEIVED),
            (OFFERED, RECEIVED),
            (RECEIVED, CLOSED),
            (MATCHED, CLOSED),
            (OFFERED, CLOSED),
        }
    ),
    _refuse,
)

# Details may be corrected while the referral is on its way, never once it has ended.
EDITABLE = (RECEIVED, MATCHED, OFFERED)


def teams() -> list[str]:
    """The commissioning teams a referral may name: the COMMISSIONING_TEAMS framework setting,
    as contracts use it."""
    return list(framework_settings().commissioning_teams)


def referral_for_staff(referral_id: int) -> Referral:
    """Any referral, for council staff (the permission decorator has checked who asks).
    Raises NotFoundForUser (404) when there is none with that id."""
    referral = found(db.session.get(Referral, referral_id))
    return referral


def move(
    user: User | None,
    referral: Referral,
    to: str,
    *,
    seen: Any = workflow.UNCHECKED,
    why: str = "",
    **values: Any,
) -> None:
    """Move `referral` along its path to `to`, writing `values` with it: audited, and its
    referrer emailed (what it is now, and `why`, in words the referrer reads)."""
    before = referral.status
    workflow.move(referral, to, REFERRAL_MOVES, seen=seen, **values)
    record_change(
        f"referral.{to}",
        referral,
        user,
        before={"status": before},
        after={"status": to, **as_recorded(values), **({"why": why} if why else {})},
    )
    referrer = referral.referrer
    if referrer is not None and referrer.is_active:
        queue_email(
            referrer.email,
            f"Referral {referral.reference}: {STATUS_LABELS[to].lower()}",
            "referral_moved",
            referral=referral,
            referrer=referrer,
            status=STATUS_LABELS[to],
            why=why,
        )
