"""Documents going out of date, seen in a real browser against the real object store: a
provider's library with a document in each state, the expiry reminder in the mail viewer, a DBS
certificate copy deleted by retention, a lost file found by reconcile, and the reviewer's list
of documents needing attention; axe on every page.

The documents are uploaded for real (through the test client, to the real store); time passing
is the one thing a test cannot wait for, so dates and scan states are then set in the database,
relative to today as the portal works it out.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import ADMIN, REVIEWER
from portal.core.db import db
from portal.core.extensions import object_store
from portal.core.time import format_date, today, utcnow
from portal.documents.models import CLEAN, PENDING, Document
from portal.staff_checks.models import StaffCheck
from tests.browser.people import arrive, sign_in
from tests.conftest import sign_in as sign_in_client
from tests.documents import corpus
from tests.documents.conftest import _empty_store  # noqa: F401 - empties the store around the test
from tests.documents.helpers import in_days, upload
from tests.staff_checks.helpers import add as add_to_register
from tests.support import factories

# Title: (kind, what the provider's library says, what the reviewers' list says or None).
LIBRARY = {
    "Public liability insurance": ("insurance_certificate", "Current", None),
    "Employer's liability insurance": ("insurance_certificate", "Expires soon", "Expires soon"),
    "Professional indemnity insurance": ("insurance_certificate", "Expired", "Expired"),
    "Safeguarding policy": ("safeguarding_policy", "Review overdue", "Review overdue"),
    "Ofsted report": ("other", "Waiting for virus check", "Waiting for virus check"),
    "Complaints procedure": ("other", "Current", "Not scanned"),
}
# Lost from the store, for reconcile to find.
LOST = "Equality statement"


def statuses(page: Page) -> dict[str, str]:
    """{document title: status tag} from the library's table."""
    found = {}
    for row in page.locator("tbody tr").all():
        title = row.locator("td").first.get_by_role("link").inner_text().strip()
        found[title] = row.locator(".govuk-tag").inner_text().strip()
    return found


def run(live_app, *args: str) -> str:
    """`flask <args>` on the live app, as an operator would run it (from cron, say)."""
    with live_app.app_context():
        result = live_app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def _document(title: str) -> Document:
    return db.session.scalar(select(Document).where(Document.title == title))


def build_the_library(app, provider, organisation) -> str:
    """Upload each document, then let time pass. Returns the object key of the lost file."""
    client = sign_in_client(app.test_client(), provider)
    for title, (kind, _status, _tag) in LIBRARY.items():
        assert (
            upload(client, organisation, "certificate.png", kind=kind, title=title).status_code
            == 302
        )
    assert upload(client, organisation, "policy.pdf", kind="other", title=LOST).status_code == 302
    # Someone on the register, with a copy of their DBS certificate.
    assert add_to_register(client, organisation).status_code == 302
    check = db.session.scalar(select(StaffCheck))
    copied = client.post(
        f"/staff-checks/organisations/{organisation.id}/{check.id}/certificate-copy",
        data={"file": (io.BytesIO(corpus.png()), "dbs-certificate.png")},
        content_type="multipart/form-data",
    )
    assert copied.status_code == 302

    db.session.rollback()
    # No scanner is configured: every file starts "not scanned". "Complaints procedure" and the
    # lost file stay so; the others were checked.
    for title in LIBRARY.keys() - {"Complaints procedure"}:
        _document(title).current.file.scan_state = CLEAN
    _document("Employer's liability insurance").current.expiry_date = in_days(30)
    _document("Professional indemnity insurance").current.expiry_date = in_days(-1)
    _document("Safeguarding policy").current.review_date = in_days(-10)
    _document("Ofsted report").current.file.scan_state = PENDING  # the scanner was away
    copy = db.session.scalar(select(StaffCheck)).certificate_copy
    copy.uploaded_at = utcnow() - timedelta(days=7 * 31)
    copy.delete_after = utcnow() - timedelta(days=31)
    lost_key = _document(LOST).current.file.object_key
    db.session.commit()
    return lost_key


@contextmanager
def demo_mode(live_app):
    """The mail viewer (/dev/mail) is there in demo mode only: on while a test reads it (and
    only then, as demo mode also lets staff in without two-factor)."""
    live_app.config["DEMO_MODE"] = True
    try:
        yield
    finally:
        live_app.config["DEMO_MODE"] = False


