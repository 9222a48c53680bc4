"""The KPI journey in a real browser, axe on every page: a provider submits one month's return by
form and the next by CSV (two inadequate attendance rates in a row), then amends one with a
reason; a commissioner sees both on the dashboard, with trend charts and ratings, and works the
escalation the two inadequate months opened, then closes it."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from portal.core.db import db
from tests.browser.axe import check_accessibility, track_checks, unchecked_pages
from tests.browser.people import arrive, heading, sign_in
from tests.kpi_returns.conftest import kpis  # noqa: F401
from tests.kpi_returns.helpers import admit_from, month_ago


@pytest.fixture
def commissioner_page(browser, request):
    """A second tab, in a browser context of its own, for the commissioner: as `page`."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    track_checks(tab)
    yield tab
    try:
        if getattr(request.node, "call_passed", False):
            assert not unchecked_pages(tab), unchecked_pages(tab)
    finally:
        context.close()


def fill_good_values(page: Page, attendance: str) -> None:
    page.get_by_label("Attendance rate", exact=True).fill(attendance)
    for label, value in (
        ("Sessions delivered against sessions commissioned", "98"),
        ("Children on track against their individual outcomes", "85"),
        ("Placements started", "2"),
        ("Placements ended", "1"),
        ("Reintegration or progression to education, employment or training", "1"),
        ("Safeguarding concerns reported", "0"),
        ("Suspensions and exclusions", "0"),
        ("Complaints received", "0"),
        ("Complaints resolved", "0"),
        ("Staff with an in-date enhanced DBS check", "100"),
    ):
        page.get_by_label(label, exact=True).fill(value)


