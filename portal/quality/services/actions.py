"""A provider's action plan: actions from a visit's findings, agreed at a review meeting, or
added by a reviewer; the provider answers and marks them done, the council accepts or reopens.

`add_action` is the one way an action is made, whatever it came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.audit.services import record_change
from portal.core import workflow
from portal.core.db import db
from portal.core.errors import NotFoundForUser, found, typed_text
from portal.core.permissions import can
from portal.core.time import format_date, today, utcnow
from portal.documents.models import Document
from portal.documents.services import usable_documents
from portal.organisations.models import Membership, Organisation
from portal.organisations.services import get_organisation_for
from portal.quality.models import (
    ACTION_CLOSED,
    ACTION_DONE,
    ACTION_OPEN,
    Action,
    ActionNote,
    Meeting,
    Visit,
)
from portal.quality.services import risk
from portal.quality.services.common import ACTION_MOVES, QualityError
from portal.quality.services.readings import visible_to_provider
from portal.quality.services.telling import tell_members, tell_reviewers

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
    title = typed_text(
        title,
        QualityError,
        "title",
        missing="Enter what must be done",
        limit=TITLE_LIMIT,
        what="What must be done",
    )
    owner = typed_text(
        owner,
        QualityError,
        "owner",
        missing="Enter who at the provider will do it",
        limit=OWNER_LIMIT,
        what="Who will do it",
    )
    detail = typed_text(
        detail, QualityError, "detail", missing=None, limit=DETAIL_LIMIT, what="The detail"
    )
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
    record_change(
        "action.added",
        action,
        user,
        organisation.id,
        after={"title": title, "owner": owner, "due_on": due_on.isoformat()},
    )
    return action


# What the provider sees --------------------------------------------------------------------------


def is_overdue(action: Action, on: date) -> bool:
    """Open past its due date. An action marked done waits for the council, not the provider."""
    return action.status == ACTION_OPEN and action.due_on < on


# Reading ----------------------------------------------------------------------------------------


def action_for(user: User, action_id: int) -> Action:
    """The action, for council staff who may read quality work or a member of its organisation
    once the provider may see it; NotFoundForUser (404) for anyone else, so ids cannot be
    probed."""
    action = found(db.session.get(Action, action_id))
    if user.is_staff:
        if not can(user, "read_quality"):
            raise NotFoundForUser()
        return action
    visible = db.session.scalar(
        select(Action.id).where(Action.id == action.id, visible_to_provider())
    )
    if visible is None:
        raise NotFoundForUser()
    get_organisation_for(user, action.organisation_id)
    return action


def notes_of(action: Action) -> list[ActionNote]:
    """What was said on the action, oldest first, with who said it. One query."""
    return list(
        db.session.scalars(
            select(ActionNote)
            .where(ActionNote.action_id == action.id)
            .options(joinedload(ActionNote.author))
            .order_by(ActionNote.id)
        )
    )


def documents_of_notes(action: Action, notes: list[ActionNote]) -> dict[int, Document]:
    """The evidence documents the notes give, by id (gone ones left out). One query."""
    ids = {note.document_id for note in notes if note.document_id}
    if not ids:
        return {}
    return {
        document.id: document
        for document in db.session.scalars(
            select(Document)
            .where(Document.id.in_(ids), Document.organisation_id == action.organisation_id)
            .options(selectinload(Document.versions))
        )
    }


def evidence_choices(action: Action) -> list[Document]:
    """The provider's documents it may give as evidence today: its own library's, in date and
    with a file that is not a virus (the documents domain's rule)."""
    return usable_documents(action.organisation_id, today())


@dataclass(frozen=True)
class CouncilActions:
    to_decide: list[Action]  # marked done, waiting for the council
    overdue: list[Action]  # open past their due date


def council_actions(on: date) -> CouncilActions:
    """Actions waiting for the council (done, oldest first) and overdue ones (most overdue
    first). Two queries."""

    def listed(*criteria: ColumnElement[bool]) -> list[Action]:
        return list(
            db.session.scalars(
                select(Action)
                .where(*criteria)
                .options(joinedload(Action.organisation))
                .order_by(Action.due_on, Action.id)
            )
        )

    return CouncilActions(
        to_decide=listed(Action.status == ACTION_DONE),
        overdue=listed(Action.status == ACTION_OPEN, Action.due_on < on, visible_to_provider()),
    )


def actions_for_provider(user: User) -> list[Action]:
    """The actions of every organisation `user` is a member of that the provider may see: open
    first (soonest due first), then done, then closed. One query."""
    mine = select(Membership.organisation_id).where(Membership.user_id == user.id)
    actions = db.session.scalars(
        select(Action)
        .where(Action.organisation_id.in_(mine), visible_to_provider())
        .options(joinedload(Action.organisation))
        .order_by(Action.due_on, Action.id)
    )
    order = {ACTION_OPEN: 0, ACTION_DONE: 1, ACTION_CLOSED: 2}
    return sorted(actions, key=lambda action: order[action.status])


# The provider's answer and the council's decision ------------------------------------------------

RESPONSE_LIMIT = 4000
REASON_LIMIT = 2000


def respond_to_action(
    user: User,
    action: Action,
    *,
    response: str | None,
    document_id: int | None,
    seen: int | None,
) -> Action:
    """The provider's answer to an open action, with a document from its library as evidence
    (optional), marking it done: it then waits for the council, and the quality officers are
    told. An action already done or closed is refused, and nothing is written."""
    if action.status == ACTION_DONE:
        raise QualityError(
            "You have already marked this action as done. It is waiting for the council"
        )
    if action.status == ACTION_CLOSED:
        raise QualityError("This action is closed and can no longer be changed")
    errors: dict[str, str] = {}
    text = (response or "").strip().replace("\r\n", "\n")
    if not text:
        errors["response"] = "Enter what you have done"
    elif len(text) > RESPONSE_LIMIT:
        errors["response"] = f"What you have done must be {RESPONSE_LIMIT:,} characters or fewer"
    if document_id is not None and document_id not in {d.id for d in evidence_choices(action)}:
        errors["document_id"] = (
            "Select a document from your library that is in date and has passed its virus check"
        )
    if errors:
        raise QualityError(errors=errors)
    workflow.move(
        action, ACTION_DONE, ACTION_MOVES, seen=workflow.page_version(seen), done_at=utcnow()
    )
    db.session.add(
        ActionNote(action_id=action.id, author_id=user.id, body=text, document_id=document_id)
    )
    record_change(
        "action.done",
        action,
        user,
        action.organisation_id,
        before={"status": ACTION_OPEN},
        after={"status": ACTION_DONE, "response": text, "document_id": document_id},
    )
    tell_reviewers(
        f"Action to check: {action.organisation.display_name}",
        "quality_action_done",
        action=action,
        organisation=action.organisation,
    )
    risk.refresh_one(action.organisation)
    return action


def accept_action(user: User, action: Action, seen: int | None) -> Action:
    """The council accepts what the provider did: the action is closed, and the provider told."""
    workflow.move(
        action,
        ACTION_CLOSED,
        ACTION_MOVES,
        seen=workflow.page_version(seen),
        closed_at=utcnow(),
        closed_by_id=user.id,
    )
    record_change(
        "action.closed",
        action,
        user,
        action.organisation_id,
        before={"status": ACTION_DONE},
        after={"status": ACTION_CLOSED},
    )
    tell_members(
        action.organisation_id,
        f"Action closed: {action.title}",
        "quality_action_closed",
        action=action,
        organisation=action.organisation,
    )
    risk.refresh_one(action.organisation)
    return action


def reopen_action(user: User, action: Action, reason: str | None, seen: int | None) -> Action:
    """The council reopens an action the provider marked done, saying why: it is open again
    (and overdue at once if past its due date), and the provider told."""
    text = (reason or "").strip().replace("\r\n", "\n")
    if not text:
        raise QualityError("Enter why the action is reopened", "reason")
    if len(text) > REASON_LIMIT:
        raise QualityError(f"The reason must be {REASON_LIMIT:,} characters or fewer", "reason")
    if action.status == ACTION_OPEN:
        raise QualityError("This action is already open", "reason")
    workflow.move(action, ACTION_OPEN, ACTION_MOVES, seen=workflow.page_version(seen), done_at=None)
    db.session.add(ActionNote(action_id=action.id, author_id=user.id, body=text))
    record_change(
        "action.reopened",
        action,
        user,
        action.organisation_id,
        before={"status": ACTION_DONE},
        after={"status": ACTION_OPEN, "reason": text},
    )
    tell_members(
        action.organisation_id,
        f"Action reopened: {action.title}",
        "quality_action_reopened",
        action=action,
        organisation=action.organisation,
        reason=text,
    )
    risk.refresh_one(action.organisation)
    return action


# Overdue reminders -------------------------------------------------------------------------------


def remind_overdue(on: date) -> int:
    """Email each action overdue on `on` (and seen by the provider) once: to its organisation's
    members and the quality officers. Each action is claimed by an UPDATE that sets
    overdue_emailed_at only where it is still empty, so two runs at once send it once. Returns
    how many actions were emailed about."""
    overdue = list(
        db.session.scalars(
            select(Action)
            .where(
                Action.status == ACTION_OPEN,
                Action.due_on < on,
                Action.overdue_emailed_at.is_(None),
                visible_to_provider(),
            )
            .options(joinedload(Action.organisation))
            .order_by(Action.due_on, Action.id)
        )
    )
    sent = 0
    for action in overdue:
        claimed = db.set_where(
            Action,
            Action.id == action.id,
            Action.overdue_emailed_at.is_(None),
            overdue_emailed_at=utcnow(),
        )
        if claimed != 1:
            continue
        context: dict[str, Any] = {
            "action": action,
            "organisation": action.organisation,
            "due": format_date(action.due_on),
        }
        subject = f"Overdue action: {action.title}"
        tell_members(action.organisation_id, subject, "quality_action_overdue", **context)
        tell_reviewers(subject, "quality_action_overdue_council", **context)
        record_change(
            "action.overdue_emailed",
            action,
            None,
            action.organisation_id,
            after={"due_on": action.due_on.isoformat()},
        )
        sent += 1
    return sent
