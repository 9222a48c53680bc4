"""What of the outbox is waiting for an administrator, for their home page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from portal.core.db import db
from portal.core.permissions import can
from portal.core.waiting import OVERDUE, Waiting, plural
from portal.outbox.models import FAILED, OutboxEmail


def waiting_for(user: Any, organisations: Sequence[object]) -> list[Waiting]:
    """Admins: emails the outbox gave up sending (one query). The list of emails is a demo
    tool, so outside demo mode the item has no link: the mail relay's logs say why."""
    if not can(user, "see_failed_emails"):
        return []
    count = db.count(select(func.count(OutboxEmail.id)).where(OutboxEmail.status == FAILED))
    if not count:
        return []
    return [
        Waiting(
            link="Emails that could not be sent",
            endpoint="outbox.index" if current_app.config["DEMO_MODE"] else None,
            hint=f"{plural(count, 'email', 'emails')} failed after every retry",
            urgency=OVERDUE,
        )
    ]
