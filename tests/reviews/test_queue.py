"""The reviewers' queue: what it shows, its flags and filters, pages, assigning, and the same
number of queries whether 10 or 1,000 applications wait."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.applications.models import ApplicationSubmission
from portal.core.db import db
from portal.core.time import today, utcnow, working_days_between
from portal.documents.models import (
    EXPIRES_SOON_DAYS,
    Document,
    DocumentUse,
    DocumentVersion,
    StoredFile,
)
from portal.reviews.models import Review
from portal.settings.models import FrameworkSetting
from portal.staff_checks.models import StaffCheck
from tests.reviews.helpers import day, submitted_applications
from tests.reviews.test_decisions import start_review
from tests.support.pages import field_value, page_text, soup
from tests.support.queries import counting_queries, queries_for


def rows(response) -> list[str]:
    return [
        row.select_one("td a").get_text(strip=True) for row in soup(response).select("tbody tr")
    ]


def test_the_queue_oldest_first_with_days_waiting_and_overdue(reviewer_client, app_ctx):
    old_day = today() - timedelta(days=30)
    submitted_applications(1, submitted_at=day(old_day), start=1)
    submitted_applications(1, submitted_at=utcnow(), start=2)
    page = reviewer_client.get("/reviews")
    assert rows(page) == ["Provider 0001 Ltd", "Provider 0002 Ltd"]
    first, second = soup(page).select("tbody tr")
    assert "Overdue" in first.get_text()
    assert "0 working days" in second.get_text()
    assert "Overdue" not in second.get_text()
    newest = reviewer_client.get("/reviews?sort=newest")
    assert rows(newest) == ["Provider 0002 Ltd", "Provider 0001 Ltd"]
    overdue = reviewer_client.get("/reviews?flag=overdue")
    assert rows(overdue) == ["Provider 0001 Ltd"]


def test_an_application_is_overdue_after_the_service_level_in_working_days(
    reviewer_client, app_ctx
):
    def submitted_working_days_ago(days: int):
        start = today()
        while working_days_between(start, today()) < days:
            start -= timedelta(days=1)
        return day(start)

    submitted_applications(1, submitted_at=submitted_working_days_ago(10), start=1)
    submitted_applications(1, submitted_at=submitted_working_days_ago(11), start=2)
    page = reviewer_client.get("/reviews?sort=newest")
    due_today, late = soup(page).select("tbody tr")
    assert "10 working days" in due_today.get_text() and "Overdue" not in due_today.get_text()
    assert "11 working days" in late.get_text() and "Overdue" in late.get_text()


def test_filters_by_status_lot_flag_and_assignee(reviewer_client, reviewer, app_ctx):
    mentoring = submitted_applications(1, lots=["mentoring"], start=1)[0]
    submitted_applications(
        1, flags=[{"question": "q", "label": "Q", "answer": "no", "message": "m"}], start=2
    )[0]
    dbs = submitted_applications(1, start=3)[0]
    db.session.add(
        StaffCheck(organisation_id=dbs.organisation_id, full_name="Jo Tutor", job_role="Tutor")
    )
    db.session.add(Review(application_id=mentoring.id, assigned_to_id=reviewer.id))
    db.session.commit()

    assert rows(reviewer_client.get("/reviews?lot=mentoring")) == ["Provider 0001 Ltd"]
    assert rows(reviewer_client.get("/reviews?flag=failed-answers")) == ["Provider 0002 Ltd"]
    assert rows(reviewer_client.get("/reviews?flag=dbs")) == ["Provider 0003 Ltd"]
    assert rows(reviewer_client.get(f"/reviews?assignee={reviewer.id}")) == ["Provider 0001 Ltd"]
    assert rows(reviewer_client.get("/reviews?assignee=none")) == [
        "Provider 0002 Ltd",
        "Provider 0003 Ltd",
    ]
    assert rows(reviewer_client.get("/reviews?status=returned")) == []
    page = reviewer_client.get("/reviews?flag=dbs")
    assert "DBS register warnings" in page_text(page)
    # A made-up filter value shows everything rather than failing.
    assert len(rows(reviewer_client.get("/reviews?status=nonsense&page=abc"))) == 3


def test_the_queue_is_paged(reviewer_client, app_ctx):
    submitted_applications(30)
    first = reviewer_client.get("/reviews")
    assert len(rows(first)) == 25
    assert "30 applications, page 1 of 2" in page_text(first)
    second = reviewer_client.get("/reviews?page=2")
    assert rows(second) == [f"Provider {n:04d} Ltd" for n in range(25, 30)]
    assert soup(second).select_one(".govuk-pagination")
    # A page past the end shows the last.
    past = reviewer_client.get("/reviews?page=9")
    assert rows(past) == rows(second)
    assert "30 applications, page 2 of 2" in page_text(past)


def test_the_queue_counts_and_reads_its_page_in_one_statement(app, reviewer_client, app_ctx):
    submitted_applications(3)
    with counting_queries(app) as statements:
        reviewer_client.get("/reviews?lot=mentoring")
    assert sum("FROM applications" in statement for statement in statements) == 1


def test_assigning_to_a_colleague(reviewer_client, second_reviewer, submitted):
    page = reviewer_client.get(f"/reviews/{submitted}")
    token = field_value(page, "csrf_token")
    reviewer_client.post(
        f"/reviews/{submitted}/assign",
        data={"csrf_token": token, "assignee": str(second_reviewer.id)},
    )
    review = db.session.scalar(select(Review).where(Review.application_id == submitted))
    assert review.assigned_to_id == second_reviewer.id
    assert rows(reviewer_client.get("/reviews?assignee=none")) == []
    # Only reviewers and admins can be given an application.
    refused = reviewer_client.post(
        f"/reviews/{submitted}/assign", data={"csrf_token": token, "assignee": "999999"}
    )
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(Review, review.id).assigned_to_id == second_reviewer.id


def test_the_review_page_names_who_opened_it_and_its_assignee_in_no_statement_of_their_own(
    app, reviewer_client, second_reviewer_client, second_reviewer, submitted
):
    page = f"/reviews/{submitted}"
    nobody = queries_for(app, reviewer_client, page)
    start_review(second_reviewer_client, submitted)
    token = field_value(reviewer_client.get(page), "csrf_token")
    reviewer_client.post(
        f"{page}/assign", data={"csrf_token": token, "assignee": str(second_reviewer.id)}
    )
    assert queries_for(app, reviewer_client, page) == nobody
    text = page_text(reviewer_client.get(page))
    assert "First opened by Sam Second on" in text
    assert "Sam Second." in text  # assigned to


def _evidence(application, *, expiry_date, scan_state: str = "clean") -> None:
    """A document, expiring on `expiry_date`, that the application's submission used."""
    stored = StoredFile(
        organisation_id=application.organisation_id,
        purpose="document",
        object_key=f"organisations/{application.organisation_id}/test",
        original_filename="insurance.pdf",
        content_type="application/pdf",
        size_bytes=100,
        sha256="0" * 64,
        scan_state=scan_state,
    )
    document = Document(
        organisation_id=application.organisation_id, kind="insurance_certificate", title="PL"
    )
    document.versions.append(DocumentVersion(number=1, file=stored, expiry_date=expiry_date))
    db.session.add(document)
    db.session.flush()
    submission = db.session.scalar(
        select(ApplicationSubmission).where(ApplicationSubmission.application_id == application.id)
    )
    db.session.add(
        DocumentUse(
            document_version_id=document.versions[0].id, application_submission_id=submission.id
        )
    )


