"""What of accounts is waiting for an administrator, for their home page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from portal.accounts.models import STAFF_ROLES, User
from portal.core.permissions import can
from portal.core.waiting import DUE_SOON, Figures, Waiting, plural

# The active council staff who have not set up two-factor authentication. Built once.
_WITHOUT_TWO_FACTOR = select(func.count(User.id)).where(
    User.role.in_(STAFF_ROLES),
    User.deactivated_at.is_(None),
    User.totp_enabled_at.is_(None),
)


def waiting_for(user: User, organisations: Sequence[object]) -> list[Figures]:
    """Admins: the active council staff who have not set up two-factor authentication (counted
    with the home's other figures). Their accounts can read every provider's records behind a
    password alone."""
    if not can(user, "manage_staff"):
        return []
    return [Figures(_WITHOUT_TWO_FACTOR, {}, _without_two_factor)]


def _without_two_factor(figures: Sequence[Any]) -> list[Waiting]:
    [count] = figures
    if not count:
        return []
    return [
        Waiting(
            link="Staff without two-factor authentication",
            endpoint="admin.staff",
            hint=f"{plural(count, 'member of staff has', 'members of staff have')} not set it up",
            urgency=DUE_SOON,
        )
    ]
