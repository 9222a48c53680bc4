"""The declaration and Submit: incomplete sections and a missing signature are named, a
submission happens once whatever is clicked or replayed, and after it nothing can change."""

from datetime import datetime

import pytest

from portal.applications.models import (
    SUBMITTED,
    Application,
    ApplicationSection,
    ApplicationSubmission,
)
from portal.core.db import db
from portal.core.time import LONDON
from portal.questionnaires import services as questionnaires
from tests.applications import journey
from tests.applications.helpers import (
    application,
    audit_events,
    count,
    page_url,
    save,
    start,
    stored,
)
from tests.support.emails import emails_to, last_email_to
from tests.support.pages import banner_text, field_value, page_errors, page_h1, page_text, soup

LOTS = ["online-tuition", "mentoring"]
YEAR = datetime.now(LONDON).year


def sections() -> dict[str, tuple[dict, bool, int]]:
    db.session.rollback()
    return {
        row.section_id: (dict(row.answers), row.completed, row.version)
        for row in db.session.query(ApplicationSection)
    }


@pytest.fixture
def completed(provider, draft, every_type) -> int:
    """A draft with every section completed, ready to sign and submit: filled in through the
    services the pages call (test_journey_shortcut.py checks it is what the pages leave; the
    pages themselves are walked there and in test_task_list.py), as these tests are about what
    happens at the submit button."""
    journey.fill_in_sections(provider, draft, LOTS)
    return draft


def test_submitting_an_application(provider_client, member, organisation, completed):
    page = provider_client.get(f"/applications/{completed}/submit")
    assert page_h1(page) == "Declaration"
    assert "You are applying for: Online tuition, Mentoring." in page_text(page)

    response = journey.submit(provider_client, completed)

    assert response.location == f"/applications/{completed}/confirmation"
    submitted = application(completed)
    assert submitted.status == SUBMITTED
    assert submitted.reference == f"FLSF-{YEAR}-00001"
    confirmation = provider_client.get(response.location)
    assert page_h1(confirmation) == "Application submitted"
    panel = soup(confirmation).select_one(".govuk-panel").get_text(" ", strip=True)
    assert panel == f"Application submitted Your reference number FLSF-{YEAR}-00001"
    [submission] = db.session.query(ApplicationSubmission).all()
    assert submission.number == 1
    assert submission.declaration == {"name": "Alex Provider", "role": "Director", "agreed": True}
    assert submission.snapshot["answers"]["chosen_lots"] == LOTS
    assert submission.flags == []
    [event] = audit_events("application.submitted")
    assert (event.object_id, event.before, event.after["status"]) == (
        completed,
        {"status": "draft"},
        SUBMITTED,
    )
    # Every member of the organisation hears, once.
    for address in ("provider-a@example.org", member.email):
        [email] = emails_to(address)
        assert email.subject == f"We have received your application (FLSF-{YEAR}-00001)"
        assert f"Your reference number is FLSF-{YEAR}-00001." in email.body
        assert f"http://localhost/applications/{completed}" in email.body
    assert "Alex Provider has submitted Organisation A Ltd's application" in (
        last_email_to(member.email).body
    )


def test_references_count_up_through_the_year(
    provider_client, other_provider_client, other_organisation, completed, every_type
):
    journey.submit(provider_client, completed)
    other = start(other_provider_client, other_organisation)
    journey.complete_sections(
        other_provider_client, questionnaires.content_of(every_type), other, ["mentoring"]
    )
    journey.submit(other_provider_client, other)

    assert application(other).reference == f"FLSF-{YEAR}-00002"


def test_submitting_with_sections_to_complete(provider_client, draft):
    save(provider_client, draft, "lots", "choose_lots", {"chosen_lots": LOTS})
    provider_client.post(f"/applications/{draft}/lots/check-answers", data={"completed": "yes"})

    response = journey.submit(provider_client, draft)

    assert response.status_code == 200
    errors = page_errors(response)
    assert errors == {
        page_url(draft, "about", "identity"): "Complete the section: About your organisation",
        page_url(draft, "online", "platform"): "Complete the section: Online tuition",
        page_url(draft, "safeguarding", "convictions"): "Complete the section: Safeguarding",
    }
    assert field_value(response, "declaration-name") == "Alex Provider"  # kept as typed
    assert application(draft).status == "draft"
    assert count(ApplicationSubmission) == 0
    assert emails_to("provider-a@example.org") == []
    assert "declaration" not in stored(draft)


def test_the_declaration_must_be_signed(provider_client, completed):
    form = provider_client.get(f"/applications/{completed}/submit")
    response = provider_client.post(
        f"/applications/{completed}/submit",
        data={
            "submission_id": field_value(form, "submission_id"),
            "lock_version": field_value(form, "lock_version"),
            "declaration-name": "Alex Provider",
            "declaration-role": "x" * 201,
        },
    )

    assert page_errors(response) == {
        "declaration-role": "Role must be 200 characters or fewer",
        "declaration-agreed": "Select to confirm that you agree with the declaration",
    }
    assert field_value(response, "declaration-name") == "Alex Provider"
    assert field_value(response, "declaration-role") == "x" * 201
    assert application(completed).status == "draft"
    assert count(ApplicationSubmission) == 0


