"""Six reviewers publishing the same meeting's minutes at the same moment: the meeting is held
once, with one set of minutes, one audit event and one email to the provider; the others are
told someone got there first. Run on PostgreSQL (the compare-and-set UPDATE under its row lock)
and on SQLite (its single writer)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.time import utcnow
from portal.outbox.models import OutboxEmail
from portal.quality.models import Meeting
from tests.conftest import sign_in
from tests.quality.meeting_helpers import minutes_form, schedule
from tests.support import factories
from tests.support.pages import page_text

ATTEMPTS = 6


def test_the_minutes_are_published_once_when_six_publish_at_once(make_app, organisation):
    factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=100))
    # Six sign-ins from one address would meet the sign-in rate limit.
    app = make_app(RATELIMIT_ENABLED=False)
    clients = [
        sign_in(
            app.test_client(),
            factories.make_user(
                f"reviewer-{n}@council.example.org", role="reviewer", two_factor=True
            ),
        )
        for n in range(ATTEMPTS)
    ]
    assert schedule(clients[0], organisation).status_code == 302
    meeting_id = db.session.scalar(select(Meeting.id))
    forms = [
        minutes_form(client, meeting_id, minutes=f"Minutes by reviewer {n}")
        for n, client in enumerate(clients)
    ]
    url = f"/quality/meetings/{meeting_id}/minutes"
    db.session.commit()  # the test's own transaction must hold no lock the requests need
    start = Barrier(ATTEMPTS)

    def publish(pair):
        client, form = pair
        start.wait()
        return client.post(url, data=form)

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        responses = list(pool.map(publish, zip(clients, forms, strict=True)))

    published = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 200]
    assert len(published) == 1 and len(refused) == ATTEMPTS - 1
    for response in refused:
        text = page_text(response)
        assert "just been changed by someone else" in text or "already been held" in text
    db.session.rollback()
    meeting = db.session.get(Meeting, meeting_id)
    assert meeting.status == "held"
    assert meeting.minutes.startswith("Minutes by reviewer ")
    held = select(func.count()).where(AuditEvent.action == "meeting.held")
    assert db.session.scalar(held) == 1
    minutes = select(func.count()).where(OutboxEmail.subject.like("Minutes of your %"))
    assert db.session.scalar(minutes) == 1  # organisation A has one member, its owner
