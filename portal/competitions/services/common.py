"""What every stage of a competition shares: its error, the clock, the two state machines and
the helpers that record and announce a change.

Two state machines, each with one table and one function that moves along it: COMPETITION_MOVES
(draft → published → awarded → confirmed, or cancelled) and QUOTE_MOVES (draft → submitted ↔
withdrawn, submitted again for each revision). Each move checks the table and the row's
lock_version in one UPDATE, records an audit event and queues its emails.

Whether a competition is open is read from its deadlines against `now()`, the database's clock,
never the browser's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import ADMIN, COMMISSIONER, User
from portal.audit.services import record_event
from portal.competitions import ocds
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
from portal.core.db import db
from portal.core.errors import NotFoundForUser
from portal.core.time import LONDON, as_utc, format_date
from portal.organisations.models import Membership
from portal.outbox.services import queue_email

MANAGERS = (COMMISSIONER, ADMIN)
REASON_LIMIT = 2000
CLOSING_SOON = timedelta(hours=48)


class CompetitionError(Exception):
    """Something that cannot be done, with a message to show (on `field` when given)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class QuoteChanged(CompetitionError):
    """The quote changed after the page was shown (another tab, a colleague): QUOTE_CHANGED.
    The quote the exception is raised for has been refreshed to what is saved now."""

    def __init__(self) -> None:
        super().__init__(QUOTE_CHANGED)


# The clock --------------------------------------------------------------------------------------


def database_now() -> datetime:
    """The database's clock, in UTC: every deadline is judged by it, never by the browser's
    clock or a web server's."""
    if db.is_postgresql:
        return as_utc(db.session.scalar(select(func.now())))
    text = db.session.scalar(select(func.strftime("%Y-%m-%d %H:%M:%f", "now")))
    return as_utc(datetime.fromisoformat(text))


def now() -> datetime:
    """The time every deadline is judged by: the database's clock. Tests move it with the
    COMPETITION_CLOCK_OFFSET setting (a timedelta), so no test has to wait for a deadline."""
    return database_now() + current_app.config.get("COMPETITION_CLOCK_OFFSET", timedelta(0))


def london_today(at: datetime) -> date:
    return at.astimezone(LONDON).date()


def format_deadline(moment: datetime) -> str:
    """'12pm on Friday 5 March 2027': a deadline with the day of the week, London time."""
    local = as_utc(moment).astimezone(LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    time = f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"
    return f"{time} on {local:%A} {format_date(local)}"


def is_open(competition: Competition, at: datetime) -> bool:
    return competition.status == PUBLISHED and at < competition.submission_deadline


def is_sealed(competition: Competition, at: datetime) -> bool:
    return competition.status == DRAFT or at < competition.submission_deadline


def questions_open(competition: Competition, at: datetime) -> bool:
    return competition.status == PUBLISHED and at < competition.clarification_deadline


@dataclass(frozen=True)
class Stage:
    label: str
    colour: str
    time_left: str = ""


def stage(competition: Competition, at: datetime) -> Stage:
    """Where the competition is, read from its status and deadlines."""
    if competition.status == DRAFT:
        return Stage("Draft", "grey")
    if competition.status == CANCELLED:
        return Stage("Cancelled", "red")
    if competition.status == AWARDED:
        return Stage("Awarded, in standstill", "blue")
    if competition.status == CONFIRMED:
        return Stage("Awarded", "green")
    left = competition.submission_deadline - at
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
    if (before, to) not in COMPETITION_MOVES:
        raise CompetitionError(_COMPETITION_REFUSALS[before])
    if seen is not None and seen != competition.lock_version:
        raise CompetitionError(CHANGED)
    values = {"status": to, "lock_version": competition.lock_version + 1, **values}
    moved = db.session.execute(
        update(Competition)
        .where(
            Competition.id == competition.id,
            Competition.lock_version == competition.lock_version,
            Competition.status == before,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.refresh(competition)
        raise CompetitionError(CHANGED)
    for name, value in values.items():
        set_committed_value(competition, name, value)
    _audit(action, actor, competition, before={"status": before}, after=_jsonable(values))
    if to in ocds.TAG_OF_MOVE and competition.published_at is not None:
        ocds.record_release(competition, ocds.TAG_OF_MOVE[to])


def _move_quote(actor: User, quote: Quote, to: str, seen: int | None, **values) -> None:
    before = quote.status
    if (before, to) not in QUOTE_MOVES:
        raise CompetitionError(
            "Your quote has been withdrawn: submit it again to take part"
            if before == QUOTE_WITHDRAWN
            else "You have not submitted a quote"
        )
    if seen is not None and seen != quote.lock_version:
        raise QuoteChanged()
    values = {"status": to, "lock_version": quote.lock_version + 1, **values}
    moved = db.session.execute(
        update(Quote)
        .where(Quote.id == quote.id, Quote.lock_version == quote.lock_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.refresh(quote)
        raise QuoteChanged()
    for name, value in values.items():
        set_committed_value(quote, name, value)


def _jsonable(values: dict) -> dict:
    return {
        key: value.isoformat() if isinstance(value, (date, datetime)) else value
        for key, value in values.items()
    }


def _audit(action: str, actor: User | None, competition: Competition, **detail) -> None:
    record_event(
        action,
        object_type="competition",
        object_id=competition.id,
        actor_id=actor.id if actor else None,
        **detail,
    )


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


def _email_invited(competition: Competition, subject: str, template: str, **context) -> None:
    """Email every member of every invited organisation."""
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.competition_id == competition.id)
        .options(joinedload(Invitation.organisation))
    ).all()
    members = _members([invitation.organisation_id for invitation in invitations])
    for invitation in invitations:
        for user in members[invitation.organisation_id]:
            queue_email(
                user.email,
                f"{subject}: {competition.title}",
                template,
                competition=competition,
                organisation=invitation.organisation,
                member=user,
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
    reason = (reason or "").strip()
    if not reason:
        raise CompetitionError("Enter a reason", field)
    if len(reason) > REASON_LIMIT:
        raise CompetitionError(f"Reason must be {REASON_LIMIT} characters or fewer", field)
    return reason


def get_competition(competition_id: int) -> Competition:
    """For council staff. Raises NotFoundForUser (404)."""
    competition = db.session.scalar(
        select(Competition)
        .where(Competition.id == competition_id)
        .options(
            joinedload(Competition.lot),
            joinedload(Competition.created_by),
            selectinload(Competition.questions),
            selectinload(Competition.attachments).joinedload(CompetitionAttachment.file),
        )
    )
    if competition is None:
        raise NotFoundForUser()
    return competition
