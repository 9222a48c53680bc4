"""Deciding applications through the reviewers' pages: return with comments, resubmit with the
changes highlighted, approve per lot, reject with reasons; each with its check page, reasons,
audit event and emails, and refused when it cannot be made."""

from __future__ import annotations

from sqlalchemy import select

from portal.admissions.models import Admission
from portal.applications.models import Application
from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.reviews.models import Decision, Review
from tests.applications import journey
from tests.applications.helpers import save
from tests.support.emails import emails_to
from tests.support.pages import banner_text, field_value, page_errors, page_text, soup

APPROVAL = {
    "lot-online-tuition": "admit",
    "lot-online-tuition-reason": "Strong safeguarding and tutoring evidence",
    "lot-mentoring": "refuse",
    "lot-mentoring-reason": "No mentoring experience shown",
    "reason": "Admitted for online tuition only",
}


def status_of(application_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Application, application_id).status


def decide(client, application_id: int, kind: str, data: dict, *, confirm: bool = True):
    """Fill a decision page, check it, and (confirm) make it: the last response."""
    url = f"/reviews/{application_id}/{kind}"
    form = client.get(url)
    assert form.status_code == 200, form.status
    base = {
        "csrf_token": field_value(form, "csrf_token"),
        "lock_version": field_value(form, "lock_version"),
    }
    checked = client.post(url, data={**base, **data})
    if not confirm or checked.status_code != 200 or page_errors(checked):
        return checked
    return client.post(url, data={**base, **data, "confirm": "yes"})


def start_review(client, application_id: int):
    """Press "Start review" on the review page: the response."""
    page = client.get(f"/reviews/{application_id}")
    return client.post(
        f"/reviews/{application_id}/start", data={"csrf_token": field_value(page, "csrf_token")}
    )


def comment(client, application_id: int, question: str, body: str):
    url = f"/reviews/{application_id}/questions/{question}/comment"
    form = client.get(url)
    assert form.status_code == 200, form.status
    return client.post(url, data={"csrf_token": field_value(form, "csrf_token"), "comment": body})


def test_reading_the_review_page_changes_nothing_starting_the_review_does(
    reviewer_client, reviewer, submitted
):
    """Only the "Start review" button (a POST) moves the application to in review and records
    the opener: a link followed from elsewhere must not make someone the opener (four-eyes)."""
    page = reviewer_client.get(f"/reviews/{submitted}")
    assert page.status_code == 200
    assert status_of(submitted) == "submitted"
    assert "Not yet opened" in page_text(page)
    assert "Start review" in page_text(page)
    assert db.session.scalar(select(Review).where(Review.application_id == submitted)) is None

    started = start_review(reviewer_client, submitted)

    assert started.status_code == 302
    assert started.headers["Location"] == f"/reviews/{submitted}"
    assert status_of(submitted) == "in_review"
    page = reviewer_client.get(started.headers["Location"])
    assert "First opened by" in page_text(page)
    assert reviewer.full_name in page_text(page)
    assert "Start review" not in page_text(page)
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == submitted)
    ).all()
    assert "application.in_review" in events


def test_a_second_start_keeps_the_first_opener(
    reviewer_client, reviewer, second_reviewer_client, submitted
):
    start_review(reviewer_client, submitted)
    again = start_review(second_reviewer_client, submitted)
    assert again.status_code == 302
    review = db.session.scalar(select(Review).where(Review.application_id == submitted))
    assert review.opened_by_id == reviewer.id


def test_approving_one_lot_and_refusing_another(reviewer_client, provider, submitted):
    start_review(reviewer_client, submitted)
    checked = decide(
        reviewer_client,
        submitted,
        "approve",
        {
            "lot-online-tuition": "admit",
            "lot-online-tuition-reason": "Strong safeguarding and tutoring evidence",
            "lot-mentoring": "refuse",
            "lot-mentoring-reason": "No mentoring experience shown",
            "reason": "Admitted for online tuition only",
        },
        confirm=False,
    )
    assert "Check your decision" in page_text(checked)
    assert status_of(submitted) == "in_review"  # nothing decided until confirmed
    done = decide(
        reviewer_client,
        submitted,
        "approve",
        {
            "lot-online-tuition": "admit",
            "lot-online-tuition-reason": "Strong safeguarding and tutoring evidence",
            "lot-mentoring": "refuse",
            "lot-mentoring-reason": "No mentoring experience shown",
            "reason": "Admitted for online tuition only",
        },
    )
    assert done.status_code == 302
    assert status_of(submitted) == "approved"
    admissions = db.session.scalars(select(Admission)).all()
    assert [a.lot.slug for a in admissions] == ["online-tuition"]
    (email,) = [e for e in emails_to(provider.email) if "Decision" in e.subject]
    assert "You are now on the framework for Online tuition" in email.body
    assert "No mentoring experience shown" in email.body
    page = reviewer_client.get(done.headers["Location"])
    assert "Application approved" in banner_text(page)


