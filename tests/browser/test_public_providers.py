"""The public list of providers and the page on how call-offs are made, in a real browser: a
visitor filters and searches the list and reads how the council chooses; a reviewer suspends a
provider, who then drops off the public list. axe-core checks every page."""

from __future__ import annotations

import pyotp
from playwright.sync_api import Page, expect

from portal.accounts.models import REVIEWER
from tests.browser.axe import check_accessibility
from tests.support import factories


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def listed(page: Page):
    return page.locator("tbody tr td:first-child strong")


def make_providers(live_app) -> dict[str, int]:
    with live_app.app_context():
        owners = [factories.make_user(f"owner{n}@example.org") for n in range(3)]
        oak = factories.make_organisation(
            owners[0], legal_name="Oak Tutoring Ltd", website="https://oak.example.org"
        )
        elm = factories.make_organisation(
            owners[1], legal_name="Elm Mentoring Trust", is_vcse=True, is_local=False
        )
        ash = factories.make_organisation(owners[2], legal_name="Ash Learning CIC", is_vcse=True)
        factories.admit(oak, "online-tuition")
        factories.admit(elm, "mentoring")
        factories.admit(ash, "mentoring")
        suspendable = factories.admit(ash, "online-tuition")
        return {"ash": ash.id, "suspendable": suspendable.id}


def test_a_visitor_finds_providers_and_reads_how_call_offs_are_made(
    page: Page, live_server, live_app
):
    make_providers(live_app)
    page.goto(live_server)
    check_accessibility(page)
    page.get_by_role("link", name="Providers on the framework").click()

    expect(heading(page)).to_have_text("Providers on the framework")
    expect(listed(page)).to_have_text(
        ["Ash Learning CIC", "Elm Mentoring Trust", "Oak Tutoring Ltd"]
    )
    expect(page.get_by_role("link", name="oak.example.org")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Type of service").select_option(label="Mentoring")
    page.get_by_label("Based in Dudley").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(listed(page)).to_have_text(["Ash Learning CIC"])
    expect(page.get_by_label("Based in Dudley")).to_be_checked()
    check_accessibility(page)

    page.get_by_role("link", name="Clear filters").click()
    expect(listed(page)).to_have_count(3)
    check_accessibility(page)
    page.get_by_label("Search by name").fill("trust")
    page.get_by_role("button", name="Apply filters").click()
    expect(listed(page)).to_have_text(["Elm Mentoring Trust"])
    check_accessibility(page)

    page.get_by_label("Search by name").fill("nobody by this name")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("main")).to_contain_text("No providers match your search")
    check_accessibility(page)

    page.get_by_role("link", name="How the council chooses a provider for a piece of work").click()
    expect(heading(page)).to_have_text("How the council chooses a provider")
    expect(page.locator("main")).to_contain_text("lowest price ÷ this price × price weight")
    check_accessibility(page)
    page.set_viewport_size({"width": 320, "height": 640})
    check_accessibility(page)


def test_a_reviewer_suspends_a_provider_who_leaves_the_public_list(
    page: Page, live_server, live_app
):
    ids = make_providers(live_app)
    with live_app.app_context():
        reviewer = factories.make_user(
            "rachel@council.example.org",
            full_name="Rachel Reviewer",
            role=REVIEWER,
            two_factor=True,
        )
    page.goto(f"{live_server}/sign-in")
    check_accessibility(page)
    page.get_by_label("Email address").fill(reviewer.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    check_accessibility(page)
    page.get_by_label("Security code").fill(pyotp.TOTP(reviewer.totp_secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Rachel Reviewer")
    check_accessibility(page)

    page.goto(f"{live_server}/reviews/providers")
    expect(heading(page)).to_have_text("Providers")
    check_accessibility(page)
    page.get_by_role("link", name="Ash Learning CIC").click()
    expect(heading(page)).to_have_text("Ash Learning CIC")
    check_accessibility(page)

    page.get_by_role("link", name="Suspend from Online tuition").click()
    expect(heading(page)).to_have_text("Suspend Ash Learning CIC from Online tuition?")
    check_accessibility(page)
    page.get_by_role("button", name="Suspend provider").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a reason")
    check_accessibility(page)
    page.get_by_label("Reason").fill("Public liability insurance has expired.")
    page.get_by_role("button", name="Suspend provider").click()

    expect(page).to_have_url(f"{live_server}/reviews/providers/{ids['ash']}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Ash Learning CIC has been suspended from Online tuition"
    )
    expect(page.locator("main")).to_contain_text("Public liability insurance has expired.")
    check_accessibility(page)

    page.goto(f"{live_server}/providers?lot=online-tuition")
    expect(listed(page)).to_have_text(["Oak Tutoring Ltd"])
    check_accessibility(page)
