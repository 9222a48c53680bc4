"""After publishing, a commissioner can move the deadline for quotes later (and the deadline for
questions, while questions are open), with a reason: every invitee is emailed, the change is
audited and published as an OCDS tender amendment, and the tender as first published stays as
it was. An earlier date, a passed deadline, a missing reason and a double submit are refused or
made harmless, and nothing typed is lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.competitions.models import Competition
from portal.core.db import db
from tests.competitions import helpers
from tests.competitions.schema_check import problems
from tests.support.emails import emails_to
from tests.support.pages import field_value, page_errors


@pytest.fixture
def published(commissioner_client, commissioner, evaluator, on_lot):
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    return competition_id


def _competition(competition_id: int) -> Competition:
    db.session.rollback()
    return db.session.get(Competition, competition_id)


def _form(client, competition_id: int, quotes, questions=None, reason="Half term") -> dict:
    url = f"/competitions/{competition_id}/extend-deadline"
    data = helpers.hidden(client, url) | helpers.date_parts("submission", quotes)
    if questions is not None:
        data |= helpers.date_parts("clarification", questions)
    return data | {"reason": reason}


def _extend(client, competition_id: int, data: dict):
    return client.post(f"/competitions/{competition_id}/extend-deadline", data=data)


def _amendments(client, competition_id: int) -> list[dict]:
    package = client.get(f"/competitions/{competition_id}/release-package").get_json()
    assert problems(package) == []
    return [each for each in package["releases"] if each["tag"] == ["tenderAmendment"]]


def test_a_later_deadline_is_emailed_audited_and_published_as_an_amendment(
    commissioner_client, client, published, provider
):
    before = _competition(published)
    old_quotes, old_questions = before.submission_deadline, before.clarification_deadline
    (tender,) = client.get(f"/competitions/{published}/release-package").get_json()["releases"]
    assert "Extend the deadline" in commissioner_client.get(f"/competitions/{published}").get_data(
        as_text=True
    )

    data = _form(
        commissioner_client,
        published,
        old_quotes + timedelta(days=7),
        old_questions + timedelta(days=3),
        "Half term falls in the original period",
    )
    response = _extend(commissioner_client, published, data)

    assert response.status_code == 302
    after = _competition(published)
    assert after.submission_deadline == old_quotes + timedelta(days=7)
    assert after.clarification_deadline == old_questions + timedelta(days=3)
    (email,) = [e for e in emails_to(provider.email) if e.subject.startswith("Deadline extended")]
    assert "Half term falls in the original period" in email.body
    assert "You can ask questions until" in email.body
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "competition.deadline_extended")
    ).all()
    assert event.after["reason"] == "Half term falls in the original period"
    (amendment,) = _amendments(client, published)
    (change,) = amendment["tender"]["amendments"]
    assert change["rationale"] == "Half term falls in the original period"
    assert "deadline for quotes moved" in change["description"]
    assert (
        amendment["tender"]["tenderPeriod"]["endDate"]
        != tender["tender"]["tenderPeriod"]["endDate"]
    )
    releases = client.get(f"/competitions/{published}/release-package").get_json()["releases"]
    assert releases[0] == tender  # the tender as first published, unchanged


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"quotes": timedelta(days=-1)},
            "submission_date",
            "The new deadline for quotes must be later than the current one",
        ),
        ({"quotes": timedelta(0)}, "submission_date", "must be later than the current one"),
        ({"reason": ""}, "reason", "Enter a reason"),
        (
            {"quotes": timedelta(days=2), "questions": timedelta(days=-1)},
            "clarification_date",
            "The new deadline for questions must be later than the current one",
        ),
        (
            {"quotes": timedelta(days=1), "questions": timedelta(days=8)},
            "clarification_date",
            "The new deadline for questions must be before the deadline for quotes",
        ),
    ],
)
def test_a_bad_extension_is_refused_and_keeps_what_was_typed(
    commissioner_client, client, published, provider, change, field, message
):
    before = _competition(published)
    quotes = before.submission_deadline + change.get("quotes", timedelta(days=7))
    questions = (
        before.clarification_deadline + change["questions"] if "questions" in change else None
    )
    data = _form(commissioner_client, published, quotes, questions, change.get("reason", "Why"))
    if "reason" not in change:
        data["reason"] = "Half term"

    response = _extend(commissioner_client, published, data)

    assert response.status_code == 200
    errors = page_errors(response)
    # A date's error links to its first box, the day.
    assert message in errors[f"{field}-day" if field.endswith("_date") else field], errors
    assert field_value(response, "submission_time") == data["submission_time"]
    assert (field_value(response, "reason") or "") in (data["reason"], "")
    after = _competition(published)
    assert after.submission_deadline == before.submission_deadline
    assert _amendments(client, published) == []
    assert [e for e in emails_to(provider.email) if e.subject.startswith("Deadline")] == []


def test_a_passed_deadline_cannot_be_extended(commissioner_client, client, published):
    later = _competition(published).submission_deadline + timedelta(days=7)
    data = _form(commissioner_client, published, later)
    helpers.pass_deadline(published)

    response = _extend(commissioner_client, published, data)

    assert response.status_code == 200
    assert page_errors(response) == {
        "submission_date-day": "The deadline for quotes has passed, so it cannot be extended"
    }
    assert _amendments(client, published) == []
    assert "Extend the deadline" not in commissioner_client.get(
        f"/competitions/{published}"
    ).get_data(as_text=True)


def test_a_double_submit_extends_once(commissioner_client, client, published, provider):
    data = _form(
        commissioner_client, published, _competition(published).submission_deadline + timedelta(1)
    )
    first = _extend(commissioner_client, published, data)
    second = _extend(commissioner_client, published, data)

    assert first.status_code == second.status_code == 302
    assert len(_amendments(client, published)) == 1
    assert len([e for e in emails_to(provider.email) if e.subject.startswith("Deadline")]) == 1
