"""Provider review meetings through their pages: scheduled from the provider's risk with the
agenda built from its record, added to, held with minutes (once), actions agreed into the action
plan, read and commented on by the provider; the calendar of meetings due and overdue; what the
home pages say is waiting. Bad input is refused with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.time import format_date, today, utcnow
from portal.kpi_returns import months
from portal.quality.models import Action, Meeting, MeetingComment
from portal.quality.services.meetings import COMMENT_LIMIT
from tests.contracts.contract_pages import hidden
from tests.documents.helpers import run_command
from tests.quality.meeting_helpers import (
    day_parts,
    hold,
    minutes_form,
    only_meeting,
    schedule,
    schedule_url,
)
from tests.quality.record_helpers import give_record
from tests.support import factories
from tests.support.emails import emails_to, last_email_to, link_in
from tests.support.pages import page_errors, page_text
from tests.support.queries import counting_queries, queries_for


@pytest.fixture
def risky(app, app_ctx, organisation):
    """Organisation A on the framework for a year, at high risk (an inadequate visit and an
    overdue action), rated so by the nightly job."""
    factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=365))
    give_record(organisation, judgement="inadequate", overdue_actions=1, dbs_flagged=1)
    run_command(app, "quality", "rate-risk")
    return organisation


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_meeting_is_scheduled_from_risk_with_its_agenda_built_from_the_record(
    app, reviewer_client, provider, risky
):
    page = reviewer_client.get(schedule_url(risky))
    text = page_text(page)
    assert "High risk" in text
    assert "Latest visit judged inadequate: +6" in text
    # Admitted a year ago and never met: at high risk it was due three months after joining.
    assert "a meeting is due every 3 months" in text

    meets_on = today() + timedelta(days=10)
    response = schedule(reviewer_client, risky, meets_on)
    meeting = only_meeting()
    assert response.location == f"/quality/meetings/{meeting.id}"
    assert meeting.risk == "high"
    assert meeting.meets_on == meets_on
    headings = [item["heading"] for item in meeting.agenda]
    assert headings == [
        "Risk rating: high",
        "KPI ratings in the last 6 months",
        "Open performance escalations",
        "Documents expired or expiring",
        "DBS register flags",
        "Open actions",
        "Contracts and delivery",
    ]
    agenda = {item["heading"]: item["lines"] for item in meeting.agenda}
    assert "Latest visit judged inadequate: +6" in agenda["Risk rating: high"]
    assert agenda["Open actions"][0].startswith("Put right number 1: open, due ")
    assert agenda["Open actions"][0].endswith("(overdue)")
    assert agenda["DBS register flags"][0].startswith("Flagged Person 0: no dbs check recorded")
    assert agenda["Contracts and delivery"] == ["Nothing to discuss."]

    shown = page_text(reviewer_client.get(f"/quality/meetings/{meeting.id}"))
    assert "1. Risk rating: high" in shown
    assert "Put right number 1" in shown

    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "meeting.scheduled")
    ).one()
    assert event.after["risk"] == "high"
    email = last_email_to(provider.email)
    assert email.subject == f"Provider review meeting on {format_date(meets_on)}"
    assert link_in(email, "/quality/meetings/") == f"/quality/meetings/{meeting.id}"


def test_a_meeting_date_in_the_past_is_refused(app, reviewer_client, risky):
    response = schedule(reviewer_client, risky, today() - timedelta(days=1))
    assert response.status_code == 200
    assert page_errors(response) == {
        "meets_on-day": "The date of the meeting must be today or in the future"
    }
    assert _count(Meeting) == 0


def test_no_date_is_refused(app, reviewer_client, risky):
    url = schedule_url(risky)
    response = reviewer_client.post(url, data=hidden(reviewer_client, url))
    assert page_errors(response) == {"meets_on-day": "Enter the date of the meeting"}
    assert _count(Meeting) == 0


def test_one_meeting_is_scheduled_at_a_time(app, reviewer_client, risky):
    schedule(reviewer_client, risky)
    response = schedule(reviewer_client, risky, today() + timedelta(days=20))
    assert "A review meeting is already scheduled for" in page_errors(response)["meets_on-day"]
    assert _count(Meeting) == 1


def test_a_provider_not_on_the_framework_has_no_meeting_to_schedule(
    app, reviewer_client, organisation
):
    assert reviewer_client.get(schedule_url(organisation)).status_code == 404


def test_the_reviewer_adds_to_the_agenda(app, reviewer_client, risky):
    schedule(reviewer_client, risky)
    meeting = only_meeting()
    url = f"/quality/meetings/{meeting.id}/agenda"
    empty = reviewer_client.post(url, data=hidden(reviewer_client, url) | {"text": "  "})
    assert page_errors(empty) == {"text": "Enter what to discuss"}
    added = reviewer_client.post(
        url,
        data=hidden(reviewer_client, url)
        | {"heading": "Transport", "text": "Taxi contract\nPick-up times"},
    )
    assert added.status_code == 302
    meeting = only_meeting()
    assert meeting.agenda[-1] == {
        "heading": "Transport",
        "lines": ["Taxi contract", "Pick-up times"],
        "added": True,
    }
    assert len(meeting.agenda) == 8


def test_the_meeting_is_held_and_minuted_once(app, reviewer_client, admin_client, provider, risky):
    schedule(reviewer_client, risky)
    meeting = only_meeting()
    # Two people open the minutes page at once; both publish.
    first = minutes_form(reviewer_client, meeting.id)
    second = minutes_form(admin_client, meeting.id, minutes="Someone else's minutes")
    url = f"/quality/meetings/{meeting.id}/minutes"
    assert reviewer_client.post(url, data=first).location == f"/quality/meetings/{meeting.id}"
    refused = admin_client.post(url, data=second)
    assert refused.status_code == 200
    assert "just been changed by someone else" in page_text(refused)
    meeting = only_meeting()
    assert meeting.status == "held"
    assert meeting.held_on == today()
    assert meeting.minutes.startswith("We went through the agenda")
    held = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.held")).all()
    assert len(held) == 1
    minutes_emails = [e for e in emails_to(provider.email) if e.subject.startswith("Minutes")]
    assert [e.subject for e in minutes_emails] == [
        f"Minutes of your provider review meeting on {format_date(today())}"
    ]
    # Once held, the minutes page refuses again.
    again = hold(reviewer_client, meeting.id)
    assert "already been held or cancelled" in page_text(again)


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"held_on": day_parts(today() + timedelta(days=1))},
            {"held_on-day": "The date the meeting was held must be today or in the past"},
        ),
        ({"held_on": ["", "", ""]}, {"held_on-day": "Enter the date the meeting was held"}),
        ({"attendees": ""}, {"attendees": "Enter who attended"}),
        ({"minutes": " "}, {"minutes": "Enter the minutes"}),
    ],
)
def test_minutes_that_are_not_complete_are_refused(app, reviewer_client, risky, overrides, errors):
    schedule(reviewer_client, risky)
    meeting = only_meeting()
    response = hold(reviewer_client, meeting.id, **overrides)
    assert page_errors(response) == errors
    assert only_meeting().status == "scheduled"


def test_actions_agreed_go_into_the_action_plan(app, reviewer_client, risky):
    schedule(reviewer_client, risky)
    meeting = only_meeting()
    url = f"/quality/meetings/{meeting.id}/actions/new"
    form = {"title": "Book safeguarding training", "owner": "The manager"}
    early = reviewer_client.post(
        url, data=hidden(reviewer_client, url) | form | {"due_on": day_parts(today())}
    )
    assert "Record the minutes first" in page_text(early)
    hold(reviewer_client, meeting.id)
    past = reviewer_client.post(
        url,
        data=hidden(reviewer_client, url) | form | {"due_on": day_parts(today() - timedelta(1))},
    )
    assert page_errors(past) == {
        "due_on-day": "The date it is due by must be today or in the future"
    }
    due = today() + timedelta(days=30)
    added = reviewer_client.post(
        url, data=hidden(reviewer_client, url) | form | {"due_on": day_parts(due)}
    )
    assert added.location == f"/quality/meetings/{meeting.id}#actions"
    db.session.rollback()
    action = db.session.scalars(select(Action).where(Action.meeting_id == meeting.id)).one()
    assert (action.title, action.organisation_id, action.due_on) == (
        "Book safeguarding training",
        risky.id,
        due,
    )
    assert "Book safeguarding training: The manager" in page_text(
        reviewer_client.get(f"/quality/meetings/{meeting.id}")
    )


def test_the_provider_reads_the_minutes_and_comments(
    app, reviewer_client, provider_client, provider, risky
):
    schedule(reviewer_client, risky)
    meeting = only_meeting()
    url = f"/quality/meetings/{meeting.id}"
    before = page_text(provider_client.get(url))
    assert "Agenda" in before and "Minutes" not in before
    hold(reviewer_client, meeting.id)

    page = provider_client.get(url)
    assert "Training is booked for March" in page_text(page)
    empty = provider_client.post(url, data=hidden(provider_client, url) | {"body": "  "})
    assert page_errors(empty) == {"body": "Enter your comment"}
    long = provider_client.post(
        url, data=hidden(provider_client, url) | {"body": "x" * (COMMENT_LIMIT + 1)}
    )
    assert page_errors(long) == {
        "body": f"Your comment must be {COMMENT_LIMIT} characters or fewer"
    }
    assert _count(MeetingComment) == 0
    said = provider_client.post(
        url, data=hidden(provider_client, url) | {"body": "The training is on 3 March."}
    )
    assert said.location == f"{url}#comments"
    comment = db.session.scalars(select(MeetingComment)).one()
    assert comment.author_id == provider.id
    assert "The training is on 3 March." in page_text(reviewer_client.get(url))
    listing = page_text(provider_client.get(f"/quality/organisations/{risky.id}/meetings"))
    assert f"Meeting held on {format_date(today())}: minutes" in listing


def test_another_organisations_meeting_is_not_found(
    app, reviewer_client, other_provider_client, risky
):
    schedule(reviewer_client, risky)
    meeting = only_meeting()
    url = f"/quality/meetings/{meeting.id}"
    assert other_provider_client.get(url).status_code == 404
    assert other_provider_client.post(url, data={"body": "Hello"}).status_code == 404
    assert (
        other_provider_client.get(f"/quality/organisations/{risky.id}/meetings").status_code == 404
    )
    assert _count(MeetingComment) == 0


def test_the_calendar_shows_overdue_first_then_by_month(
    app, reviewer_client, risky, other_organisation
):
    # B joined 300 days ago at low risk: due in about two months, not on the calendar yet. Its
    # record now says medium, but the calendar follows the rating last kept (by the nightly
    # job) until the job runs again.
    factories.admit(other_organisation, "mentoring", admitted_at=utcnow() - timedelta(days=300))
    give_record(other_organisation, lapsed=True)
    page = page_text(reviewer_client.get("/quality/meetings"))
    assert page.index("Overdue") < page.index("Organisation A Ltd")
    assert "Due, not scheduled" in page
    assert "Organisation B Ltd" not in page
    run_command(app, "quality", "rate-risk")
    # Medium: due six months after joining, so overdue too, after A (due longer ago).
    page = page_text(reviewer_client.get("/quality/meetings"))
    assert page.index("Overdue") < page.index("Organisation A Ltd") < page.index("Organisation B")

    meets_on = today() + timedelta(days=10)
    schedule(reviewer_client, risky, meets_on)
    page = page_text(reviewer_client.get("/quality/meetings"))
    month = months.first_of(meets_on).strftime("%B %Y")
    assert page.index("Overdue") < page.index("Organisation B Ltd") < page.index(month)
    assert page.index(month) < page.index("Organisation A Ltd")
    assert "Scheduled" in page


def test_the_next_meeting_is_due_by_risk_from_the_last_one_held(app, reviewer_client, risky):
    schedule(reviewer_client, risky, today())
    hold(reviewer_client, only_meeting().id)
    text = page_text(reviewer_client.get(schedule_url(risky)))
    due = today().replace(day=1)
    assert f"the last was held on {format_date(today())}" in text
    assert months.add_months(due, 3).strftime("%B %Y") in text


def test_the_home_pages_say_what_is_waiting(app, reviewer_client, provider_client, risky):
    assert "Schedule 1 review meeting" in page_text(reviewer_client.get("/home"))
    schedule(reviewer_client, risky, today() + timedelta(days=3))
    home = page_text(provider_client.get("/home"))
    assert f"Review meeting with the council on {format_date(today() + timedelta(days=3))}" in home
    assert "Schedule 1 review meeting" not in page_text(reviewer_client.get("/home"))


def _on_framework_for(days: int, count: int, first: int = 0) -> None:
    for number in range(first, first + count):
        owner = factories.make_user(f"owner-{number}@example.org")
        organisation = factories.make_organisation(owner, legal_name=f"Provider {number:02} Ltd")
        factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=days))
    db.session.commit()


def test_the_calendar_is_a_page_at_a_time_overdue_first_with_the_counts_of_it_all(
    app, reviewer_client
):
    """Paged in SQL (the calendar once listed every provider due): the first page is the
    overdue ones, the next the rest; the counts are of the whole calendar, and the page runs
    as many queries for 3 providers as for 53."""
    _on_framework_for(400, 2)  # low risk, joined 400 days ago: a yearly meeting overdue
    _on_framework_for(340, 1, first=2)  # due in about 25 days
    few = queries_for(app, reviewer_client, "/quality/meetings")
    text = page_text(reviewer_client.get("/quality/meetings"))
    assert "2 overdue" in text and "of 3 in all" in text
    assert "Showing" not in text  # one page: no pagination
    _on_framework_for(400, 49, first=3)
    _on_framework_for(340, 1, first=52)
    assert queries_for(app, reviewer_client, "/quality/meetings") == few
    first = page_text(reviewer_client.get("/quality/meetings"))
    assert "51 overdue" in first and "of 53 in all" in first
    assert "Showing 1 to 50 of 53, overdue first" in first
    assert first.index("Overdue") < first.index("Provider 00 Ltd")
    assert "Provider 02 Ltd" not in first  # due, not overdue: after all the overdue ones
    second = page_text(reviewer_client.get("/quality/meetings?page=2"))
    assert "Showing 51 to 53 of 53" in second
    assert second.index("Overdue") < second.index("Provider 51 Ltd") < second.index("Provider 02")
    assert second.index("Provider 02 Ltd") < second.index("Provider 52 Ltd")
    # The page's providers' ratings and their scheduled meetings are read in one statement.
    with counting_queries(app) as statements:
        reviewer_client.get("/quality/meetings")
    (meetings,) = [statement for statement in statements if "FROM quality_meetings" in statement]
    assert "provider_risks" in meetings


def test_the_calendars_statements_stay_short_enough_for_psycopgs_cache(app, reviewer_client, risky):
    """psycopg parses a statement longer than this again on every request (it was 20% of the
    calendar's time when its SQL was 11,000 characters)."""
    reviewer_client.get("/quality/meetings")
    with counting_queries(app) as statements:
        assert reviewer_client.get("/quality/meetings").status_code == 200
    assert max(len(statement) for statement in statements) <= MAX_CACHED_STATEMENT_LENGTH
