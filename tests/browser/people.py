"""What the browser journeys share: finding a page's heading, arriving on a page (its h1, then
axe), and signing in as a provider or, with a TOTP secret, as council staff: through the pages
(`sign_in_through_the_pages`, for tests about signing in) or by the same requests made from
Python, the browser then given the session's cookie (`sign_in`, for every other journey)."""

from __future__ import annotations

from datetime import date, datetime

import pyotp
from flask import Flask
from playwright.sync_api import Page, expect

from portal.core.time import LONDON
from tests.browser.axe import check_accessibility
from tests.support import factories
from tests.support.pages import field_value

# The app each live server serves, by its base URL (filled in by the `live_server` fixture).
LIVE_APPS: dict[str, Flask] = {}


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def arrive(page: Page, text: str) -> None:
    """The page has loaded with this h1 and passes axe."""
    expect(heading(page)).to_have_text(text)
    check_accessibility(page)


def landed(page: Page, text: str, banner: str | None = None) -> None:
    """The page's h1 contains `text` (and its notification banner `banner`); it passes axe."""
    expect(heading(page)).to_contain_text(text)
    if banner:
        expect(page.locator(".govuk-notification-banner")).to_contain_text(banner)
    check_accessibility(page)


def fill_date(page: Page, name: str, day: date) -> None:
    """Type `day` into the GOV.UK date input `name`."""
    page.locator(f"#{name}-day").fill(str(day.day))
    page.locator(f"#{name}-month").fill(str(day.month))
    page.locator(f"#{name}-year").fill(str(day.year))


def fill_deadline(page: Page, prefix: str, moment: datetime) -> None:
    """Type `moment` into a deadline's date input and time field (`prefix`_date, _time), as
    London time."""
    local = moment.astimezone(LONDON)
    fill_date(page, f"{prefix}_date", local)
    page.locator(f"#{prefix}_time").fill(f"{local:%H:%M}")


def sign_in(page: Page, base: str, email: str, totp_secret: str | None = None) -> None:
    """Sign in at `base` (staff with a code from their authenticator, as `totp_secret` gives
    it), ending on the home page, checked with axe.

    The sign-in and two-factor pages are posted by a test client of the live app, CSRF token
    and all, so the portal signs in exactly as for the browser (its session row, its cookie);
    the browser then carries that cookie. Walking the two pages in the browser, with axe on
    each, cost every journey seconds per person; tests about signing in still walk them."""
    client = LIVE_APPS[base].test_client()
    _post_form(client, "/sign-in", {"email": email, "password": factories.PASSWORD})
    if totp_secret:
        _post_form(client, "/two-factor", {"code": pyotp.TOTP(totp_secret).now()})
    cookie = client.get_cookie(client.application.config["SESSION_COOKIE_NAME"])
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
    page.goto(f"{base}/home")
    expect(page).to_have_url(f"{base}/home")
    check_accessibility(page)


def _post_form(client, url: str, data: dict) -> None:
    form = client.get(url)
    assert form.status_code == 200, form.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": field_value(form, "csrf_token"), **data})
    assert response.status_code == 302, response.get_data(as_text=True)


def sign_in_through_the_pages(
    page: Page, base: str, email: str, totp_secret: str | None = None
) -> None:
    """Sign in at `base` through the sign-in pages, as `sign_in`, every page checked with
    axe."""
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