def test_a_double_click_makes_one_submission(provider_client, member, completed):
    form = provider_client.get(f"/applications/{completed}/submit")
    data = {
        "submission_id": field_value(form, "submission_id"),
        "lock_version": field_value(form, "lock_version"),
        "declaration-name": "Alex Provider",
        "declaration-role": "Director",
        "declaration-agreed": "yes",
    }
    first = provider_client.post(f"/applications/{completed}/submit", data=data)
    second = provider_client.post(f"/applications/{completed}/submit", data=data)

    assert first.location == second.location == f"/applications/{completed}/confirmation"
    assert count(ApplicationSubmission) == 1
    assert len(emails_to(member.email)) == 1
    assert len(audit_events("application.submitted")) == 1


def test_a_replay_from_another_tab_or_member_makes_one_submission(
    provider_client, member_client, member, completed
):
    """The member opened the declaration too: when they press Submit after the owner, the
    application has moved on and nothing more is submitted."""
    stale = member_client.get(f"/applications/{completed}/submit")
    journey.submit(provider_client, completed)

    response = member_client.post(
        f"/applications/{completed}/submit",
        data={
            "submission_id": field_value(stale, "submission_id"),
            "lock_version": field_value(stale, "lock_version"),
            "declaration-name": "Chris Colleague",
            "declaration-role": "Trustee",
            "declaration-agreed": "yes",
        },
    )

    assert response.location == f"/applications/{completed}"
    page = member_client.get(response.location)
    assert "You cannot change an application after it has been submitted" in banner_text(page)
    assert count(ApplicationSubmission) == 1
    assert len(emails_to(member.email)) == 1
    db.session.rollback()
    [submission] = db.session.query(ApplicationSubmission).all()
    assert submission.declaration["name"] == "Alex Provider"


def test_an_altered_lock_version_submits_nothing(provider_client, completed):
    form = provider_client.get(f"/applications/{completed}/submit")
    response = provider_client.post(
        f"/applications/{completed}/submit",
        data={
            "submission_id": field_value(form, "submission_id"),
            "lock_version": "999",
            "declaration-name": "Alex Provider",
            "declaration-role": "Director",
            "declaration-agreed": "yes",
        },
    )

    assert response.location == f"/applications/{completed}"
    assert "This application has changed since you opened the page" in banner_text(
        provider_client.get(response.location)
    )
    assert count(ApplicationSubmission) == 0


def test_nothing_can_be_changed_after_submission(provider_client, completed):
    journey.submit(provider_client, completed)
    before = sections()
    identity = page_url(completed, "about", "identity")
    refused = "You cannot change an application after it has been submitted"

    requests = [
        ("GET", identity, None),
        ("POST", identity, {"section_version": "9", "legal_name": "Changed Ltd"}),
        ("GET", f"{page_url(completed, 'safeguarding', 'referees')}/referees/add", None),
        (
            "POST",
            f"{page_url(completed, 'safeguarding', 'referees')}/referees/1",
            {"section_version": "9", "name": "Changed"},
        ),
        (
            "POST",
            f"{page_url(completed, 'safeguarding', 'referees')}/referees/1/remove",
            {"section_version": "9"},
        ),
        ("POST", f"/applications/{completed}/about/check-answers", {"completed": "no"}),
        ("GET", f"/applications/{completed}/check-answers", None),
        ("GET", f"/applications/{completed}/submit", None),
        ("POST", f"/applications/{completed}/move-to-new-version", {}),
    ]
    for method, url, data in requests:
        response = provider_client.open(url, method=method, data=data)
        assert response.location == f"/applications/{completed}", f"{method} {url}"
        assert refused in banner_text(provider_client.get(response.location)), f"{method} {url}"

    assert sections() == before


def test_a_failing_pass_fail_answer_is_flagged_for_the_reviewer_not_refused(
    provider_client, draft, every_type
):
    """An exclusion ground answered yes: the applicant may explain self-cleaning, so the
    application is submitted and the answer flagged."""
    content = questionnaires.content_of(every_type)
    journey.complete_sections(provider_client, content, draft, LOTS)
    save(provider_client, draft, "safeguarding", "convictions", {"convicted": "yes"})

    journey.submit(provider_client, draft)

    db.session.rollback()
    [submission] = db.session.query(ApplicationSubmission).all()
    assert submission.flags == [
        {
            "question": "convicted",
            "label": "Has anyone in your organisation been convicted of an offence against "
            "children?",
            "answer": "yes",
            "message": "Mandatory exclusion ground: conviction for an offence against children",
        }
    ]
    assert db.session.get(Application, draft).status == SUBMITTED
