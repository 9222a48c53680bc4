"""What of accounts is waiting for an administrator, for their home page."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from portal.accounts.models import STAFF_ROLES, User
from portal.core.db import db
from portal.core.permissions import can
from portal.core.waiting import DUE_SOON, Waiting, plural


def waiting_for(user: User, organisations: Sequence[object]) -> list[Waiting]:
    """Admins: the active council staff who have not set up two-factor authentication (one
    query). Their accounts can read every provider's records behind a password alone."""
    if not can(user, "manage_staff"):
        return []
    count = db.count(
        select(func.count(User.id)).where(
            User.role.in_(STAFF_ROLES),
            User.deactivated_at.is_(None),
            User.totp_enabled_at.is_(None),
        )
    )
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
