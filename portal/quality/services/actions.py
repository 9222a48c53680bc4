"""A provider's action plan: actions from a visit's findings, agreed at a review meeting, or
added by a reviewer; the provider answers and marks them done, the council accepts or reopens.

`add_action` is the one way an action is made, whatever it came from."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit.services import record_event
from portal.core.db import db
from portal.core.time import today
from portal.organisations.models import Organisation
from portal.quality.models import ACTION_OPEN, Action, Meeting, Visit
from portal.quality.services.common import QualityError

TITLE_LIMIT = 200
OWNER_LIMIT = 120
DETAIL_LIMIT = 4000


def add_action(
    organisation: Organisation,
    user: User,
    *,
    title: str,
    owner: str,
    due_on: date | None,
    detail: str = "",
    visit: Visit | None = None,
    meeting: Meeting | None = None,
    item_id: str | None = None,
) -> Action:
    """Add an action to `organisation`'s plan, from `visit` (and its checklist item) or
    `meeting` when given. The due date may not be in the past. Audited; not emailed here (the
    provider hears of a visit's actions when its findings are published, of a meeting's when
    its minutes are)."""
    title, owner, detail = title.strip(), owner.strip(), detail.strip()
    if not title:
        raise QualityError("Enter what must be done", "title")
    if len(title) > TITLE_LIMIT:
        raise QualityError(f"What must be done must be {TITLE_LIMIT} characters or fewer", "title")
    if not owner:
        raise QualityError("Enter who at the provider will do it", "owner")
    if len(owner) > OWNER_LIMIT:
        raise QualityError(f"Who will do it must be {OWNER_LIMIT} characters or fewer", "owner")
    if len(detail) > DETAIL_LIMIT:
        raise QualityError(f"The detail must be {DETAIL_LIMIT} characters or fewer", "detail")
    if due_on is None:
        raise QualityError("Enter the date it is due by", "due_on")
    if due_on < today():
        raise QualityError("The date it is due by must be today or in the future", "due_on")
    action = Action(
        organisation_id=organisation.id,
        visit_id=visit.id if visit else None,
        meeting_id=meeting.id if meeting else None,
        item_id=item_id,
        title=title,
        detail=detail,
        owner=owner,
        due_on=due_on,
        created_by_id=user.id,
    )
    db.session.add(action)
    db.session.flush()
    record_event(
        "action.added",
        object_type="action",
        object_id=action.id,
        actor_id=user.id,
        organisation_id=organisation.id,
        after={"title": title, "owner": owner, "due_on": due_on.isoformat()},
    )
    return action


def overdue_counts(organisation_ids: Iterable[int], on: date) -> dict[int, int]:
    """How many open actions each organisation has past their due date on `on` (organisations
    with none are left out). An action marked done waits for the council, not the provider, so
    it is not overdue. One query."""
    ids = list(organisation_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Action.organisation_id, func.count())
        .where(
            Action.organisation_id.in_(ids),
            Action.status == ACTION_OPEN,
            Action.due_on < on,
        )
        .group_by(Action.organisation_id)
    )
    return {organisation_id: count for organisation_id, count in rows}
