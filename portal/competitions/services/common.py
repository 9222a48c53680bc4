"""What every stage of a competition shares: its error, the details a commissioner gives, the two
state machines and the helpers that record and announce a change (the clock is
portal/competitions/clock.py).

Two state machines, each with one table and one function that moves along it: COMPETITION_MOVES
(draft → published → awarded → confirmed, or cancelled) and QUOTE_MOVES (draft → submitted ↔
withdrawn, submitted again for each revision). Each move goes through
`portal.core.workflow.move`, which checks the table and the row's lock_version in one UPDATE;
the move here records an audit event and queues its emails.

Whether a competition is open is read from its deadlines against `now()`, the database's clock,
never the browser's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.audit.services import record_change
from portal.competitions import ocds
from portal.competitions.clock import format_deadline
from portal.competitions.models import (
    AWARDED,
    CANCELLED,
    CONFIRMED,
    DRAFT,
    PUBLISHED,
    QUOTE_DRAFT,
    QUOTE_SUBMITTED,
    QUOTE_WITHDRAWN,
    Competition,
    CompetitionAttachment,
    Invitation,
    Quote,
)
from portal.core import workflow
from portal.core.db import db
from portal.core.errors import ServiceError, found, typed_text
from portal.organisations.models import Membership
from portal.outbox.services import queue_email

REASON_LIMIT = 2000
CLOSING_SOON = timedelta(hours=48)


@dataclass
class Details:
    """What a commissioner gives for a competition, from the form."""

    kind: str
    lot_id: int
    title: str
    description: str
    requirements: str
    price_basis: str
    planned_units: int | None
    quality_weight: int
    price_weight: int
    local_preference: str
    local_weight: int
    clarification_deadline: datetime
    submission_deadline: datetime
    reference_code: str | None = None
    age_band: str | None = None
    needs_summary: str | None = None
    hours_per_week: int | None = None
    start_date: date | None = None
    area: str | None = None
    # A placement request's needs (capacity's controlled list), and why its invitations are
    # limited to providers with matching, confirmed capacity (None: not limited).
    needs: list[str] = field(default_factory=list)
    capacity_limit_reason: str | None = None


class CompetitionError(ServiceError):
    """Something that cannot be done, with a message to show (on `field` when given)."""


class QuoteChanged(CompetitionError):
    """The quote changed after the page was shown (another tab, a colleague): QUOTE_CHANGED.
    The quote the exception is raised for has been refreshed to what is saved now."""

    def __init__(self) -> None:
        super().__init__(QUOTE_CHANGED)


@dataclass(frozen=True)
class Stage:
    label: str
    colour: str
    time_left: str = ""


def stage(competition: Competition, at: datetime) -> Stage:
    """Where the competition is, read from its status and deadlines."""
    return stage_of(competition.status, competition.submission_deadline, at)


def stage_of(status: str, submission_deadline: datetime, at: datetime) -> Stage:
    """stage() from the two columns it reads (lists read them alone)."""
    if status == DRAFT:
        return Stage("Draft", "grey")
    if status == CANCELLED:
        return Stage("Cancelled", "red")
    if status == AWARDED:
        return Stage("Awarded, in standstill", "blue")
    if status == CONFIRMED:
        return Stage("Awarded", "green")
    left = submission_deadline - at
    if left <= timedelta(0):
        return Stage("Closed", "orange")
    if left <= CLOSING_SOON:
        return Stage("Closing soon", "yellow", time_left(left))
    return Stage("Open", "turquoise", time_left(left))


def time_left(left: timedelta) -> str:
    days, hours = left.days, left.seconds // 3600
    if days >= 2:
        return f"{days} days left"
    hours += days * 24
    if hours >= 1:
        return f"{hours} hour{'s' if hours != 1 else ''} left"
    minutes = max(1, left.seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''} left"


# State machines ---------------------------------------------------------------------------------


COMPETITION_MOVES = {
    (DRAFT, PUBLISHED),
    (DRAFT, CANCELLED),
    (PUBLISHED, AWARDED),
    (PUBLISHED, CANCELLED),
    (AWARDED, CONFIRMED),
    (AWARDED, CANCELLED),
}
QUOTE_MOVES = {
    (QUOTE_DRAFT, QUOTE_SUBMITTED),
    (QUOTE_SUBMITTED, QUOTE_SUBMITTED),  # a revision
    (QUOTE_SUBMITTED, QUOTE_WITHDRAWN),
    (QUOTE_WITHDRAWN, QUOTE_SUBMITTED),
}
_COMPETITION_REFUSALS = {
    PUBLISHED: "This competition has already been published",
    AWARDED: "This competition has already been awarded",
    CONFIRMED: "This competition's award has been confirmed",
    CANCELLED: "This competition has been cancelled",
    DRAFT: "This competition has not been published",
}
CHANGED = "This competition has changed since you opened the page. Check it and try again"
QUOTE_CHANGED = "Your quote has changed since you opened the page. Check it and try again"


def _move_competition(
    actor: User, competition: Competition, to: str, seen: int | None, action: str, **values
) -> None:
    """Move the competition to `to` if COMPETITION_MOVES allows it and nobody has changed it
    since `seen` (its lock_version when the page was shown); record `action`."""
    before = competition.status
    workflow.move(competition, to, COMPETITION_WORKFLOW, seen=_unless_none(seen), **values)
    values = {"status": to, "lock_version": competition.lock_version, **values}
    record_change(action, competition, actor, before={"status": before}, after=_jsonable(values))
    if to in ocds.TAG_OF_MOVE and competition.published_at is not None:
        ocds.record_release(competition, ocds.TAG_OF_MOVE[to])


def _move_quote(actor: User, quote: Quote, to: str, seen: int | None, **values) -> None:
    workflow.move(quote, to, QUOTE_WORKFLOW, seen=_unless_none(seen), **values)


def _unless_none(seen: int | None):
    """A page that sent no version (a form from before versions, a button) is not compared."""
    return workflow.UNCHECKED if seen is None else seen


def _refuse_competition_move(refused: workflow.Refusal) -> CompetitionError:
    if not refused.allowed and refused.before is not None:
        return CompetitionError(_COMPETITION_REFUSALS[refused.before])
    return CompetitionError(CHANGED)


def _refuse_quote_move(refused: workflow.Refusal) -> CompetitionError:
    if not refused.allowed:
        return CompetitionError(
            "Your quote has been withdrawn: submit it again to take part"
            if refused.before == QUOTE_WITHDRAWN
            else "You have not submitted a quote"
        )
    return QuoteChanged()


COMPETITION_WORKFLOW = workflow.Workflow(frozenset(COMPETITION_MOVES), _refuse_competition_move)
QUOTE_WORKFLOW = workflow.Workflow(frozenset(QUOTE_MOVES), _refuse_quote_move)


def _jsonable(values: dict) -> dict:
    return {
        key: value.isoformat() if isinstance(value, (date, datetime)) else value
        for key, value in values.items()
    }


def _members(organisation_ids: list[int]) -> dict[int, list[User]]:
    """The members of each organisation, in one query."""
    members: dict[int, list[User]] = defaultdict(list)
    for membership in db.session.scalars(
        select(Membership)
        .where(Membership.organisation_id.in_(organisation_ids))
        .options(joinedload(Membership.user))
    ):
        members[membership.organisation_id].append(membership.user)
    return members


def _email_members_of_each(
    each: list[tuple[int, dict[str, Any]]], subject: str, template: str, **context: Any
) -> None:
    """Email every member of each organisation in `each`: its id, and what its own members'
    emails say besides `context` (`member` is the one an email goes to). One query for the
    members of them all."""
    members = _members([organisation_id for organisation_id, _own in each])
    for organisation_id, own in each:
        for member in members[organisation_id]:
            queue_email(member.email, subject, template, member=member, **context, **own)


def _email_invited(competition: Competition, subject: str, template: str, **context) -> None:
    """Email every member of every invited organisation."""
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.competition_id == competition.id)
        .options(joinedload(Invitation.organisation))
    ).all()
    _email_members_of_each(
        [
            (invitation.organisation_id, {"organisation": invitation.organisation})
            for invitation in invitations
        ],
        f"{subject}: {competition.title}",
        template,
        competition=competition,
        deadline=format_deadline(competition.submission_deadline),
        **context,
    )


# Shared by every stage --------------------------------------------------------------------------


def format_price(pence: int | None) -> str:
    if pence is None:
        return ""
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


def _reason(reason: str | None, field: str = "reason") -> str:
    return typed_text(
        reason, CompetitionError, field, missing="Enter a reason", limit=REASON_LIMIT, what="Reason"
    )


def _competition_statement(attachments: bool):
    options = [
        joinedload(Competition.lot),
        joinedload(Competition.created_by),
        selectinload(Competition.questions),
    ]
    if attachments:
        options.append(selectinload(Competition.attachments).joinedload(CompetitionAttachment.file))
    return (
        select(Competition).where(Competition.id == bindparam("competition_id")).options(*options)
    )


# Built once: building the statement and its loader options cost more than running it.
_COMPETITION = {attachments: _competition_statement(attachments) for attachments in (True, False)}


def get_competition(competition_id: int, attachments: bool = True) -> Competition:
    """For council staff. Raises NotFoundForUser (404). `attachments=False` leaves the
    competition's attachments to load if asked for: a page that never shows them (the results)
    saves a statement."""
    return found(db.session.scalar(_COMPETITION[attachments], {"competition_id": competition_id}))
