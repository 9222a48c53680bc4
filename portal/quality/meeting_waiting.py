"""What of review meetings is waiting for someone, for their home page. The quality officers:
providers whose meeting is due within a month (or overdue) with none scheduled, and meetings
whose day has passed without minutes. A provider: its meetings coming up. A fixed number of
queries, however many providers."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from sqlalchemy import bindparam, select

from portal.accounts.models import User
from portal.core.permissions import can
from portal.core.time import format_date, today
from portal.core.waiting import DUE_SOON, OVERDUE, Figures, Listed, Waiting, plural
from portal.organisations.models import Organisation
from portal.quality.models import MEETING_SCHEDULED, Meeting
from portal.quality.services import meetings

# A meeting due within this many days, with none scheduled, is waiting to be scheduled.
SCHEDULE_WITHIN_DAYS = 31
# How many meetings waiting for minutes the home lists one by one.
LISTED = 10


# Built once: a statement built for every request costs more than running it.
_COMING_UP = (
    select(Meeting.id, Meeting.organisation_id, Meeting.meets_on)
    .where(
        Meeting.organisation_id.in_(bindparam("ids", expanding=True)),
        Meeting.status == MEETING_SCHEDULED,
        Meeting.meets_on >= bindparam("on"),
    )
    .order_by(Meeting.meets_on, Meeting.id)
)


def waiting_for(
    user: User, organisations: list[Organisation]
) -> Sequence[Waiting | Figures | Listed]:
    if user.is_staff:
        return _for_officers() if can(user, "assure_quality") else []
    return _coming_up(organisations)


def _for_officers() -> list[Figures | Listed]:
    on = today()
    return [
        meetings.to_schedule(on, SCHEDULE_WITHIN_DAYS, _to_schedule),
        Listed(meetings.unminuted(LISTED), {"on": on}, _unminuted),
    ]


def _unminuted(rows: list[Sequence[Any]]) -> list[Waiting]:
    """The items for the meetings waiting for minutes (rows of meetings.unminuted)."""
    return [
        Waiting(
            link=f"Publish the minutes of the meeting with {name}",
            endpoint="quality.record_minutes",
            args={"meeting_id": meeting_id},
            hint=f"The meeting was set for {format_date(meets_on)}",
            urgency=OVERDUE,
            due=meets_on,
        )
        for meeting_id, meets_on, name in rows
    ]


def _to_schedule(due: int, overdue: int) -> list[Waiting]:
    """The item for the providers whose meeting is due with none scheduled (counted)."""
    if not due:
        return []
    return [
        Waiting(
            link=f"Schedule {plural(due, 'review meeting', 'review meetings')}",
            endpoint="quality.meetings_calendar",
            hint=(
                f"{overdue} overdue, the rest due within a month"
                if overdue
                else "Due within a month, with none scheduled"
            ),
            urgency=OVERDUE if overdue else DUE_SOON,
        )
    ]


def _coming_up(organisations: list[Organisation]) -> list[Listed]:
    """The organisations' meetings coming up (read with the home's other lists)."""
    names = {organisation.id: organisation.display_name for organisation in organisations}
    if not names:
        return []
    return [Listed(_COMING_UP, {"ids": list(names), "on": today()}, partial(_meetings, names))]


def _meetings(names: dict[int, str], rows: list[Sequence[Any]]) -> list[Waiting]:
    """The items for the rows of _COMING_UP."""
    return [
        Waiting(
            link=f"Review meeting with the council on {format_date(meets_on)}",
            endpoint="quality.meeting",
            args={"meeting_id": meeting_id},
            hint=f"For {names[organisation_id]}: read the agenda",
            urgency=DUE_SOON,
            due=meets_on,
        )
        for meeting_id, organisation_id, meets_on in rows
    ]