def test_a_decision_needs_its_reasons(reviewer_client, submitted):
    start_review(reviewer_client, submitted)
    refused = decide(reviewer_client, submitted, "approve", {"lot-mentoring": "admit"})
    errors = page_errors(refused)
    assert errors["lot-online-tuition"] == "Select whether to admit the provider to Online tuition"
    assert errors["lot-mentoring-reason"] == "Enter the reason for admitting to Mentoring"
    assert errors["reason"] == "Enter the reason for the decision"
    # What was entered is still on the page.
    assert soup(refused).select_one("#lot-mentoring")["checked"] is not None
    assert status_of(submitted) == "in_review"
    refused = decide(reviewer_client, submitted, "return", {"reason": "   "})
    assert page_errors(refused)["reason"] == "Enter what the provider needs to change"
    refused = decide(reviewer_client, submitted, "reject", {"reason": "No"})
    assert "Give the reason for at least one area" in page_errors(refused)["areas"]
    assert status_of(submitted) == "in_review"
    assert db.session.scalars(select(Decision)).all() == []


def test_return_with_comments_then_resubmit_with_changes_highlighted(
    reviewer_client, provider_client, provider, reviewer, submitted
):
    start_review(reviewer_client, submitted)
    assert (
        comment(reviewer_client, submitted, "legal-name", "Use the registered name").status_code
        == 302
    )
    assert (
        comment(reviewer_client, submitted, "phone", "This number does not connect").status_code
        == 302
    )
    # Until the application is returned the provider sees no comment.
    task_list = provider_client.get(f"/applications/{submitted}")
    assert "does not connect" not in page_text(task_list)

    done = decide(reviewer_client, submitted, "return", {"reason": "Two answers need checking"})
    assert done.status_code == 302
    assert status_of(submitted) == "returned"
    (email,) = [e for e in emails_to(provider.email) if "needs changes" in e.subject]
    assert "Two answers need checking" in email.body

    task_list = provider_client.get(f"/applications/{submitted}")
    text = page_text(task_list)
    assert "The council has returned your application for changes" in text
    assert "Legal name : Use the registered name" in text
    assert "Telephone number : This number does not connect" in text
    question = provider_client.get(f"/applications/{submitted}/about/identity")
    assert "The council’s comment on “Telephone number”" in page_text(question)
    assert "This number does not connect" in page_text(question)

    # The provider fixes the phone number and resubmits; the reviewer is told.
    fixed = save(
        provider_client,
        submitted,
        "about",
        "identity",
        {
            "legal_name": "Organisation A Ltd",
            "contact_email": "hello@example.org",
            "phone": "01384 812345",
            "company_number": "01234567",
        },
    )
    assert fixed.status_code == 302, page_errors(fixed)
    resubmitted = journey.submit(provider_client, submitted)
    assert resubmitted.status_code == 302, page_errors(resubmitted)
    assert status_of(submitted) == "submitted"
    assert [e for e in emails_to(reviewer.email) if e.subject.startswith("Resubmitted")]

    page = reviewer_client.get(f"/reviews/{submitted}")
    html = soup(page)
    changed = [row["id"] for row in html.select(".app-changed")]
    assert "question-phone" in changed
    assert "question-chosen_lots" not in changed
    assert "answers have changed since the application was returned" in page_text(page) or (
        "answer has changed since the application was returned" in page_text(page)
    )

    # What the council asked for last time is beside each answer, as it was sent.
    def row(question_id: str) -> str:
        return " ".join(html.select_one(f"#question-{question_id}").get_text(" ").split())

    phone = row("phone")
    assert f"Comment on submission 1 from {reviewer.full_name}, sent to the provider on" in phone
    assert "This number does not connect" in phone
    assert "Use the registered name" in row("legal_name")
    assert "Comment on submission" not in row("chosen_lots")
