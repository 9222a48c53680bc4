"""Four-eyes approval, and what a reviewer cannot do: decide twice, replay a decision, approve a
lot that was not applied for, comment on a question that was not asked, write too much."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.admissions.models import Admission
from portal.applications.models import Application
from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.reviews.models import Decision, ReviewComment
from tests.conftest import sign_in
from tests.reviews.test_decisions import APPROVAL, comment, decide, start_review, status_of
from tests.support.emails import emails_to
from tests.support.pages import banner_text, field_value, page_errors, page_text


@pytest.fixture
def four_eyes_app(make_app):
    return make_app(FOUR_EYES_APPROVAL=True)


def test_four_eyes_an_approval_needs_a_second_reviewer(
    four_eyes_app, reviewer, second_reviewer, admin, submitted
):
    first = sign_in(four_eyes_app.test_client(), reviewer)
    start_review(first, submitted)
    recommended = decide(first, submitted, "approve", APPROVAL)
    assert recommended.status_code == 302
    assert "A second reviewer must now confirm it" in banner_text(
        first.get(f"/reviews/{submitted}")
    )
    assert status_of(submitted) == "in_review"
    assert db.session.scalars(select(Admission)).all() == []
    assert [e for e in emails_to(second_reviewer.email) if "second reviewer" in e.subject]

    # The first reviewer is offered no confirmation, and cannot confirm by posting one.
    page = first.get(f"/reviews/{submitted}")
    assert "Confirm this approval" not in page_text(page)
    lock_version = db.session.get(Application, submitted).lock_version
    refused = first.post(
        f"/reviews/{submitted}/confirm-approval",
        data={"csrf_token": field_value(page, "csrf_token"), "lock_version": lock_version},
    )
    assert "you reviewed or recommended it" in banner_text(first.get(refused.headers["Location"]))
    assert status_of(submitted) == "in_review"

    second = sign_in(four_eyes_app.test_client(), second_reviewer)
    page = second.get(f"/reviews/{submitted}")
    assert "Approval recommended by" in page_text(page)
    confirmed = second.post(
        f"/reviews/{submitted}/confirm-approval",
        data={
            "csrf_token": field_value(page, "csrf_token"),
            "lock_version": field_value(page, "lock_version"),
        },
    )
    assert "Approval confirmed" in banner_text(second.get(confirmed.headers["Location"]))
    assert status_of(submitted) == "approved"
    (decision,) = db.session.scalars(select(Decision)).all()
    assert decision.decided_by_id == second_reviewer.id
    assert decision.recommended_by_id == reviewer.id
    assert [a.lot.slug for a in db.session.scalars(select(Admission))] == ["online-tuition"]


def test_replaying_a_decision_makes_no_second_one(reviewer_client, submitted):
    start_review(reviewer_client, submitted)
    url = f"/reviews/{submitted}/approve"
    form = reviewer_client.get(url)
    data = {
        "csrf_token": field_value(form, "csrf_token"),
        "lock_version": field_value(form, "lock_version"),
        **APPROVAL,
        "confirm": "yes",
    }
    assert reviewer_client.post(url, data=data).status_code == 302
    replay = reviewer_client.post(url, data=data)
    assert replay.status_code == 302
    assert "This application was approved by" in banner_text(
        reviewer_client.get(replay.headers["Location"])
    )
    assert len(db.session.scalars(select(Decision)).all()) == 1
    # A decided application offers no decision and takes no comment.
    assert reviewer_client.get(url).status_code == 302
    comment_url = f"/reviews/{submitted}/questions/phone/comment"
    assert reviewer_client.get(comment_url).status_code == 302
    refused = reviewer_client.post(
        comment_url, data={"csrf_token": data["csrf_token"], "comment": "Too late"}
    )
    assert "This application was approved by" in banner_text(
        reviewer_client.get(refused.headers["Location"])
    )
    assert db.session.scalars(select(ReviewComment)).all() == []


def test_a_stale_page_cannot_decide(reviewer_client, second_reviewer_client, submitted):
    """Another reviewer returned it after this page was opened; then it was resubmitted."""
    start_review(reviewer_client, submitted)
    stale = reviewer_client.get(f"/reviews/{submitted}/reject")
    assert (
        decide(second_reviewer_client, submitted, "return", {"reason": "Fix it"}).status_code == 302
    )
    refused = reviewer_client.post(
        f"/reviews/{submitted}/reject",
        data={
            "csrf_token": field_value(stale, "csrf_token"),
            "lock_version": field_value(stale, "lock_version"),
            "area-safeguarding": "No policy",
            "reason": "Rejected",
            "confirm": "yes",
        },
    )
    assert "This application was returned to the provider by Sam Second at" in banner_text(
        reviewer_client.get(refused.headers["Location"])
    )
    assert status_of(submitted) == "returned"


def test_approving_a_lot_not_applied_for(reviewer_client, submitted):
    start_review(reviewer_client, submitted)
    refused = decide(
        reviewer_client,
        submitted,
        "approve",
        {**APPROVAL, "lot-alternative-provision": "admit", "lot-alternative-provision-reason": "x"},
    )
    assert page_errors(refused)["lot-alternative-provision"] == (
        "This application did not apply for that lot"
    )
    assert status_of(submitted) == "in_review"


def test_refusing_every_lot_is_a_rejection(reviewer_client, submitted):
    start_review(reviewer_client, submitted)
    refused = decide(
        reviewer_client,
        submitted,
        "approve",
        {
            "lot-online-tuition": "refuse",
            "lot-online-tuition-reason": "No",
            "lot-mentoring": "refuse",
            "lot-mentoring-reason": "No",
            "reason": "None",
        },
    )
    assert page_errors(refused)["lots"] == (
        "Admit the provider to at least one lot, or reject the application"
    )


def test_too_long_reasons_and_comments_are_refused_and_kept(reviewer_client, submitted):
    start_review(reviewer_client, submitted)
    long_reason = "x" * 5001
    refused = decide(reviewer_client, submitted, "return", {"reason": long_reason})
    assert page_errors(refused)["reason"] == (
        "What the provider needs to change must be 5,000 characters or less"
    )
    assert long_reason in refused.get_data(as_text=True)  # still in the box
    refused = comment(reviewer_client, submitted, "phone", "y" * 2001)
    assert page_errors(refused)["comment"] == "Comment must be 2,000 characters or less"
    assert db.session.scalars(select(ReviewComment)).all() == []
    assert (
        reviewer_client.get(f"/reviews/{submitted}/questions/not-a-question/comment").status_code
        == 404
    )


def test_rejecting_with_reasons_per_area(reviewer_client, provider_client, provider, submitted):
    start_review(reviewer_client, submitted)
    done = decide(
        reviewer_client,
        submitted,
        "reject",
        {"area-safeguarding": "The safeguarding policy is out of date", "reason": "Not this time"},
    )
    assert done.status_code == 302
    assert status_of(submitted) == "rejected"
    (email,) = [e for e in emails_to(provider.email) if "Decision" in e.subject]
    assert "Safeguarding: The safeguarding policy is out of date" in email.body
    assert "You can apply again at any time" in email.body
    status = page_text(provider_client.get(f"/applications/{submitted}"))
    assert "The safeguarding policy is out of date" in status
    assert "You can apply again at any time" in status


def test_saving_a_comment_twice_records_it_once(reviewer_client, submitted):
    start_review(reviewer_client, submitted)
    for _click in range(2):
        assert comment(reviewer_client, submitted, "phone", "Check this").status_code == 302
    (saved,) = db.session.scalars(select(ReviewComment)).all()
    assert saved.body == "Check this"
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "review.comment_saved")
    ).all()
    assert events == ["review.comment_saved"]
