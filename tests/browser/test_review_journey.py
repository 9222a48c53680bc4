"""The review journey in a real browser, axe on every page: a provider submits; a reviewer
returns the application with two comments; the provider sees them beside their questions, fixes
one answer and resubmits; the reviewer sees the change highlighted, approves one lot and refuses
the other; the provider sees both decisions with their reasons, and the organisation is listed
on /providers under the approved lot only.

The sections are answered through HTTP first (tests/applications/journey.py, the questionnaire
with every question type): page-by-page answering in a browser is tested in
test_application_journey.py. Everything from the declaration on happens in the browser.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from portal.core.db import db
from portal.questionnaires import services as questionnaires
from tests.applications import journey
from tests.applications.conftest import draft, every_type, lots  # noqa: F401
from tests.browser.axe import check_accessibility
from tests.browser.people import arrive, heading, sign_in

LOTS = ["online-tuition", "mentoring"]


def sign_and_submit(page: Page) -> None:
    """From the task list: check the answers, sign the declaration, submit."""
    page.locator(".govuk-task-list").get_by_role("link", name="Declaration").click()
    arrive(page, "Check your answers before you submit")
    page.get_by_role("button", name="Continue to the declaration").click()
    arrive(page, "Declaration")
    page.get_by_label("Your full name").fill("Alex Provider")
    page.get_by_label("Your role in the organisation").fill("Director")
    page.get_by_label("I agree with this declaration").check()
    page.get_by_role("button", name="Submit application").click()
    arrive(page, "Application submitted")


def test_return_resubmit_and_approve_one_lot_of_two(
    page: Page,
    new_page,
    live_server,
    provider_client,
    provider,
    reviewer,
    every_type,  # noqa: F811
    draft,  # noqa: F811
):
    journey.complete_sections(provider_client, questionnaires.content_of(every_type), draft, LOTS)
    provider_email = provider.email
    reviewer_email, reviewer_name, secret = reviewer.email, reviewer.full_name, reviewer.totp_secret
    # End the test's transaction: on SQLite it holds the write lock the live server needs.
    db.session.commit()

    # The provider signs and submits in the browser.
    sign_in(page, live_server, provider_email)
    page.goto(f"{live_server}/applications/{draft}")
    arrive(page, "Apply to join the framework")
    sign_and_submit(page)

    # The reviewer finds it in the queue and comments on two questions.
    review = new_page()
    sign_in(review, live_server, reviewer_email, secret)
    expect(heading(review)).to_have_text(reviewer_name)
    review.get_by_role("link", name="Applications to review").click()
    arrive(review, "Applications to review")
    review.get_by_role("link", name="Organisation A Ltd").click()
    expect(heading(review)).to_contain_text("Application FLSF-")
    check_accessibility(review)
    # Reading the page changes nothing: the review starts with a button.
    expect(review.locator("main")).to_contain_text("Not yet opened")
    review.get_by_role("button", name="Start review").click()
    expect(heading(review)).to_contain_text("Application FLSF-")
    expect(review.locator("main")).to_contain_text("In review")
    expect(review.locator("main")).to_contain_text(f"First opened by {reviewer_name}")
    check_accessibility(review)
    for question, text in (
        ("Telephone number", "This number does not connect"),
        ("Website", "Add your website, or say you have none"),
    ):
        review.get_by_role("link", name=f"Comment on {question}", exact=True).click()
        arrive(review, f"Comment on “{question}”")
        review.get_by_label("Comment for the provider").fill(text)
        review.get_by_role("button", name="Save comment").click()
        expect(review.locator(".govuk-notification-banner")).to_contain_text("Comment saved")
        check_accessibility(review)
    review.get_by_role("button", name="Return for changes").click()
    arrive(review, "Return the application for changes")
    review.get_by_label("What does the provider need to change?").fill("Two answers to check")
    review.get_by_role("button", name="Continue").click()
    arrive(review, "Check your decision")
    # What was typed reads as typed: no markup around it.
    expect(review.locator(".govuk-summary-list")).to_contain_text(
        re.compile(r"What to change\s+Two answers to check\s*$")
    )
    review.get_by_role("button", name="Return the application").click()
    expect(review.locator(".govuk-notification-banner")).to_contain_text("returned")
    check_accessibility(review)

    # The provider sees the comments, fixes the telephone number and resubmits.
    page.goto(f"{live_server}/applications/{draft}")
    arrive(page, "Apply to join the framework")
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Two answers to check")
    expect(banner).to_contain_text("This number does not connect")
    banner.get_by_role("link", name="Telephone number").click()
    expect(page.locator(".app-review-comment").first).to_contain_text(
        "This number does not connect"
    )
    check_accessibility(page)
    page.get_by_label("Telephone number").fill("01384 812345")
    page.get_by_role("button", name="Save and continue").click()
    check_accessibility(page)
    page.goto(f"{live_server}/applications/{draft}")
    arrive(page, "Apply to join the framework")
    sign_and_submit(page)

    # The reviewer sees the change highlighted, then approves one lot and refuses the other.
    review.goto(f"{live_server}/reviews/{draft}")
    check_accessibility(review)
    review.get_by_role("button", name="Start review").click()
    expect(review.locator("main")).to_contain_text("In review")
    check_accessibility(review)
    changed = review.locator(".app-changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("Telephone number")
    review.get_by_role("button", name="Approve").click()
    arrive(review, "Approve the application")
    review.get_by_role("group", name="Online tuition").get_by_label("Admit").check()
    review.get_by_label("Reason for Online tuition").fill("Strong tutoring evidence")
    review.get_by_role("group", name="Mentoring").get_by_label("Refuse").check()
    review.get_by_label("Reason for Mentoring").fill("No mentoring experience shown")
    review.get_by_label("Summary of the decision").fill("Admitted for online tuition")
    review.get_by_role("button", name="Continue").click()
    arrive(review, "Check your decision")
    for lot, outcome in (
        ("Online tuition", "Admit\\s*Strong tutoring evidence"),
        ("Mentoring", "Refuse\\s*No mentoring experience shown"),
        ("Summary", "Admitted for online tuition"),
    ):
        row = review.locator(".govuk-summary-list__row", has=review.locator("dt", has_text=lot))
        expect(row.locator("dd")).to_have_text(re.compile(rf"^\s*{outcome}\s*$"))
    review.get_by_role("button", name="Approve and tell the provider").click()
    expect(review.locator(".govuk-notification-banner")).to_contain_text("Application approved")
    check_accessibility(review)

    # The provider sees both decisions with their reasons.
    page.goto(f"{live_server}/applications/{draft}")
    arrive(page, "Your application")
    decision = page.locator("main")
    expect(decision).to_contain_text("Strong tutoring evidence")
    expect(decision).to_contain_text("No mentoring experience shown")
    for lot, outcome in (("Online tuition", "On the framework"), ("Mentoring", "Not admitted")):
        key = page.locator("dt", has_text=re.compile(rf"^\s*{lot}\s*$"))
        expect(page.locator(".govuk-summary-list__row", has=key)).to_contain_text(outcome)

    # The public list shows the organisation under online tuition only.
    page.goto(f"{live_server}/providers?lot=online-tuition")
    check_accessibility(page)
    expect(page.locator("main")).to_contain_text("Organisation A Ltd")
    page.goto(f"{live_server}/providers?lot=mentoring")
    check_accessibility(page)
    expect(page.locator("main")).not_to_contain_text("Organisation A Ltd")
