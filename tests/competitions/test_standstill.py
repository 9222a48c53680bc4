"""An award with a standstill: confirmed only once the 8 working days are over (judged by the
database's clock in London, moved here by COMPETITION_CLOCK_OFFSET rather than waited for), and
then every bidder is told by email."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.competitions.models import Competition
from portal.competitions.services import common
from portal.core.db import db
from portal.core.time import LONDON, add_working_days, format_date, is_working_day
from tests.competitions import helpers
from tests.support.emails import emails_to, last_email_to
from tests.support.pages import banner_text, page_text


def _move_clock_to(app, monkeypatch, day, at: time) -> None:
    """Make the portal's now() read `at` on `day` in London."""
    moment = datetime.combine(day, at, tzinfo=LONDON)
    db.session.rollback()  # SQLite: the test's own transaction would hold the lock
    with app.app_context():
        offset = moment - common.database_now()
    monkeypatch.setitem(app.config, "COMPETITION_CLOCK_OFFSET", offset)


def _confirm(client, competition_id: int):
    response = client.post(f"/competitions/{competition_id}/confirm-award")
    assert response.status_code == 302
    return client.get(response.location)


def test_the_award_is_confirmed_after_the_standstill_and_every_bidder_told(
    app,
    monkeypatch,
    commissioner_client,
    commissioner,
    evaluator,
    evaluator_client,
    on_lot,
    provider_client,
    other_provider_client,
):
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    helpers.quote_and_submit(provider_client, competition_id, ["A1", "A2"], "1000")
    helpers.quote_and_submit(other_provider_client, competition_id, ["B1", "B2"], "1250")
    winner, _second = helpers.evaluate(commissioner_client, evaluator_client, competition_id)
    url = f"/competitions/{competition_id}/award"
    response = commissioner_client.post(
        url,
        data=helpers.hidden(commissioner_client, url)
        | {"winner": str(winner), "standstill": "yes"},
    )
    assert response.status_code == 302
    db.session.rollback()
    competition = db.session.get(Competition, competition_id)
    ends_on = competition.standstill_ends_on
    awarded_on = competition.awarded_at.astimezone(LONDON).date()
    assert ends_on == add_working_days(awarded_on, 8)
    assert is_working_day(ends_on)

    # On the standstill's last day, late in the evening: not yet.
    _move_clock_to(app, monkeypatch, ends_on, time(23, 30))
    page = _confirm(commissioner_client, competition_id)
    assert (
        f"The standstill period ends on {format_date(ends_on)}. "
        "You can confirm the award after that" in page_text(page)
    )
    db.session.rollback()
    assert db.session.get(Competition, competition_id).status == "awarded"
    assert not [e for e in emails_to("provider-b@example.org") if "Award confirmed" in e.subject]

    # Just after midnight, London time, the next day: confirmed, and every bidder told.
    _move_clock_to(app, monkeypatch, ends_on + timedelta(days=1), time(0, 30))
    page = _confirm(commissioner_client, competition_id)
    assert "The award has been confirmed" in banner_text(page)
    db.session.rollback()
    competition = db.session.get(Competition, competition_id)
    assert competition.status == "confirmed"
    assert competition.confirmed_at.astimezone(LONDON).date() == ends_on + timedelta(days=1)
    assert db.session.scalars(
        select(AuditEvent.actor_id).where(AuditEvent.action == "competition.award_confirmed")
    ).all() == [commissioner.id]

    subject = "Award confirmed: Supported internships for 2027"
    to_winner = last_email_to("provider-a@example.org")
    assert to_winner.subject == subject
    assert "Organisation A Ltd's quote won." in to_winner.body
    assert f"The standstill period ended on {format_date(ends_on)}." in to_winner.body
    to_other = last_email_to("provider-b@example.org")
    assert to_other.subject == subject
    assert "The award went to Organisation A Ltd." in to_other.body
    assert f"/competitions/{competition_id}/assessment" in to_other.body
    # C was invited but did not quote: it heard of the competition, not of the award.
    assert not [e for e in emails_to("provider-c@example.org") if e.subject == subject]
    page = page_text(other_provider_client.get(f"/competitions/{competition_id}"))
    assert "Awarded" in page

    # Confirming again changes nothing and sends nothing.
    page = _confirm(commissioner_client, competition_id)
    assert "This competition's award has been confirmed" in page_text(page)
    assert len([e for e in emails_to("provider-b@example.org") if e.subject == subject]) == 1
