"""What of the outbox is waiting for an administrator, for their home page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from portal.core.permissions import can
from portal.core.waiting import OVERDUE, Figures, Waiting, plural
from portal.outbox.models import FAILED, OutboxEmail

# The emails the outbox gave up sending. Built once.
_FAILED_COUNT = select(func.count(OutboxEmail.id)).where(OutboxEmail.status == FAILED)


def waiting_for(user: Any, organisations: Sequence[object]) -> list[Figures]:
    """Admins: emails the outbox gave up sending (counted with the home's other figures). The
    list of emails is a demo tool, so outside demo mode the item has no link: the mail relay's
    logs say why."""
    if not can(user, "see_failed_emails"):
        return []
    return [Figures(_FAILED_COUNT, {}, _failed)]


def _failed(figures: Sequence[Any]) -> list[Waiting]:
    [count] = figures
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
