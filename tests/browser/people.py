"""What the browser journeys share: finding a page's heading, arriving on a page (its h1, then
axe), and signing in through the pages as a provider or, with a TOTP secret, as council staff."""

from __future__ import annotations

import pyotp
from playwright.sync_api import Page, expect

from tests.browser.axe import check_accessibility
from tests.support import factories


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def arrive(page: Page, text: str) -> None:
    """The page has loaded with this h1 and passes axe."""
    expect(heading(page)).to_have_text(text)
    check_accessibility(page)


def sign_in(page: Page, base: str, email: str, totp_secret: str | None = None) -> None:
    """Sign in at `base` (staff with a code from their authenticator, as `totp_secret` gives
    it), ending on the home page, every page checked with axe."""
    page.goto(f"{base}/sign-in")
    arrive(page, "Sign in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if totp_secret:
        arrive(page, "Enter your security code")
        page.get_by_label("Security code").fill(pyotp.TOTP(totp_secret).now())
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{base}/home")
    check_accessibility(page)
