"""A provider review meeting in a real browser, axe on every page: a provider at high risk (an
inadequate visit, an overdue action) is due a meeting; the reviewer finds it from the home page
and the calendar, schedules it from the risk with its agenda built from the record, adds to the
agenda, publishes the minutes and agrees an action; the provider reads the minutes and comments;
the provider record page shows the meeting with the risk and its reasons, the published rule,
and a suspension form that starts from the reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from portal.core.db import db
from portal.core.time import today, utcnow
from tests.browser.people import sign_in
from tests.browser.test_contracts_journey import fill_date, landed
from tests.documents.helpers import run_command
from tests.quality.record_helpers import give_record
from tests.support import factories


@pytest.fixture
def risky(app, organisation):
    factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=365))
    give_record(organisation, judgement="inadequate", overdue_actions=1)
    run_command(app, "quality", "rate-risk")  # the nightly job
    return organisation


def test_a_review_meeting_in_the_browser(page: Page, new_page, live_server, reviewer, risky):
    base = live_server
    name, organisation_id = risky.legal_name, risky.id
    staff = (reviewer.email, reviewer.totp_secret)
    db.session.commit()

    # The reviewer's home says a meeting is due; the calendar shows it overdue.
    sign_in(page, base, *staff)
    page.get_by_role("link", name="Schedule 1 review meeting").click()
    landed(page, "Provider review meetings")
    expect(page.get_by_role("heading", name="Overdue")).to_be_visible()
    page.get_by_role("link", name=f"schedule a meeting with {name}").click()
    landed(page, f"Schedule a review meeting with {name}")
    expect(page.locator("main")).to_contain_text("Latest visit judged inadequate: +6")
    expect(page.locator("main")).to_contain_text("a meeting is due every 3 months")

    # Scheduled, with the agenda from the record.
    fill_date(page, "meets_on", today() + timedelta(days=7))
    page.get_by_role("button", name="Schedule the meeting").click()
    landed(page, "Review meeting on", "The meeting has been scheduled and the provider told")
    main = page.locator("main")
    expect(main).to_contain_text("1. Risk rating: high")
    expect(main).to_contain_text("Put right number 1: open, due")
    meeting_url = page.url

    page.get_by_role("link", name="Add to the agenda").click()
    landed(page, "Add to the agenda")
    page.get_by_label("Heading (optional)").fill("Transport")
    page.get_by_label("What to discuss").fill("Pick-up times from the new site")
    page.get_by_role("button", name="Add to the agenda").click()
    landed(page, "Review meeting on", "Added to the agenda")
    expect(main).to_contain_text("Pick-up times from the new site")

    # Held and minuted; an action agreed.
    page.get_by_role("link", name="Publish the minutes").click()
    landed(page, "Publish the minutes")
    fill_date(page, "held_on", today())
    page.get_by_label("Who attended").fill("Sam Reviewer, council\nAlex Provider, manager")
    page.get_by_label("Minutes").fill("Safeguarding training is booked for all staff.")
    page.get_by_role("button", name="Publish the minutes").click()
    landed(page, "Review meeting on", "The minutes have been published to the provider")
    page.get_by_role("link", name="Add an action agreed at the meeting").click()
    landed(page, "Add an action agreed at the meeting")
    page.get_by_label("What must be done").fill("Send the training certificates")
    page.get_by_label("Who at the provider will do it").fill("Alex Provider")
    fill_date(page, "due_on", today() + timedelta(days=30))
    page.get_by_role("button", name="Add the action").click()
    landed(page, "Review meeting on", "added to the provider's action plan")
    expect(main).to_contain_text("Send the training certificates: Alex Provider")

    # The provider reads the minutes and comments.
    provider = new_page()
    sign_in(provider, base, "provider-a@example.org")
    provider.goto(f"{base}/quality/organisations/{organisation_id}/meetings")
    landed(provider, "Review meetings with the council")
    provider.get_by_role("link", name="minutes").click()
    landed(provider, "Review meeting on")
    expect(provider.locator("main")).to_contain_text("Safeguarding training is booked")
    provider.get_by_role("button", name="Add your comment").click()
    landed(provider, "Review meeting on")
    expect(provider.locator(".govuk-error-summary")).to_contain_text("Enter your comment")
    provider.get_by_label("Your comment").fill("Certificates will follow by Friday.")
    provider.get_by_role("button", name="Add your comment").click()
    landed(provider, "Review meeting on", "Your comment has been added")
    expect(provider.locator("main")).to_contain_text("Certificates will follow by Friday.")

    # The record page shows it all with the risk and its reasons.
    page.goto(meeting_url)
    landed(page, "Review meeting on")
    expect(page.locator("main")).to_contain_text("Certificates will follow by Friday.")
    page.goto(f"{base}/reviews/providers/{organisation_id}")
    landed(page, name)
    record = page.locator("main")
    expect(record).to_contain_text("Risk: High risk")
    expect(record).to_contain_text("Latest visit judged inadequate: +6")
    expect(record).to_contain_text("1 action overdue: +1")
    expect(record).to_contain_text(f"Held on {today().day}")
    expect(record).to_contain_text("Send the training certificates")
    page.get_by_role("link", name="How the risk rating is worked out").click()
    landed(page, "How a provider's risk rating is worked out")
    page.go_back()
    landed(page, name)
    page.get_by_role("link", name="Suspend from Mentoring for these reasons").click()
    landed(page, f"Suspend {name} from Mentoring?")
    expect(page.get_by_label("Reason")).to_have_value(
        "High risk (7 points): 1 action overdue: +1; Latest visit judged inadequate: +6."
    )
