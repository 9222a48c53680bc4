"""Provider review meetings: when each provider's next one is due (by its risk), scheduling one
with its agenda built from the record, adding to the agenda, holding it (minutes, attendees,
the day), agreeing actions into the provider's action plan, and comments on the minutes by the
provider or the council. The calendar of meetings due and overdue: meeting_calendar.py.

How often: models.MEETING_MONTHS by the provider's risk today (high 3, medium 6, low 12
months), counted from the day its last meeting was held or, before its first, from the day it
was first admitted to the framework.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, Protocol

from sqlalchemy import (
    Date,
    Select,
    bindparam,
    case,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import defer, selectinload

from portal.accounts.models import User
from portal.admissions.models import REMOVED, Admission
from portal.audit.services import record_change
from portal.core import workflow
from portal.core.db import db
from portal.core.errors import NotFoundForUser, found, typed_text
from portal.core.time import LONDON, as_utc, format_date, today, utcnow
from portal.core.waiting import Figures, Waiting
from portal.kpi_returns import months
from portal.organisations.models import NAME_SHOWN, Membership, Organisation
from portal.organisations.services import email_members_of
from portal.quality.models import (
    MEETING_CANCELLED,
    MEETING_HELD,
    MEETING_MONTHS,
    MEETING_SCHEDULED,
    Action,
    Meeting,
    MeetingBasis,
    MeetingComment,
    ProviderRisk,
)
from portal.quality.services import risk
from portal.quality.services.actions import add_action
from portal.quality.services.agenda import build_agenda
from portal.quality.services.common import MEETING_MOVES, QualityError

HEADING_LIMIT = 120
AGENDA_TEXT_LIMIT = 2000
ATTENDEES_LIMIT = 2000
MINUTES_LIMIT = 20000
COMMENT_LIMIT = 2000
# The calendar shows providers whose meeting falls due within this many days and has not been
# scheduled (and every one already overdue).
DUE_AHEAD_DAYS = 62


# When meetings are due --------------------------------------------------------------------------


def _on_framework(organisation_ids: list[int]) -> dict[int, date]:
    """Those of the organisations on the framework (an admission not removed), each with the
    day it was first admitted (London): one query."""
    query = (
        select(Admission.organisation_id, func.min(Admission.admitted_at))
        .where(Admission.status != REMOVED, Admission.organisation_id.in_(organisation_ids))
        .group_by(Admission.organisation_id)
    )
    return {
        organisation_id: as_utc(admitted_at).astimezone(LONDON).date()
        for organisation_id, admitted_at in db.session.execute(query)
    }


def _last_held(organisation_ids: list[int]) -> dict[int, date]:
    return {
        organisation_id: held_on
        for organisation_id, held_on in db.session.execute(
            select(Meeting.organisation_id, func.max(Meeting.held_on))
            .where(Meeting.organisation_id.in_(organisation_ids), Meeting.status == MEETING_HELD)
            .group_by(Meeting.organisation_id)
        )
        if held_on is not None
    }


def _scheduled(organisation_ids: list[int]) -> dict[int, Meeting]:
    """Each organisation's scheduled meeting (the earliest, were there two)."""
    found: dict[int, Meeting] = {}
    for meeting in db.session.scalars(
        select(Meeting)
        .where(Meeting.organisation_id.in_(organisation_ids), Meeting.status == MEETING_SCHEDULED)
        # Lists of many providers show the day and link the meeting: not its agenda or minutes.
        .options(defer(Meeting.agenda), defer(Meeting.minutes), defer(Meeting.attendees))
        .order_by(Meeting.meets_on.desc(), Meeting.id.desc())
    ):
        found[meeting.organisation_id] = meeting
    return found


class Scheduled(Protocol):
    """What a due date reads of the meeting scheduled: a Meeting, or a page's line of one."""

    @property
    def id(self) -> int: ...

    @property
    def meets_on(self) -> date: ...


@dataclass(frozen=True)
class Due:
    """When an organisation's next review meeting is due, and why."""

    organisation_id: int
    rating: risk.Rating
    due_on: date
    last_held_on: date | None
    scheduled: Scheduled | None = None

    @property
    def every_months(self) -> int:
        return MEETING_MONTHS[self.rating.rating]


