"""Review meetings through their pages, as a reviewer and a provider would use them."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.core.db import db
from portal.core.time import today
from portal.quality.models import Meeting
from tests.contracts.contract_pages import hidden


def day_parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def schedule_url(organisation) -> str:
    return f"/quality/providers/{organisation.id}/meetings/new"


def schedule(client, organisation, meets_on: date | None = None):
    url = schedule_url(organisation)
    meets_on = meets_on or today() + timedelta(days=14)
    return client.post(url, data=hidden(client, url) | {"meets_on": day_parts(meets_on)})


def only_meeting() -> Meeting:
    db.session.rollback()
    return db.session.scalars(select(Meeting)).one()


def minutes_form(client, meeting_id: int, **overrides) -> dict:
    data = hidden(client, f"/quality/meetings/{meeting_id}/minutes") | {
        "held_on": day_parts(today()),
        "attendees": "Sam Reviewer (council)\nAlex Provider (provider)",
        "minutes": "We went through the agenda. Training is booked for March.",
    }
    return data | overrides


def hold(client, meeting_id: int, **overrides):
    return client.post(
        f"/quality/meetings/{meeting_id}/minutes",
        data=minutes_form(client, meeting_id, **overrides),
    )
