"""What of mini-competitions and placement requests is waiting for someone, for their home
page: a provider's invitations still open to its quote; a commissioner's competitions at each
stage that needs them (to publish, questions to answer, closed and ready to evaluate, an award in
standstill to confirm). A fixed number of queries, however many competitions there are."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import partial
from typing import Any, NamedTuple

from sqlalchemy import (
    DateTime,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    type_coerce,
)

from portal.accounts.models import User
from portal.competitions.clock import format_deadline, london_today, now
from portal.competitions.models import (
    AWARDED,
    DRAFT,
    KINDS,
    PUBLISHED,
    QUOTE_SUBMITTED,
    Clarification,
    Competition,
    Evaluator,
    Invitation,
    Quote,
    reference_of,
)
from portal.competitions.services.common import CLOSING_SOON
from portal.core.permissions import can
from portal.core.time import as_utc, format_date
from portal.core.waiting import DUE_SOON, OVERDUE, TO_DO, Listed, Waiting, plural, the_rest
from portal.organisations.models import Organisation

# How many competitions needing action, or open to a provider's quote, the home lists one by one
# (the rest are counted).
LISTED = 10


def waiting_for(user: User, organisations: list[Organisation]) -> list[Waiting] | list[Listed]:
    if not user.is_staff:
        return _for_provider(organisations)
    if not can(user, "manage_competitions"):
        return _to_score(user)
    return _for_managers(user)


# Columns, not whole competitions, by a statement built once (as _OPEN_TO_QUOTE below): the
# home shows a competition's title, kind, number and deadline, and an object of every column
# cost more to load than the item did to write.
_SCORING = (
    Evaluator.user_id == bindparam("user_id"),
    Evaluator.has_conflict.is_not(True),
    Evaluator.scores_submitted_at.is_(None),
    Competition.status == PUBLISHED,
    Competition.submission_deadline <= bindparam("at"),
    Competition.moderation_closed_at.is_(None),
)
_TO_SCORE = (
    select(Competition.id, Competition.title, Competition.kind, Competition.submission_deadline)
    .join(Evaluator, Evaluator.competition_id == Competition.id)
    .where(*_SCORING)
    .order_by(Competition.submission_deadline, Competition.id)
)


def _to_score(user: User) -> list[Listed]:
    """Competitions closed for quotes on whose panel the user sits, their scores not yet
    submitted (read with the home's other lists)."""
    return [Listed(_TO_SCORE, {"user_id": user.id, "at": now()}, _scoring)]


def _score_item(competition_id: int, title: str, kind: str, deadline: datetime) -> Waiting:
    return Waiting(
        link=f"Score the quotes for ‘{title}’",
        endpoint="competitions.evaluation",
        args={"competition_id": competition_id},
        hint=f"{KINDS[kind]} {reference_of(kind, competition_id)} closed at "
        f"{format_deadline(deadline)}: you are on the panel",
        urgency=DUE_SOON,
    )


# Columns, not whole competitions: a provider may be invited to many at once. Built once: a
# statement built for every request costs more than running it. The deadline as the driver
# gives it, not made UTC row by row (UTCDateTime): a hundred invitations close at a few
# moments, each made UTC once.
_INVITED_OPEN = (
    Invitation.organisation_id.in_(bindparam("ids", expanding=True)),
    Invitation.declined_at.is_(None),
    Competition.status == PUBLISHED,
    Competition.submission_deadline > bindparam("at"),
    ~select(Quote.id)
    .where(
        Quote.competition_id == Competition.id,
        Quote.organisation_id == Invitation.organisation_id,
        Quote.status == QUOTE_SUBMITTED,
    )
    .exists(),
)
# The soonest LISTED, limited within (as _NEEDING_ACTION below), with how many in all: a home
# listing every invitation grew with the council (the bench's provider at ten times its size had
# a hundred and fifty, the page 108 KB), where the opportunities list pages through them all.
_CLOSING_SOONEST = (
    select(
        Competition.id,
        Competition.title,
        Competition.kind,
        type_coerce(Competition.submission_deadline, DateTime(timezone=True)).label("deadline"),
        Invitation.organisation_id,
        select(func.count(Invitation.id))
        .join(Competition, Competition.id == Invitation.competition_id)
        .where(*_INVITED_OPEN)
        .correlate(None)
        .scalar_subquery()
        .label("total"),
    )
    .join(Invitation, Invitation.competition_id == Competition.id)
    .where(*_INVITED_OPEN)
    # Then by organisation: one competition may invite two of the person's organisations.
    .order_by(Competition.submission_deadline, Competition.id, Invitation.organisation_id)
    .limit(LISTED)
    .subquery()
)
_OPEN_TO_QUOTE = select(*_CLOSING_SOONEST.c).order_by(
    _CLOSING_SOONEST.c.deadline, _CLOSING_SOONEST.c.id, _CLOSING_SOONEST.c.organisation_id
)


def _for_provider(organisations: list[Organisation]) -> list[Listed]:
    """Competitions an organisation is invited to that are still open, not declined and without
    a submitted quote: the LISTED closing soonest, and one item for the rest when more are open
    (read with the home's other lists)."""
    at = now()
    names = {organisation.id: organisation.display_name for organisation in organisations}
    return [Listed(_OPEN_TO_QUOTE, {"ids": list(names), "at": at}, partial(_open, names, at))]


def _open(names: dict[int, str], at: datetime, rows: list[Sequence[Any]]) -> list[Waiting]:
    """The items for the rows of _OPEN_TO_QUOTE, and one for the rest when more are open."""
    # Each deadline's words, London date and urgency worked out once: invitations close at a
    # few moments.
    deadlines: dict[datetime, tuple[str, date, int]] = {}
    several = len(names) > 1
    items = []
    for competition_id, title, kind, read, organisation_id, _total in rows:
        named = f" for {names[organisation_id]}" if several else ""
        shown = deadlines.get(read)
        if shown is None:
            deadline = as_utc(read)
            shown = deadlines[read] = (
                format_deadline(deadline),
                london_today(deadline),
                DUE_SOON if deadline - at <= CLOSING_SOON else TO_DO,
            )
        items.append(
            Waiting(
                link=f"Quote for ‘{title}’{named}",
                endpoint="competitions.show",
                args={"competition_id": competition_id},
                hint=f"{KINDS[kind]}: quotes close at {shown[0]}",
                urgency=shown[2],
                due=shown[1],
            )
        )
    total = rows[0][-1] if rows else 0
    return items + the_rest(
        total,
        LISTED,
        "All your opportunities",
        "competitions.index",
        f"{total} open to your quote; the {LISTED} closing soonest are listed above",
    )


# What a commissioner's competitions need, built once with the moment (`at`, and London's date
# `today`) and the user (`user_id`) as parameters.
_UNANSWERED = (
    select(func.count(Clarification.id))
    .where(Clarification.competition_id == Competition.id, Clarification.answered_at.is_(None))
    .correlate(Competition)
    .scalar_subquery()
)
# Whether any question waits for an answer, for the conditions: stops at the first, from the
# index of unanswered questions (ix_competition_clarifications_unanswered), where a count read
# every question of every competition the home looks at.
_ANY_UNANSWERED = (
    select(Clarification.id)
    .where(Clarification.competition_id == Competition.id, Clarification.answered_at.is_(None))
    .correlate(Competition)
    .exists()
)
# Closed and ready to evaluate, unless the user is to score it (it is listed once, as theirs
# to score: _TO_SCORE's rule, of a competition already published and closed).
_USER_TO_SCORE = (
    select(Evaluator.id)
    .where(
        Evaluator.competition_id == Competition.id,
        Evaluator.user_id == bindparam("user_id"),
        Evaluator.has_conflict.is_not(True),
        Evaluator.scores_submitted_at.is_(None),
    )
    .correlate(Competition)
    .exists()
)
_CLOSED = and_(
    Competition.status == PUBLISHED,
    Competition.submission_deadline <= bindparam("at"),
    ~and_(Competition.moderation_closed_at.is_(None), _USER_TO_SCORE),
)
_NEEDS_ACTION = or_(
    Competition.status.in_((DRAFT, AWARDED)),
    _CLOSED,
    and_(Competition.status == PUBLISHED, _ANY_UNANSWERED),
)
_MOST_URGENT_FIRST = case(
    (and_(Competition.status == AWARDED, Competition.standstill_ends_on < bindparam("today")), 0),
    (and_(Competition.status == PUBLISHED, _ANY_UNANSWERED), 1),
    (_CLOSED, 2),
    (Competition.status == DRAFT, 3),
    else_=4,
)
# How many in all rides on the listed rows, counted once by a subquery of its own (not a window
# over the rows, which would order every row first). It is only shown when more than LISTED
# need action, so with no row listed it is not needed. The columns the items show, not whole
# competitions.
_NEEDING_ACTION = (
    select(
        _MOST_URGENT_FIRST.label("rank"),
        Competition.id,
        Competition.title,
        Competition.kind,
        Competition.status,
        Competition.standstill_ends_on,
        Competition.submission_deadline,
        Competition.clarification_deadline,
        _UNANSWERED.label("unanswered"),
        select(func.count(Competition.id))
        .where(_NEEDS_ACTION)
        .correlate(None)
        .scalar_subquery()
        .label("total"),
    )
    .where(_NEEDS_ACTION)
    .order_by(_MOST_URGENT_FIRST, Competition.submission_deadline, Competition.id)
    .limit(LISTED)
    .subquery()
)
# The most urgent, limited within, in their order: a list the home reads with its others
# (core.waiting.Listed, which is not limited itself).
_NEEDING = select(*_NEEDING_ACTION.c).order_by(
    _NEEDING_ACTION.c.rank, _NEEDING_ACTION.c.submission_deadline, _NEEDING_ACTION.c.id
)


class _Needing(NamedTuple):
    """A row of _NEEDING."""

    rank: int
    id: int
    title: str
    kind: str
    status: str
    standstill_ends_on: date | None
    submission_deadline: datetime
    clarification_deadline: datetime
    unanswered: int
    total: int


def _for_managers(user: User) -> list[Listed]:
    """The competitions the user is to score (as _to_score), then each competition needing its
    commissioner, most urgent first: an award whose standstill has ended (to confirm),
    questions from providers not answered, closed and ready to evaluate, a draft to publish, an
    award still in standstill. Those the user is to score are listed once, as scoring. Read
    with the home's other lists."""
    at = now()
    today = london_today(at)
    params = {"at": at, "today": today, "user_id": user.id}
    return [
        Listed(_TO_SCORE, params, _scoring),
        Listed(_NEEDING, params, partial(_needing, at, today)),
    ]


def _scoring(rows: list[Sequence[Any]]) -> list[Waiting]:
    """The items for the rows of _TO_SCORE."""
    return [_score_item(*row) for row in rows]


def _needing(at: datetime, today: date, rows: list[Sequence[Any]]) -> list[Waiting]:
    """The items for the rows of _NEEDING, and one for the rest when more need action."""
    needing = [_Needing._make(row) for row in rows]
    items = [_item(row, at, today) for row in needing]
    total = needing[0].total if needing else 0
    return items + the_rest(
        total,
        LISTED,
        "All mini-competitions and placement requests",
        "competitions.index",
        f"{total} need your action; the {LISTED} most urgent are listed above",
    )


def _item(competition: _Needing, at: datetime, today: date) -> Waiting:
    """The item for one row of _NEEDING."""
    show = {"competition_id": competition.id}
    what = f"{KINDS[competition.kind]} {reference_of(competition.kind, competition.id)}"
    if competition.status == DRAFT:
        return Waiting(
            link=f"Publish ‘{competition.title}’",
            endpoint="competitions.show",
            args=show,
            hint=f"{what} is a draft: finish it and publish it to invite quotes",
        )
    if competition.status == AWARDED:
        ends = competition.standstill_ends_on
        ended = ends is not None and ends < today
        return Waiting(
            link=f"Confirm the award of ‘{competition.title}’",
            endpoint="competitions.show",
            args=show,
            hint=f"{what}: the standstill {'ended' if ended else 'ends'} on {format_date(ends)}",
            urgency=OVERDUE if ended else TO_DO,
            due=ends,
        )
    if competition.submission_deadline <= at:
        return Waiting(
            link=f"Evaluate the quotes for ‘{competition.title}’",
            endpoint="competitions.show",
            args=show,
            hint=f"{what} closed at {format_deadline(competition.submission_deadline)}",
            urgency=DUE_SOON,
        )
    questions = competition.unanswered
    return Waiting(
        link=f"Answer questions on ‘{competition.title}’",
        endpoint="competitions.show",
        args=show,
        hint=f"{what}: {plural(questions, 'question', 'questions')} from providers not answered; "
        f"questions close at {format_deadline(competition.clarification_deadline)}",
        urgency=DUE_SOON,
        due=london_today(competition.clarification_deadline),
    )