def test_expiry_reminders_retention_and_reconcile_in_the_pages(
    page: Page, new_page, live_server, live_app, app
):
    with app.app_context():
        provider = factories.make_user("sam@riverside.example.org", full_name="Sam Rivers")
        organisation = factories.make_organisation(
            provider, legal_name="Riverside Mentoring", contact_email="office@riverside.example.org"
        )
        reviewer = factories.make_user(
            "rita@council.example.org", full_name="Rita Reviewer", role=REVIEWER, two_factor=True
        )
        admin = factories.make_user(
            "ada@council.example.org", full_name="Ada Admin", role=ADMIN, two_factor=True
        )
        admin_email, admin_totp_secret = admin.email, admin.totp_secret
        lost_key = build_the_library(app, provider, organisation)
        # On the framework, with the library above as its only documents.
        factories.admit(organisation, "mentoring", documents=False)
        policy = db.session.scalar(select(Document).where(Document.title == "Safeguarding policy"))
        review_due = format_date(policy.current.review_date)
        organisation_id = organisation.id
        provider_email, reviewer_email = provider.email, reviewer.email
        reviewer_secret = reviewer.totp_secret
    library_url = f"{live_server}/documents/organisations/{organisation_id}"

    # The provider's library: each document's state, worked out from today's date.
    sign_in(page, live_server, provider_email)
    page.goto(library_url)
    arrive(page, "Documents")
    expected = {title: status for title, (_kind, status, _tag) in LIBRARY.items()}
    assert statuses(page) == expected | {LOST: "Current"}
    # One insurance certificate in date is enough; the overdue policy and the missing one are not.
    warning = page.locator(".govuk-warning-text")
    expect(warning).to_contain_text(
        "You cannot be asked to quote for new call-offs until you put this right:"
    )
    expect(warning.locator("li")).to_have_text(
        [
            f"‘Safeguarding policy’ was due for review on {review_due}",
            "No health and safety policy has been uploaded",
        ]
    )
    page.get_by_role("link", name="Ofsted report").click()
    arrive(page, "Ofsted report")
    expect(page.locator("main")).to_contain_text("We are checking the file for viruses.")
    expect(page.get_by_role("link", name="Download version 1")).to_have_count(0)

    # Reminders: the one due goes to the members and the main contact, once.
    assert run(live_app, "documents", "remind").startswith("Sent 1 expiry reminder(s)")
    assert run(live_app, "documents", "remind").startswith("Sent 0 expiry reminder(s)")
    # The mail viewer is for an admin (it holds everyone's reset links): one reads the inbox.
    mail = new_page()
    sign_in(mail, live_server, admin_email, admin_totp_secret)
    with demo_mode(live_app):
        mail.goto(f"{live_server}/dev/mail")
        arrive(mail, "Emails sent by the portal")
    subject = f"Employer's liability insurance expires on {format_date(in_days(30))}"
    reminders = mail.locator(".govuk-summary-card").filter(has_text=subject)
    expect(reminders).to_have_count(2)
    expect(reminders.filter(has_text=provider_email)).to_have_count(1)
    expect(reminders.filter(has_text="office@riverside.example.org")).to_have_count(1)
    # Its link leads the provider straight to uploading the new version.
    page.goto(reminders.first.get_by_role("link", name="/replace").first.get_attribute("href"))
    arrive(page, "Upload a new version of ‘Employer's liability insurance’")

    # Retention: the certificate copy, seven months old, goes from the store; the entry stays.
    page.goto(f"{live_server}/staff-checks/organisations/{organisation_id}")
    arrive(page, "DBS staff register")
    expect(page.get_by_role("link", name="Download copy of Jo Tutor's certificate")).to_be_visible()
    output = run(live_app, "documents", "retention")
    assert "Deleted 1 file(s) past their retention date." in output
    page.reload()
    arrive(page, "DBS staff register")
    expect(page.locator("tbody")).to_contain_text(
        f"Copy deleted {format_date(today())} (kept no longer than six months)"
    )
    expect(page.get_by_role("link", name="Download copy of Jo Tutor's certificate")).to_have_count(
        0
    )
    expect(page.locator("tbody")).to_contain_text("Jo Tutor")

    # Reconcile: a file lost from the store is found, and the provider asked for it again.
    with app.app_context():
        object_store.delete(lost_key)
    output = run(live_app, "documents", "reconcile")
    assert f"Missing object {lost_key}" in output
    assert "1 missing file(s) marked" in output
    page.goto(library_url)
    arrive(page, "Documents")
    assert statuses(page)[LOST] == "File missing"
    page.get_by_role("link", name=LOST).click()
    arrive(page, LOST)
    expect(page.locator(".govuk-warning-text")).to_contain_text("Upload it again")
    with app.app_context():
        remaining = [key for key, _ in object_store.list_objects(f"org/{organisation_id}/")]
    assert lost_key not in remaining
    assert len(remaining) == len(LIBRARY)  # the copy and the lost file are gone, the rest stay

    page.get_by_role("button", name="Sign out").click()
    arrive(page, "You have signed out")

    # The reviewer starts from what needs attention, across providers.
    sign_in(page, live_server, reviewer_email, reviewer_secret)
    page.get_by_role("link", name="Documents needing attention").click()
    arrive(page, "Documents needing attention")
    listed = {}
    for row in page.locator("tbody tr").all():
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text("Riverside Mentoring")
        listed[cells.nth(1).get_by_role("link").inner_text().strip()] = (
            cells.nth(3).inner_text().strip()
        )
    needing_attention = {title: tag for title, (_k, _s, tag) in LIBRARY.items() if tag}
    assert listed == needing_attention | {LOST: "File missing"}
    # The most urgent first.
    expect(page.locator("tbody tr").first).to_contain_text("Expired")
    expect(page.locator("tbody tr").last).to_contain_text("Not scanned")
    expect(page.locator("tbody tr").filter(has_text="Professional indemnity")).to_contain_text(
        "Expires " + format_date(in_days(-1))
    )

    # The reviewer sees the library too, with the virus check of each file.
    page.get_by_role("link", name="Riverside Mentoring").first.click()
    arrive(page, "Documents")
    complaints = page.locator("tbody tr").filter(has_text="Complaints procedure")
    expect(complaints.locator("td").last).to_have_text("Not scanned")
    ofsted = page.locator("tbody tr").filter(has_text="Ofsted report")
    expect(ofsted.locator("td").last).to_have_text("Waiting for virus check")