def test_returns_by_form_and_csv_then_the_dashboard_and_an_escalation(
    page: Page,
    commissioner_page: Page,
    live_server,
    tmp_path,
    provider,
    organisation,
    commissioner,
    kpis,  # noqa: F811
):
    first, second = month_ago(2), month_ago(1)
    admit_from(organisation, first)
    provider_email = provider.email
    staff = (commissioner.email, commissioner.totp_secret)
    db.session.commit()

    # The provider makes the first month's return by form, leaving a comment.
    sign_in(page, live_server, provider_email)
    page.get_by_role("link", name="Monthly KPI returns").click()
    arrive(page, "KPI returns")
    page.get_by_role("link", name=f"{first:%B %Y}").click()
    arrive(page, f"Your KPI return for {first:%B %Y}")
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter attendance rate")
    check_accessibility(page)
    fill_good_values(page, "101")
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Attendance rate must be 100% or less"
    )
    check_accessibility(page)
    fill_good_values(page, "62")
    page.get_by_text("Add a comment on attendance rate").click()
    page.get_by_label("Comment on attendance rate (optional)").fill("Two moved out of area")
    page.get_by_role("button", name="Submit return").click()
    arrive(page, f"KPI return for {first:%B %Y}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been submitted")
    expect(page.locator("main")).to_contain_text("Inadequate")

    # The next month by CSV: the template, filled in, uploaded, checked and submitted.
    page.get_by_role("link", name="Back").click()
    arrive(page, "KPI returns")
    page.get_by_role("link", name=f"{second:%B %Y}").click()
    arrive(page, f"Your KPI return for {second:%B %Y}")
    with page.expect_download() as download:
        page.get_by_role("link", name="download this month's CSV template").click()
    template = download.value.path().read_bytes()
    assert template.startswith("\ufeff".encode())  # so Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    values = {"attendance-rate": "70", "staff-dbs": "100", "sessions-delivered": "97"}
    for row in rows[1:]:
        row[4] = values.get(row[1], "85" if "%" in row[3] else "1")
    filled = tmp_path / "return.csv"
    with filled.open("w", newline="", encoding="utf-8-sig") as out:
        csv.writer(out, delimiter=";").writerows(rows)
    page.get_by_role("link", name="upload it").click()
    arrive(page, "Upload a KPI return")
    page.locator("input[type=file][name=file]").set_input_files(filled)
    page.get_by_role("button", name="Upload", exact=True).click()
    arrive(page, f"Your KPI return for {second:%B %Y}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved as a draft")
    expect(page.get_by_label("Attendance rate", exact=True)).to_have_value("70")
    page.get_by_role("button", name="Submit return").click()
    arrive(page, f"KPI return for {second:%B %Y}")

    # The provider amends the second month, with a reason.
    page.get_by_role("link", name="Amend this return").click()
    arrive(page, f"Amend your KPI return for {second:%B %Y}")
    page.get_by_label("Attendance rate", exact=True).fill("72")
    page.get_by_role("button", name="Submit amendment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reason for the amendment"
    )
    check_accessibility(page)
    page.get_by_label("Why are you amending the return?").fill("We missed two sessions")
    page.get_by_role("button", name="Submit amendment").click()
    arrive(page, f"KPI return for {second:%B %Y}")
    expect(page.locator("main")).to_contain_text("We missed two sessions")
    page.get_by_role("link", name="Back").click()
    arrive(page, "KPI returns")
    expect(page.locator("main")).to_contain_text("The council has opened an escalation")

    # The commissioner sees both months on the dashboard, then the provider's trends.
    council = commissioner_page
    sign_in(council, live_server, *staff)
    council.get_by_role("link", name="Performance dashboard: KPI returns").click()
    arrive(council, "Performance dashboard")
    row = council.locator("tbody tr", has_text="Organisation A Ltd")
    expect(row).to_contain_text("Amended")
    expect(row.locator(".govuk-tag", has_text="Inadequate")).to_have_count(2)
    expect(row).to_contain_text("1 open escalation")
    row.get_by_role("link", name="Organisation A Ltd", exact=True).click()
    arrive(council, "Performance")
    chart = council.locator("#attendance-rate + figure svg")
    expect(chart.locator("title")).to_have_text(
        "Attendance rate: Organisation A Ltd values by month"
    )
    expect(chart.locator("desc")).to_contain_text(f"Latest value: 72% in {second:%B %Y}")
    expect(chart.locator("polyline")).to_have_count(3)  # values, target, the lot's median

    # The escalation: a review meeting recorded, then closed with a reason.
    council.get_by_role("link", name="Attendance rate: inadequate two months running").click()
    expect(heading(council)).to_have_text("Escalation: inadequate two months running")
    check_accessibility(council)
    council.get_by_role("link", name="Record an action").click()
    arrive(council, "Record an action")
    council.get_by_label("Provider review meeting").check()
    council.get_by_label("Day").fill("12")
    council.get_by_label("Month").fill("1")
    council.get_by_label("Year").fill(str(second.year + 1))
    council.get_by_label("Details").fill("Met the director: attendance plan agreed")
    council.get_by_role("button", name="Save").click()
    expect(council.locator(".govuk-notification-banner")).to_contain_text("recorded")
    check_accessibility(council)
    council.get_by_role("link", name="Close the escalation").click()
    arrive(council, "Close the escalation")
    council.get_by_label("Why are you closing the escalation?").fill("Plan agreed and working")
    council.get_by_role("button", name="Close escalation").click()
    expect(council.locator(".govuk-notification-banner")).to_contain_text("closed")
    expect(council.locator("main")).to_contain_text("Plan agreed and working")
    check_accessibility(council)

    # A concern from outside the returns: the commissioner opens an escalation by hand.
    council.get_by_role("link", name="See the provider's performance").click()
    arrive(council, "Performance")
    council.get_by_role("link", name="Open an escalation").click()
    arrive(council, "Open an escalation")
    council.get_by_role("button", name="Open escalation").click()
    expect(council.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are opening an escalation"
    )
    check_accessibility(council)
    council.get_by_label("What is it about?").select_option(label="Attendance rate")
    council.get_by_label("Why are you opening an escalation?").fill(
        "A school reports children not collected on time"
    )
    council.get_by_role("button", name="Open escalation").click()
    expect(heading(council)).to_have_text("Escalation: raised by the council")
    expect(council.locator("main")).to_contain_text("children not collected on time")
    check_accessibility(council)
