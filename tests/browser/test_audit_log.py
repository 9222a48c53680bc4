"""The audit log in a real browser, axe on every page: an administrator finds who approved an
application and what changed, narrows the log to that application (putting a mistaken date
right first), and downloads the result as CSV, which reads back as the same events.

The application is submitted and approved over HTTP (the review journey has its own browser
test); everything the administrator does happens in the browser.
"""

from __future__ import annotations

import csv
from pathlib import Path

from playwright.sync_api import Page, expect

from portal.core.db import db
from portal.questionnaires import services as questionnaires
from tests.applications import journey
from tests.applications.conftest import draft, every_type, lots  # noqa: F401
from tests.browser.axe import check_accessibility
from tests.browser.people import arrive, sign_in
from tests.reviews.test_decisions import APPROVAL, decide, start_review


def test_an_admin_finds_who_approved_an_application_and_downloads_its_history(
    page: Page,
    live_server,
    provider_client,
    reviewer_client,
    reviewer,
    admin,
    every_type,  # noqa: F811
    draft,  # noqa: F811
    tmp_path,
):
    journey.complete_sections(
        provider_client, questionnaires.content_of(every_type), draft, ["online-tuition"]
    )
    assert journey.submit(provider_client, draft).status_code == 302
    start_review(reviewer_client, draft)
    approval = {k: v for k, v in APPROVAL.items() if "mentoring" not in k}
    assert decide(reviewer_client, draft, "approve", approval).status_code == 302
    reviewer_name, reviewer_email = reviewer.full_name, reviewer.email
    admin_email, secret = admin.email, admin.totp_secret
    # End the test's transaction: on SQLite it holds the write lock the live server needs.
    db.session.commit()

    sign_in(page, live_server, admin_email, secret)
    page.get_by_role("link", name="Audit log: who did what, and when").click()
    arrive(page, "Audit log")

    # Who approved it? Everything approved, newest first.
    page.get_by_label("What happened").select_option(label="Application approved")
    page.get_by_role("button", name="Apply filters").click()
    arrive(page, "Audit log")
    rows = page.locator("table.app-audit tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(reviewer_name)
    expect(rows.first).to_contain_text(reviewer_email)
    expect(rows.first).to_contain_text(f"Application {draft}")
    expect(rows.first).to_contain_text("Status: In review → Approved")

    # Everything that happened to that application, with a mistaken date range put right.
    page.get_by_label("What happened").select_option(label="Anything")
    page.get_by_label("Type of record").select_option(label="Application")
    page.get_by_label("Record number").fill(str(draft))
    dates = page.locator("#date_from")
    dates.get_by_label("Day").fill("2")
    dates.get_by_label("Month").fill("1")
    dates.get_by_label("Year").fill("2026")
    ends = page.locator("#date_to")
    ends.get_by_label("Day").fill("1")
    ends.get_by_label("Month").fill("1")
    ends.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Apply filters").click()
    arrive(page, "Audit log")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The end date must be the same as or after the start date")
    expect(page.locator("table.app-audit")).to_have_count(0)
    expect(page.get_by_label("Record number")).to_have_value(str(draft))
    summary.get_by_role("link").click()
    expect(ends.get_by_label("Day")).to_be_focused()
    ends.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Apply filters").click()
    arrive(page, "Audit log")
    actions = page.locator("table.app-audit tbody tr td:nth-child(3)")
    expect(actions).to_contain_text(
        [
            "Application approved",
            "Approval decision recorded",
            "Application review started",
            "Application submitted",
            "Application started",
        ]
    )

    # Downloaded, the CSV holds the same events with who did them.
    with page.expect_download() as started:
        page.get_by_role("link", name="Download these events (CSV)").click()
    download = started.value
    assert download.suggested_filename.startswith("audit-log-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    table = list(csv.reader(Path(saved).read_text(encoding="utf-8-sig").splitlines()))
    assert table[0][:4] == ["When", "Event", "Event code", "Who"]
    events = [row[1] for row in table[1:]]
    assert events == [
        "Application approved",
        "Approval decision recorded",
        "Application review started",
        "Application submitted",
        "Application started",
    ]
    approved = dict(zip(table[0], table[1], strict=True))
    assert approved["Who"] == reviewer_name
    assert approved["What changed"] == "Status: In review → Approved"
    assert approved["Record number"] == str(draft)
    check_accessibility(page)