def _add_months(day: date, count: int) -> date:
    month = months.add_months(months.first_of(day), count)
    return month.replace(day=min(day.day, months.last_day(month).day))


def _bases() -> Any:
    """Per organisation on the framework: when it was first admitted, when it last met, its
    next meeting scheduled (the earliest) and when its next is due by its kept rating, as the
    database keeps them (MeetingBasis): a row per provider, not every admission and meeting
    ever held, and the due date compared, not worked out per provider."""
    return (
        select(
            MeetingBasis.organisation_id,
            MeetingBasis.admitted_at,
            MeetingBasis.held_on,
            MeetingBasis.meets_on,
            MeetingBasis.due_on,
        )
        .where(MeetingBasis.admitted_at.is_not(None))
        .subquery()
    )


def _rated(query: Any, bases: Any) -> Any:
    return query.outerjoin(ProviderRisk, ProviderRisk.organisation_id == bases.c.organisation_id)


# Built once, with the day and the last day counted as due as parameters: a statement built for
# every request costs more than running it. The providers with no meeting scheduled are read
# from a partial index of their own by the day they fall due (MeetingBasis), not every
# provider's row.
_TO_SCHEDULE_BASES = _bases()
_TO_SCHEDULE = (
    select(
        func.count(),
        func.sum(case((_TO_SCHEDULE_BASES.c.due_on < bindparam("on", type_=Date), 1), else_=0)),
    )
    .select_from(_TO_SCHEDULE_BASES)
    .where(
        _TO_SCHEDULE_BASES.c.meets_on.is_(None),
        _TO_SCHEDULE_BASES.c.due_on <= bindparam("until", type_=Date),
    )
)


def to_schedule(on: date, within_days: int, items: Callable[[int, int], list[Waiting]]) -> Figures:
    """How many providers' meetings fall due within `within_days` of `on` with none
    scheduled, and how many of those are overdue, as figures a home page reads with its others
    (a row per provider counted); `items` makes its items of the two counts."""
    return Figures(
        _TO_SCHEDULE,
        {"on": on, "until": on + timedelta(days=within_days)},
        lambda counts: items(counts[0], counts[1] or 0),
    )


def dues(organisation_ids: list[int], on: date, *, live: bool = True) -> dict[int, Due]:
    """When each organisation's next meeting is due (only those on the framework), with its
    rating (worked out now, or with `live` False as last kept: risk.kept_ratings) and any
    meeting scheduled: a fixed number of queries, however many."""
    joined = _on_framework(organisation_ids)
    ids = list(joined)
    if not ids:
        return {}
    ratings = risk.ratings_for(ids, on) if live else risk.kept_ratings(ids)
    held = _last_held(ids)
    scheduled = _scheduled(ids)
    return {
        id_: due_from(id_, ratings[id_], joined[id_], held.get(id_), scheduled.get(id_))
        for id_ in ids
    }


def due_from(
    organisation_id: int,
    rating: risk.Rating,
    joined: date,
    last_held_on: date | None,
    scheduled: Scheduled | None,
) -> Due:
    """When the next meeting is due, from what a page has already read: the day the
    organisation first joined the framework (London), its last meeting held, its scheduled one
    (the earliest)."""
    return Due(
        organisation_id=organisation_id,
        rating=rating,
        due_on=_add_months(last_held_on or joined, MEETING_MONTHS[rating.rating]),
        last_held_on=last_held_on,
        scheduled=scheduled,
    )


def due_of(organisation: Organisation, on: date) -> Due:
    """Raises NotFoundForUser for an organisation not on the framework."""
    found = dues([organisation.id], on).get(organisation.id)
    if found is None:
        raise NotFoundForUser()
    return found


def provider_to_meet(organisation_id: int, on: date) -> tuple[Organisation, Due]:
    """The organisation and when its meeting is due. Raises NotFoundForUser (404) for one that
    does not exist or is not on the framework."""
    organisation = found(db.session.get(Organisation, organisation_id))
    return organisation, due_of(organisation, on)


