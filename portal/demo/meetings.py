"""Demo review meetings and risk, made through the quality services by the reviewer, with the
clock set to when each step happened: Stourbridge Mentoring Trust (struggling figures, an
expired insurance certificate) was met four months ago and agreed two actions it has let go
overdue, so the nightly rating makes it high risk and its next meeting is already due for the
reviewer; Bright Futures has a meeting coming up, its agenda built from its record. Then the
ratings are worked out as the nightly job does."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.core.time import clock_set_to, london_hour, today
from portal.organisations.models import Organisation
from portal.quality.models import Meeting
from portal.quality.services import meetings, risk


def seed(users: dict[str, User], made: dict[str, Organisation]) -> None:
    if db.session.scalar(select(Meeting.id).limit(1)) is not None:
        return
    reviewer = users["reviewer@example.org"]
    now = today()
    struggling = made["provider2@example.org"]
    met_on = now - timedelta(days=120)
    with clock_set_to(london_hour(met_on - timedelta(days=14), 10)):
        held = meetings.schedule_meeting(reviewer, struggling, met_on)
    with clock_set_to(london_hour(met_on, 15)):
        meetings.record_minutes(
            reviewer,
            held,
            meetings.Minutes(
                met_on,
                "Rachel Reviewer, Dudley Council\nSam Second-Provider, Stourbridge Mentoring Trust",
                "Attendance has fallen for three months running. The trust explained that two "
                "mentors left in the summer. We agreed a recovery plan and the actions below. "
                "The employer's liability certificate is due for renewal.",
            ),
            held.lock_version,
        )
        for title, owner in (
            ("Send a recruitment plan for two mentors", "Sam Second-Provider"),
            ("Upload the renewed employer's liability certificate", "Sam Second-Provider"),
        ):
            meetings.agree_action(
                reviewer,
                held,
                title=title,
                owner=owner,
                due_on=met_on + timedelta(days=60),
                detail="",
            )
    bright = made["provider@example.org"]
    with clock_set_to(london_hour(now - timedelta(days=2), 10)):
        meetings.schedule_meeting(reviewer, bright, now + timedelta(days=12))
    db.session.flush()
    risk.refresh_all()
