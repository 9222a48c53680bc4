"""Who is told of quality work: the provider's members, and the quality officers (the roles
with `hear_of_quality_work`). Emails go through the outbox, in the change's transaction."""

from __future__ import annotations

from portal.accounts.services import active_staff_who_may
from portal.core.db import db
from portal.organisations.models import Organisation
from portal.organisations.services import email_members_of
from portal.outbox.services import queue_email


def tell_members(organisation_id: int, subject: str, template: str, **context: object) -> None:
    """Email every member of the organisation (`member` in the template is the one it goes to)."""
    email_members_of(
        db.session.get_one(Organisation, organisation_id), subject, template, **context
    )


def tell_reviewers(subject: str, template: str, **context: object) -> None:
    """Email every active member of staff whose role hears of quality work."""
    for user in active_staff_who_may("hear_of_quality_work"):
        queue_email(user.email, subject, template, user=user, **context)