# The status written into the SQL so that a prepared statement's plan uses the partial index of
# scheduled meetings by day (Meeting), and columns, not whole meetings with their agenda and
# minutes: the home shows a meeting's day and its provider's name.
_UNMINUTED = (
    select(Meeting.id, Meeting.meets_on, NAME_SHOWN)
    .join(Organisation, Organisation.id == Meeting.organisation_id)
    .where(
        Meeting.status == literal_column(f"'{MEETING_SCHEDULED}'"),
        Meeting.meets_on < bindparam("on", type_=Date),
    )
    .order_by(Meeting.meets_on, Meeting.id)
)


@cache
def unminuted(limit: int) -> Select[tuple[int, date, str]]:
    """Scheduled meetings whose day (before `on`, its parameter) has passed without minutes,
    oldest first, `limit` of them: each one's id, day and provider's name. A list a home reads
    with its others (core.waiting.Listed: limited within a subquery, then in its order). Built
    once for each limit: a statement built for every request costs more than running it."""
    oldest = _UNMINUTED.limit(limit).subquery()
    return select(oldest.c.id, oldest.c.meets_on, oldest.c[2]).order_by(
        oldest.c.meets_on, oldest.c.id
    )


# Loading one meeting ----------------------------------------------------------------------------


def _load(meeting_id: int) -> Meeting | None:
    return db.session.scalars(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.organisation),
            selectinload(Meeting.comments).selectinload(MeetingComment.author),
        )
    ).first()


def meeting_for_council(meeting_id: int) -> Meeting:
    """Raises NotFoundForUser (404) for a meeting that does not exist."""
    meeting = _load(meeting_id)
    if meeting is None:
        raise NotFoundForUser()
    return meeting


def meeting_for_member(user: User, meeting_id: int) -> Meeting:
    """A meeting of an organisation `user` belongs to. Raises NotFoundForUser (404) for any
    other organisation's, so ids cannot be probed, and for a cancelled one."""
    meeting = _load(meeting_id)
    if meeting is None or meeting.status == MEETING_CANCELLED:
        raise NotFoundForUser()
    member = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id, Membership.organisation_id == meeting.organisation_id
        )
    )
    if member is None:
        raise NotFoundForUser()
    return meeting


def meetings_of(organisation_id: int) -> list[Meeting]:
    """An organisation's meetings, not cancelled, newest first (one query)."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.organisation_id == organisation_id, Meeting.status != MEETING_CANCELLED)
            .order_by(Meeting.meets_on.desc(), Meeting.id.desc())
        )
    )


def agreed_actions(meeting: Meeting) -> list[Action]:
    return list(
        db.session.scalars(
            select(Action).where(Action.meeting_id == meeting.id).order_by(Action.id)
        )
    )


# Changes ----------------------------------------------------------------------------------------


def _tell_members(
    meeting: Meeting, organisation: Organisation, subject: str, template: str
) -> None:
    email_members_of(organisation, subject, template, organisation=organisation, meeting=meeting)


def schedule_meeting(user: User, organisation: Organisation, meets_on: date | None) -> Meeting:
    """Schedule `organisation`'s next review meeting on `meets_on` (today or later), with its
    agenda built from the record today and the risk that set when it is due. One meeting is
    scheduled at a time. Audited; the provider's members are emailed."""
    if meets_on is None:
        raise QualityError("Enter the date of the meeting", "meets_on")
    on = today()
    if meets_on < on:
        raise QualityError("The date of the meeting must be today or in the future", "meets_on")
    due = due_of(organisation, on)
    if due.scheduled is not None:
        raise QualityError(
            "A review meeting is already scheduled for "
            f"{format_date(due.scheduled.meets_on)}: hold or cancel it first",
            "meets_on",
        )
    meeting = Meeting(
        organisation_id=organisation.id,
        due_on=due.due_on,
        meets_on=meets_on,
        risk=due.rating.rating,
        agenda=build_agenda(organisation, due.rating, due.last_held_on, on),
        scheduled_by_id=user.id,
    )
    db.session.add(meeting)
    db.session.flush()
    record_change(
        "meeting.scheduled",
        meeting,
        user,
        organisation.id,
        after={
            "meets_on": meets_on.isoformat(),
            "due_on": due.due_on.isoformat(),
            "risk": due.rating.rating,
        },
    )
    _tell_members(
        meeting,
        organisation,
        f"Provider review meeting on {format_date(meets_on)}",
        "meeting_scheduled",
    )
    return meeting


