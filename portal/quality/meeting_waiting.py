"""What of review meetings is waiting for someone, for their home page. The quality officers:
providers whose meeting is due within a month (or overdue) with none scheduled, and meetings
whose day has passed without minutes. A provider: its meetings coming up. A fixed number of
queries, however many providers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.core.permissions import can
from portal.core.time import format_date, today
from portal.core.waiting import DUE_SOON, OVERDUE, Waiting, plural
from portal.organisations.models import Organisation
from portal.quality.models import MEETING_SCHEDULED, Meeting
from portal.quality.services import meetings

# A meeting due within this many days, with none scheduled, is waiting to be scheduled.
SCHEDULE_WITHIN_DAYS = 31
# How many meetings waiting for minutes the home lists one by one.
LISTED = 10


def waiting_for(user: User, organisations: list[Organisation]) -> list[Waiting]:
    if user.is_staff:
        return _for_officers() if can(user, "assure_quality") else []
    return _coming_up(organisations)


def _for_officers() -> list[Waiting]:
    on = today()
    calendar = meetings.calendar(on)
    entries = calendar.overdue + [entry for _, month in calendar.by_month for entry in month]
    to_schedule = [
        entry
        for entry in entries
        if entry.meeting is None and entry.day <= on + timedelta(days=SCHEDULE_WITHIN_DAYS)
    ]
    items = []
    if to_schedule:
        overdue = sum(1 for entry in to_schedule if entry.overdue)
        items.append(
            Waiting(
                link=f"Schedule {plural(len(to_schedule), 'review meeting', 'review meetings')}",
                endpoint="quality.meetings_calendar",
                hint=(
                    f"{overdue} overdue, the rest due within a month"
                    if overdue
                    else "Due within a month, with none scheduled"
                ),
                urgency=OVERDUE if overdue else DUE_SOON,
                due=min(entry.day for entry in to_schedule),
            )
        )
    unminuted = [entry for entry in calendar.overdue if entry.meeting is not None]
    for entry in unminuted[:LISTED]:
        assert entry.meeting is not None
        items.append(
            Waiting(
                link=f"Publish the minutes of the meeting with {entry.organisation_name}",
                endpoint="quality.record_minutes",
                args={"meeting_id": entry.meeting.id},
                hint=f"The meeting was set for {format_date(entry.day)}",
                urgency=OVERDUE,
                due=entry.day,
            )
        )
    return items


def _coming_up(organisations: list[Organisation]) -> list[Waiting]:
    names = {organisation.id: organisation.display_name for organisation in organisations}
    if not names:
        return []
    return [
        Waiting(
            link=f"Review meeting with the council on {format_date(meeting.meets_on)}",
            endpoint="quality.meeting",
            args={"meeting_id": meeting.id},
            hint=f"For {names[meeting.organisation_id]}: read the agenda",
            urgency=DUE_SOON,
            due=meeting.meets_on,
        )
        for meeting in db.session.scalars(
            select(Meeting)
            .where(
                Meeting.organisation_id.in_(names),
                Meeting.status == MEETING_SCHEDULED,
                Meeting.meets_on >= today(),
            )
            .order_by(Meeting.meets_on, Meeting.id)
        )
    ]
