"""The admin pages in a real browser, axe on every page: an admin adds a lot and closes it, and
the applicant's lots question and the public search follow; changes the review service level,
and the reviewer's queue follows; and is told every problem in a questionnaire file."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from portal.core.db import db
from portal.core.time import today, working_days_between
from tests.applications.conftest import draft, every_type, lots  # noqa: F401
from tests.browser.axe import check_accessibility
from tests.browser.people import arrive, heading, sign_in
from tests.questionnaires.conftest import EVERY_TYPE
from tests.reviews.helpers import day, submitted_applications


def _working_days_ago(days: int):
    start = today()
    while working_days_between(start, today()) < days:
        start -= timedelta(days=1)
    return day(start)


def test_an_admin_adds_and_closes_a_lot_and_changes_the_service_level(
    page: Page,
    new_page,
    live_server,
    provider,
    admin,
    reviewer,
    draft,  # noqa: F811
    tmp_path,
):
    submitted_applications(1, submitted_at=_working_days_ago(6), start=1)
    provider_email = provider.email
    admin_email, admin_secret = admin.email, admin.totp_secret
    reviewer_email, reviewer_secret = reviewer.email, reviewer.totp_secret
    lots_question = f"{live_server}/applications/{draft}/lots/choose-lots"
    # End the test's transaction: on SQLite it holds the write lock the live server needs.
    db.session.commit()

    # The admin adds a lot.
    sign_in(page, live_server, admin_email, admin_secret)
    page.get_by_role("link", name="Lots", exact=True).click()
    arrive(page, "Lots")
    page.get_by_role("button", name="Add a lot").click()
    arrive(page, "Add a lot")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the name of the lot")
    check_accessibility(page)
    page.get_by_label("Name").fill("Forest school")
    page.get_by_label("Description (optional)").fill("Outdoor learning in woodland.")
    page.get_by_role("button", name="Save").click()
    arrive(page, "Lots")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Forest school has been added and is open to applications"
    )
    page.get_by_role("button", name="Move up Forest school").click()
    arrive(page, "Lots")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Forest school has been moved up"
    )

    # The applicant's lots question and the public search offer it.
    applicant = new_page()
    sign_in(applicant, live_server, provider_email)
    applicant.goto(lots_question)
    expect(applicant.get_by_label("Forest school")).to_be_visible()
    check_accessibility(applicant)
    applicant.goto(f"{live_server}/providers")
    arrive(applicant, "Providers on the framework")
    expect(applicant.locator("select#lot option", has_text="Forest school")).to_have_count(1)

    # The admin closes it; neither offers it any more.
    page.get_by_role("link", name="Close Forest school to new applications").click()
    arrive(page, "Close Forest school to new applications?")
    page.get_by_role("button", name="Close to new applications").click()
    arrive(page, "Lots")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Forest school is closed to new applications"
    )
    applicant.goto(lots_question)
    expect(applicant.get_by_label("Online tuition")).to_be_visible()
    expect(applicant.get_by_label("Forest school")).to_have_count(0)
    check_accessibility(applicant)
    applicant.goto(f"{live_server}/providers")
    expect(applicant.locator("select#lot option", has_text="Forest school")).to_have_count(0)
    check_accessibility(applicant)

    # The reviewer's queue: six working days waiting is within the ten-day service level.
    queue = new_page()
    sign_in(queue, live_server, reviewer_email, reviewer_secret)
    queue.goto(f"{live_server}/reviews")
    arrive(queue, "Applications to review")
    row = queue.locator("tbody tr", has_text="Provider 0001 Ltd")
    expect(row).not_to_contain_text("Overdue")

    # The admin shortens the service level to five working days; the queue follows.
    page.get_by_role("link", name="Settings", exact=True).click()
    arrive(page, "Framework settings")
    page.get_by_label("Review service level").fill("0")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Review service level must be between 1 and 60 working days"
    )
    check_accessibility(page)
    page.get_by_label("Review service level").fill("5")
    page.get_by_role("button", name="Save settings").click()
    arrive(page, "Framework settings")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Changed: review service level"
    )
    queue.reload()
    expect(heading(queue)).to_have_text("Applications to review")
    expect(row).to_contain_text("Overdue")
    check_accessibility(queue)

    # A questionnaire file with mistakes: every problem, with its line, and nothing loaded.
    bad = tmp_path / "v2.yaml"
    bad.write_text(
        EVERY_TYPE.read_text()
        .replace("version: 1\n", "version: 2\n")
        .replace("max_length: 8\n", "max_length: eight\n")
    )
    page.get_by_role("link", name="Questionnaires", exact=True).click()
    arrive(page, "Questionnaire versions")
    page.get_by_role("button", name="Upload a new version").click()
    arrive(page, "Upload a questionnaire version")
    page.locator("input[type=file][name=file]").set_input_files(bad)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("#problems")).to_contain_text('"max_length" must be a whole number')
    expect(page.locator(".govuk-error-summary")).to_contain_text("Nothing has been saved")
    check_accessibility(page)
