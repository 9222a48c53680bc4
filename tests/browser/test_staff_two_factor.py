"""A new admin signs in for the first time, sets up two-factor with their authenticator app and
reaches the staff pages, in a real browser, with axe on every page."""

from __future__ import annotations

import pyotp
from playwright.sync_api import Page, expect

from portal.accounts.models import ADMIN, REVIEWER
from portal.accounts.services import RECOVERY_CODE_COUNT
from tests.browser.axe import check_accessibility
from tests.browser.people import arrive, sign_in_through_the_pages
from tests.support import factories


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_an_admin_sets_up_two_factor_and_reaches_the_staff_pages(page: Page, live_server, live_app):
    with live_app.app_context():
        admin = factories.make_user("ada@council.example.org", full_name="Ada Admin", role=ADMIN)

    page.goto(f"{live_server}/sign-in")
    expect(heading(page)).to_have_text("Sign in")
    check_accessibility(page)
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Staff cannot go further until two-factor is on.
    expect(heading(page)).to_have_text("Set up two-factor authentication")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret")
    expect(secret).to_be_visible()
    check_accessibility(page)
    code = pyotp.TOTP(secret.inner_text().strip()).now()
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("Save your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(RECOVERY_CODE_COUNT)
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("Ada Admin")
    check_accessibility(page)
    page.get_by_role("link", name="Manage council staff").click()

    expect(page).to_have_url(f"{live_server}/admin/staff")
    expect(heading(page)).to_have_text("Council staff")
    admin_row = page.get_by_role("row").filter(has_text=admin.email)
    expect(admin_row).to_contain_text("Set up")
    expect(admin_row).not_to_contain_text("Not set up")
    check_accessibility(page)


def test_an_admin_deactivates_reactivates_and_resets_a_colleague(
    page: Page, new_page, live_server, live_app
):
    with live_app.app_context():
        admin = factories.make_user(
            "ada@council.example.org", full_name="Ada Admin", role=ADMIN, two_factor=True
        )
        colleague = factories.make_user(
            "rita@council.example.org", full_name="Rita Reviewer", role=REVIEWER, two_factor=True
        )
        people = [(admin.email, admin.totp_secret), (colleague.email, colleague.totp_secret)]
    (admin_email, admin_secret), (rita_email, rita_secret) = people
    rita = new_page()
    # Through the sign-in and security code pages, axe on each, as other journeys no longer do.
    sign_in_through_the_pages(rita, live_server, rita_email, rita_secret)
    sign_in_through_the_pages(page, live_server, admin_email, admin_secret)
    page.goto(f"{live_server}/admin/staff")
    arrive(page, "Council staff")
    row = page.get_by_role("row").filter(has_text=rita_email)

    row.get_by_role("link", name="Deactivate Rita Reviewer's account").click()
    arrive(page, "Deactivate Rita Reviewer's account?")
    page.get_by_role("button", name="Deactivate account").click()
    arrive(page, "Council staff")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Rita Reviewer's account has been deactivated"
    )
    expect(row).to_contain_text("Deactivated")
    # Rita, mid-task in her own browser, is signed out at her next click.
    rita.reload()
    arrive(rita, "Sign in")
    expect(rita.locator(".govuk-notification-banner")).to_contain_text(
        "You have been signed out. Sign in again."
    )

    row.get_by_role("link", name="Reactivate Rita Reviewer's account").click()
    arrive(page, "Reactivate Rita Reviewer's account?")
    page.get_by_role("button", name="Reactivate account").click()
    arrive(page, "Council staff")
    expect(row).to_contain_text("Active")

    row.get_by_role("link", name="Reset two-factor for Rita Reviewer").click()
    arrive(page, "Reset Rita Reviewer's two-factor authentication?")
    page.get_by_role("button", name="Reset two-factor authentication").click()
    arrive(page, "Council staff")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Rita Reviewer's two-factor authentication has been reset. We have emailed them"
    )
    expect(row).to_contain_text("Not set up")