def add_to_agenda(user: User, meeting: Meeting, heading: str | None, text: str | None) -> None:
    """Add an item to a scheduled meeting's agenda (a heading of the reviewer's, or "Added by
    the council", and its lines). Audited."""
    if meeting.status != MEETING_SCHEDULED:
        raise QualityError("This meeting has already been held or cancelled")
    heading = (heading or "").strip() or "Added by the council"
    if len(heading) > HEADING_LIMIT:
        raise QualityError(f"The heading must be {HEADING_LIMIT} characters or fewer", "heading")
    body = typed_text(
        text,
        QualityError,
        "text",
        missing="Enter what to discuss",
        limit=AGENDA_TEXT_LIMIT,
        what="What to discuss",
    )
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    item: dict[str, Any] = {"heading": heading, "lines": lines, "added": True}
    workflow.change(meeting, MEETING_MOVES, agenda=[*meeting.agenda, item])
    record_change("meeting.agenda_added", meeting, user, meeting.organisation_id, after=item)


@dataclass(frozen=True)
class Minutes:
    held_on: date | None
    attendees: str | None
    minutes: str | None


def record_minutes(user: User, meeting: Meeting, typed: Minutes, seen: int | None) -> None:
    """The meeting was held: its day (not in the future), who attended, the minutes. Moves it
    from scheduled to held once (two people recording at once: the second is refused, nothing
    of theirs written). Audited; the provider's members are emailed that the minutes are
    published."""
    if typed.held_on is None:
        raise QualityError("Enter the date the meeting was held", "held_on")
    if typed.held_on > today():
        raise QualityError("The date the meeting was held must be today or in the past", "held_on")
    attendees = typed_text(
        typed.attendees,
        QualityError,
        "attendees",
        missing="Enter who attended",
        limit=ATTENDEES_LIMIT,
        what="Who attended",
    )
    minutes = typed_text(
        typed.minutes,
        QualityError,
        "minutes",
        missing="Enter the minutes",
        limit=MINUTES_LIMIT,
        what="The minutes",
    )
    workflow.move(
        meeting,
        MEETING_HELD,
        MEETING_MOVES,
        seen=seen,
        held_on=typed.held_on,
        attendees=attendees,
        minutes=minutes,
        minuted_by_id=user.id,
        minuted_at=utcnow(),
    )
    record_change(
        "meeting.held",
        meeting,
        user,
        meeting.organisation_id,
        after={"held_on": typed.held_on.isoformat(), "attendees": attendees},
    )
    _tell_members(
        meeting,
        meeting.organisation,
        f"Minutes of your provider review meeting on {format_date(typed.held_on)}",
        "meeting_minutes",
    )
    risk.refresh_one(meeting.organisation)


def agree_action(
    user: User, meeting: Meeting, *, title: str, owner: str, due_on: date | None, detail: str
) -> Action:
    """An action agreed at a held meeting, into the provider's action plan (add_action)."""
    if meeting.status != MEETING_HELD:
        raise QualityError("Record the minutes first: actions are agreed at a meeting held")
    action = add_action(
        meeting.organisation,
        user,
        title=title,
        owner=owner,
        due_on=due_on,
        detail=detail,
        meeting=meeting,
    )
    risk.refresh_one(meeting.organisation)
    return action


def comment_on(user: User, meeting: Meeting, body: str | None) -> MeetingComment:
    """A comment on a held meeting's minutes, by one of the provider's members or the council.
    Audited."""
    if meeting.status != MEETING_HELD:
        raise QualityError("You can comment once the minutes are published", "body")
    text = typed_text(
        body,
        QualityError,
        "body",
        missing="Enter your comment",
        limit=COMMENT_LIMIT,
        what="Your comment",
    )
    comment = MeetingComment(meeting_id=meeting.id, author_id=user.id, body=text)
    db.session.add(comment)
    db.session.flush()
    record_change(
        "meeting.commented",
        meeting,
        user,
        meeting.organisation_id,
        after={"comment_id": comment.id},
    )
    return comment
