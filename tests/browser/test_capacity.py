"""Capacity in a real browser, axe on every page: a provider publishes its capacity on one lot
and confirms, in one click, that its out-of-date capacity on another is still right; a
commissioner searches capacity by need and district, then drafts a placement request that
invites only providers with matching, confirmed capacity, and sees that capacity on the
draft."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from portal.core.db import db
from portal.core.time import LONDON, utcnow
from tests.browser.people import fill_deadline, landed, sign_in
from tests.capacity.helpers import make_capacity
from tests.support import factories


@pytest.fixture
def on_lots(organisation):
    factories.admit(organisation, "mentoring")
    factories.admit(organisation, "online-tuition")
    return organisation


def test_capacity_in_the_browser(
    page: Page, new_page, live_server, provider, commissioner, on_lots
):
    base = live_server
    make_capacity(provider, on_lots, "online-tuition", days_ago=40, districts=("B63",))
    staff = (commissioner.email, commissioner.totp_secret)
    db.session.commit()

    # The provider publishes its capacity on mentoring.
    sign_in(page, base, provider.email)
    page.get_by_role("link", name="Capacity", exact=True).click()
    landed(page, "Capacity")
    expect(page.locator("main")).to_contain_text("— out of date")
    page.get_by_role("link", name="Publish capacity for Mentoring").click()
    landed(page, "Capacity for Mentoring")
    page.get_by_label("Places now").fill("-2")
    page.get_by_role("button", name="Publish capacity").click()
    landed(page, "Capacity for Mentoring")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Places now must be 0 or more")
    page.get_by_label("Places now").fill("2")
    page.get_by_label("Places next term").fill("4")
    page.get_by_label("Youngest age").fill("11")
    page.get_by_label("Oldest age").fill("16")
    page.get_by_label("Social, emotional and mental health (SEMH)").check()
    page.get_by_label("Postcode districts you serve").fill("dy1, DY2")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Publish capacity").click()
    landed(page, "Capacity", "Your capacity for Mentoring has been published")

    # ...and confirms its online tuition capacity is still right.
    page.get_by_role("button", name="Confirm it is still right for Online tuition").click()
    landed(page, "Capacity", "You have confirmed your capacity for Online tuition")
    expect(page.locator("main")).not_to_contain_text("— out of date")

    # The commissioner searches capacity.
    council = new_page()
    sign_in(council, base, *staff)
    council.get_by_role("link", name="Capacity", exact=True).click()
    landed(council, "Search capacity")
    council.get_by_label("Age of the child").fill("abc")
    council.get_by_role("button", name="Apply filters").click()
    landed(council, "Search capacity")
    expect(council.locator(".govuk-error-summary")).to_contain_text("Age must be a whole number")
    council.get_by_label("Age of the child").fill("14")
    council.get_by_label("Social, emotional and mental health (SEMH)").check()
    council.get_by_label("Postcode district").fill("DY1")
    council.get_by_role("button", name="Apply filters").click()
    landed(council, "Search capacity")
    results = council.get_by_role("region", name="Capacity found")
    expect(results).to_contain_text("Organisation A Ltd")
    expect(results).to_contain_text("Mentoring")

    # ...and drafts a placement request limited to matching, confirmed capacity.
    council.goto(f"{base}/competitions/new?kind=placement_request")
    landed(council, "Create a placement request")
    council.get_by_label("Type of service").select_option(label="Mentoring")
    council.get_by_label("Title").fill("Mentoring for a young person")
    council.get_by_label("Council reference code").fill("SEND-0421")
    council.get_by_label("Age band").select_option(label="14 to 16")
    council.get_by_label("Summary of needs").fill("Anxiety about school; needs a calm mentor.")
    council.get_by_label("Hours a week").fill("4")
    start = (utcnow() + timedelta(days=30)).astimezone(LONDON)
    council.locator("#start_date-day").fill(str(start.day))
    council.locator("#start_date-month").fill(str(start.month))
    council.locator("#start_date-year").fill(str(start.year))
    council.get_by_label("Area").fill("DY1")
    council.get_by_label("Social, emotional and mental health (SEMH)").check()
    council.get_by_role("radio", name="Only providers with matching capacity").check()
    council.get_by_label("Why invite only providers with matching capacity?").fill(
        "Urgent: the child needs a place this month"
    )
    council.get_by_label("Description").fill("Mentoring twice a week.")
    council.get_by_label("Requirements").fill("An enhanced DBS check.")
    council.get_by_label("Price per hour").check()
    council.get_by_label("How many hours, days or placements").fill("120")
    moment = (utcnow() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    fill_deadline(council, "clarification", moment)
    fill_deadline(council, "submission", moment + timedelta(days=5))
    council.get_by_role("button", name="Save draft").click()
    landed(council, "Mentoring for a young person", "saved as a draft")
    matching = council.get_by_role("region", name="Matching capacity")
    expect(matching).to_contain_text("Organisation A Ltd")
    expect(council.locator("main")).to_contain_text("Only those confirmed in the last 30 days")
