"""What of accounts is waiting for an administrator, for their home page."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import ADMIN, STAFF_ROLES, User
from portal.core.db import db
from portal.core.waiting import DUE_SOON, Waiting, plural
from portal.organisations.models import Organisation


def waiting_for(user: User, organisations: list[Organisation]) -> list[Waiting]:
    """Admins: the active council staff who have not set up two-factor authentication (one
    query). Their accounts can read every provider's records behind a password alone."""
    if user.role != ADMIN:
        return []
    count = db.session.scalar(
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
