"""A provider keeps their evidence in a real browser, against the real object store: uploads an
insurance certificate (putting a mistake right first), replaces it, downloads the old version,
and adds a person to the DBS staff register (one of them named in the application), with axe on
every page."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.organisations.models import Organisation
from tests.applications.helpers import CONTENT, add_item, publish, start
from tests.browser import people
from tests.browser.axe import check_accessibility
from tests.conftest import sign_in as signed_in
from tests.documents import corpus
from tests.support import factories


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def sign_in(page: Page, live_server: str, live_app) -> None:
    with live_app.app_context():
        user = factories.make_user("sam@riverside.example.org", full_name="Sam Rivers")
        factories.make_organisation(user, legal_name="Riverside Mentoring")
    people.sign_in(page, live_server, user.email)
    expect(heading(page)).to_have_text("Your organisations")


def fill_date(page: Page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_upload_replace_and_download_a_document(page: Page, live_server, live_app, tmp_path):
    sign_in(page, live_server, live_app)
    page.get_by_role("link", name="Riverside Mentoring").click()
    expect(heading(page)).to_have_text("Riverside Mentoring")
    check_accessibility(page)

    page.get_by_role("link", name="Documents").click()
    expect(heading(page)).to_have_text("Documents")
    check_accessibility(page)

    page.get_by_role("button", name="Upload a document").click()
    expect(heading(page)).to_have_text("What kind of document are you uploading?")
    check_accessibility(page)
    page.get_by_label("Insurance certificate").check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Upload insurance certificate")
    check_accessibility(page)

    # A wrong file first: an executable named as a PDF.
    fake = tmp_path / "certificate.pdf"
    fake.write_bytes(corpus.executable())
    page.get_by_label("Public liability").check()
    page.get_by_label("Amount of cover").fill("5000000")
    fill_date(page, "Expiry date", 31, 3, 2099)
    page.locator("input[type=file][name=file]").set_input_files(fake)
    page.get_by_role("button", name="Upload document").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The selected file must be a PDF, DOCX, XLSX, ODT, JPG or PNG")
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_accessibility(page)

    real = tmp_path / "Insurance 2026.pdf"
    real.write_bytes(corpus.pdf())
    page.locator("input[type=file][name=file]").set_input_files(real)
    page.get_by_role("button", name="Upload document").click()
    expect(heading(page)).to_have_text("Insurance certificate")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been uploaded")
    expect(page.locator("main")).to_contain_text("£5,000,000")
    check_accessibility(page)

    page.get_by_role("button", name="Upload a new version").click()
    expect(heading(page)).to_have_text("Upload a new version of ‘Insurance certificate’")
    check_accessibility(page)
    scan = tmp_path / "certificate-scan.png"
    scan.write_bytes(corpus.png())
    page.get_by_label("Public liability").check()
    page.get_by_label("Amount of cover").fill("10000000")
    fill_date(page, "Expiry date", 31, 3, 2100)
    page.locator("input[type=file][name=file]").set_input_files(scan)
    page.get_by_role("button", name="Upload new version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Version 2 of ‘Insurance certificate’ has been uploaded"
    )
    check_accessibility(page)

    # The first version is still there, and downloads under its own name from the store.
    with page.expect_download() as started:
        page.get_by_role("link", name="Download version 1").click()
    download = started.value
    assert download.suggested_filename == "Insurance 2026.pdf"
    assert download.url.startswith(live_app.config["S3_ENDPOINT_URL"])
    assert Path(download.path()).read_bytes() == corpus.pdf()

    page.get_by_role("link", name="Back to documents").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("Current")
    check_accessibility(page)


def test_add_a_person_to_the_dbs_register(page: Page, live_server, live_app):
    sign_in(page, live_server, live_app)
    page.get_by_role("link", name="Riverside Mentoring").click()
    check_accessibility(page)
    page.get_by_role("link", name="DBS staff register").click()
    expect(heading(page)).to_have_text("DBS staff register")
    check_accessibility(page)

    page.get_by_role("button", name="Add a person").click()
    expect(heading(page)).to_have_text("Add a person to the register")
    check_accessibility(page)
    page.get_by_label("Full name").fill("Jo Tutor")
    page.get_by_label("Role").fill("Tutor")
    page.get_by_role("group", name="Are they in regulated activity with children?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Enhanced", exact=True).check()
    page.get_by_label("Certificate number").fill("001234567890")
    fill_date(page, "Date issued", 1, 3, 2024)
    page.get_by_role("group", name="Are they on the DBS Update Service?").get_by_label("No").check()
    for question in (
        "Have you checked their right to work in the UK?",
        "Have you received their references?",
    ):
        page.get_by_role("group", name=question).get_by_label("Yes").check()
    page.get_by_label("Level 2: advanced").check()
    fill_date(page, "Date of their last safeguarding training (optional)", 1, 9, 2025)
    page.get_by_role("button", name="Save").click()

    # Regulated activity needs the barred list: the rule is shown and put right.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("needs an enhanced check with the children's barred list")
    check_accessibility(page)
    page.get_by_label("Enhanced with children's barred list").check()
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Jo Tutor has been added to the register"
    )
    expect(page.locator("tbody")).to_contain_text("********7890")
    expect(page.locator("main")).not_to_contain_text("001234567890")
    check_accessibility(page)


def test_import_the_dbs_register_from_a_spreadsheet(page: Page, live_server, live_app, tmp_path):
    """The import page passes axe, the file control's visible words in its accessible name
    (label-content-name-mismatch), and a file with a mistake is answered on the page."""
    sign_in(page, live_server, live_app)
    page.get_by_role("link", name="Riverside Mentoring").click()
    check_accessibility(page)
    page.get_by_role("link", name="DBS staff register").click()
    check_accessibility(page)
    page.get_by_role("button", name="Import from a spreadsheet").click()
    expect(heading(page)).to_have_text("Import your register from a spreadsheet")
    check_accessibility(page)

    wrong = tmp_path / "register.csv"
    wrong.write_text("Full name,Role\nJo Tutor,Tutor\n")
    page.locator("input[type=file][name=file]").set_input_files(wrong)
    check_accessibility(page)
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#problems")).to_be_visible()
    check_accessibility(page)


def test_a_person_the_application_names_is_added_to_the_register(
    page: Page, live_server, live_app, app, admin
):
    """Asked once: the register offers the people the application already lists, and the add
    form starts with what the application said about them."""
    sign_in(page, live_server, live_app)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "sam@riverside.example.org"))
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.legal_name == "Riverside Mentoring")
        )
        client = signed_in(app.test_client(), user)
        publish(CONTENT / "people.yaml", admin)
        draft = start(client, organisation)
        add_item(
            client,
            draft,
            "safeguarding",
            "key_staff",
            "key_staff",
            {
                "staff_name": "Priya Shah",
                "staff_role": "Mentor",
                "staff_dbs_level": "enhanced_barred_children",
                "staff_dbs_issue_date-day": "1",
                "staff_dbs_issue_date-month": "3",
                "staff_dbs_issue_date-year": "2024",
            },
        )
    page.get_by_role("link", name="Riverside Mentoring").click()
    check_accessibility(page)
    page.get_by_role("link", name="DBS staff register").click()
    expect(heading(page)).to_have_text("DBS staff register")
    check_accessibility(page)
    expect(page.locator("#people-to-add")).to_contain_text(
        "1 person from your application is not on the register yet"
    )

    page.get_by_role("link", name="Add Priya Shah to the register").click()
    expect(heading(page)).to_have_text("Add a person to the register")
    check_accessibility(page)
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "We have filled in full name, role, level of DBS check and date issued from your "
        "application"
    )
    expect(page.get_by_label("Full name")).to_have_value("Priya Shah")
    expect(page.get_by_label("Enhanced with children's barred list")).to_be_checked()
    page.get_by_role("group", name="Are they in regulated activity with children?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Certificate number").fill("001234567890")
    page.get_by_role("group", name="Are they on the DBS Update Service?").get_by_label("No").check()
    for question in (
        "Have you checked their right to work in the UK?",
        "Have you received their references?",
    ):
        page.get_by_role("group", name=question).get_by_label("Yes").check()
    page.get_by_label("Level 2: advanced").check()
    fill_date(page, "Date of their last safeguarding training (optional)", 1, 9, 2025)
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Priya Shah has been added to the register"
    )
    expect(page.locator("#people-to-add")).to_have_count(0)
    check_accessibility(page)