def test_documents_flag_an_application_whose_evidence_has_expired(reviewer_client, app_ctx):
    (application,) = submitted_applications(1)
    _evidence(application, expiry_date=today() - timedelta(days=1))
    db.session.commit()
    assert rows(reviewer_client.get("/reviews?flag=documents")) == ["Provider 0000 Ltd"]


def test_the_queue_makes_the_same_queries_for_10_or_1000_applications(app, reviewer_client):
    with app.app_context():
        submitted_applications(10)
        ten = queries_for(app, reviewer_client, "/reviews")
        submitted_applications(990, start=10)
        thousand = queries_for(app, reviewer_client, "/reviews")
    print(f"queue queries: 10 applications {ten}, 1,000 applications {thousand}")
    assert ten == thousand


def test_assigning_to_me(reviewer_client, reviewer, submitted):
    page = reviewer_client.get(f"/reviews/{submitted}")
    assert "Nobody yet" in page_text(page)
    (form,) = [f for f in soup(page).select("form") if f.find("input", {"value": str(reviewer.id)})]
    assert "Assign to me" in form.get_text()
    reviewer_client.post(
        f"/reviews/{submitted}/assign",
        data={"csrf_token": field_value(page, "csrf_token"), "assignee": str(reviewer.id)},
    )
    assert rows(reviewer_client.get(f"/reviews?assignee={reviewer.id}")) == ["Organisation A Ltd"]
    assert "Assign to me" not in page_text(reviewer_client.get(f"/reviews/{submitted}"))


