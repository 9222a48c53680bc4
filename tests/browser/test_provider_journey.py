"""A provider joins: creates an account, confirms their email, signs in, sets up their
organisation and invites a colleague, in a real browser, with axe on every page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.axe import check_accessibility
from tests.support import factories
from tests.support.emails import last_email_to, link_in

EMAIL = "sam@riverside-mentoring.example.org"
PASSWORD = "kettle orchard lantern bicycle"
COLLEAGUE = "jo@riverside-mentoring.example.org"


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def fits_width(page: Page, width: int) -> bool:
    """True when the page needs no sideways scrolling at `width` pixels."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_provider_registers_sets_up_their_organisation_and_invites_a_colleague(
    page: Page, live_server, live_app
):
    page.goto(live_server)
    expect(heading(page)).to_have_text("Flexible Learning Support Framework")
    check_accessibility(page)

    page.get_by_role("button", name="Start now").click()
    expect(heading(page)).to_have_text("Create an account")
    check_accessibility(page)

    # Sending the form empty shows the error summary, focused so a screen reader reads it.
    page.get_by_role("button", name="Create account").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your full name")
    expect(page).to_have_title(re.compile(r"^Error: Create an account – "))
    check_accessibility(page)
    summary.get_by_role("link", name="Enter your full name").click()
    expect(page.get_by_label("Full name")).to_be_focused()

    page.get_by_label("Full name").fill("Sam Rivers")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(heading(page)).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text(EMAIL)
    check_accessibility(page)

    with live_app.app_context():
        confirmation = link_in(last_email_to(EMAIL), "/verify-email/")
    page.goto(live_server + confirmation)
    expect(heading(page)).to_have_text("Email address confirmed")
    check_accessibility(page)

    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text("Sign in")
    check_accessibility(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # With no organisation yet, signing in leads straight to setting one up.
    expect(heading(page)).to_have_text("Tell us about your organisation")
    check_accessibility(page)
    page.get_by_label("Legal name").fill("Riverside Mentoring")
    page.get_by_label("Charity or charitable incorporated organisation (CIO)").check()
    page.get_by_label("Charity number").fill("1234567")
    page.get_by_label("Voluntary, community or social enterprise (VCSE)").check()
    page.get_by_label("Address line 1").fill("4 Mill Lane")
    page.get_by_label("Town or city").fill("Dudley")
    page.get_by_label("Postcode").fill("dy1 1hf")
    page.get_by_label("Phone number").fill("01384 812345")
    page.get_by_label("Main contact's name").fill("Sam Rivers")
    page.get_by_label("Main contact's email address").fill(EMAIL)
    page.get_by_role("button", name="Save").click()

    expect(heading(page)).to_have_text("Riverside Mentoring")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Riverside Mentoring has been created"
    )
    expect(page.locator("main")).to_contain_text("DY1 1HF")
    check_accessibility(page)

    page.get_by_role("button", name="Invite a colleague").click()
    expect(heading(page)).to_have_text("Invite a colleague")
    check_accessibility(page)
    page.get_by_label("Email address").fill(COLLEAGUE)
    page.get_by_role("button", name="Send invitation").click()

    expect(heading(page)).to_have_text("Riverside Mentoring")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"We have sent an invitation to {COLLEAGUE}"
    )
    waiting = page.get_by_role("heading", name="Invitations waiting for a reply")
    expect(waiting).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=COLLEAGUE)).to_be_visible()
    check_accessibility(page)
    with live_app.app_context():
        assert link_in(last_email_to(COLLEAGUE), "/organisations/invitations/")


def test_the_start_page_and_organisation_form_fit_a_phone_screen(page: Page, live_server, live_app):
    with live_app.app_context():
        user = factories.make_user("phone@example.org", full_name="Pat Phone")
    page.set_viewport_size({"width": 320, "height": 640})

    page.goto(live_server)
    expect(heading(page)).to_have_text("Flexible Learning Support Framework")
    assert fits_width(page, 320)
    check_accessibility(page)

    page.locator("main").get_by_role("link", name="Sign in").click()
    expect(heading(page)).to_have_text("Sign in")
    assert fits_width(page, 320)
    check_accessibility(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(heading(page)).to_have_text("Tell us about your organisation")
    assert fits_width(page, 320)
    check_accessibility(page)