# The queue's statements are built once for each set of filters and reused with the day's dates,
# the filters' values and the page's ids bound (portal/reviews/queue.py): what a filter asks for
# and what the day and the settings make of it must follow them from one view to the next.


def test_a_filter_asked_again_with_another_value_finds_that_value(
    reviewer_client, reviewer, second_reviewer, app_ctx
):
    mine, theirs = submitted_applications(2, lots=["mentoring"], start=1)
    (tuition,) = submitted_applications(1, start=3)
    db.session.add(Review(application_id=mine.id, assigned_to_id=reviewer.id))
    db.session.add(Review(application_id=theirs.id, assigned_to_id=second_reviewer.id))
    db.session.commit()
    assert rows(reviewer_client.get(f"/reviews?assignee={reviewer.id}")) == ["Provider 0001 Ltd"]
    assert rows(reviewer_client.get(f"/reviews?assignee={second_reviewer.id}")) == [
        "Provider 0002 Ltd"
    ]
    assert rows(reviewer_client.get("/reviews?lot=mentoring")) == [
        "Provider 0001 Ltd",
        "Provider 0002 Ltd",
    ]
    assert rows(reviewer_client.get("/reviews?lot=online-tuition")) == ["Provider 0003 Ltd"]
    assert rows(reviewer_client.get("/reviews?lot=online-tuition&page=2")) == ["Provider 0003 Ltd"]


def test_overdue_follows_a_changed_service_level_on_the_next_view(reviewer_client, app_ctx):
    start = today()
    while working_days_between(start, today()) < 6:
        start -= timedelta(days=1)
    submitted_applications(1, submitted_at=day(start))
    assert "Overdue" not in page_text(reviewer_client.get("/reviews"))
    assert rows(reviewer_client.get("/reviews?flag=overdue")) == []
    db.session.add(FrameworkSetting(key="REVIEW_SERVICE_LEVEL_DAYS", value=5))
    db.session.commit()
    assert "Overdue" in page_text(reviewer_client.get("/reviews"))
    assert rows(reviewer_client.get("/reviews?flag=overdue")) == ["Provider 0000 Ltd"]


def test_documents_flag_counts_the_days_from_today(reviewer_client, app_ctx):
    """A file never virus-checked needs checking (flagged) unless its document expires within
    EXPIRES_SOON_DAYS, when it shows as expiring soon instead (not flagged): both worked out
    from today's date, bound in a statement built once."""
    soon, later = submitted_applications(2)
    for application, expires in ((soon, 10), (later, EXPIRES_SOON_DAYS + 10)):
        _evidence(
            application, expiry_date=today() + timedelta(days=expires), scan_state="not_scanned"
        )
    db.session.commit()
    assert rows(reviewer_client.get("/reviews?flag=documents")) == ["Provider 0001 Ltd"]
    page = reviewer_client.get("/reviews")
    soon_row, later_row = soup(page).select("tbody tr")
    assert "Documents to check" not in soon_row.get_text()
    assert "Documents to check" in later_row.get_text()
