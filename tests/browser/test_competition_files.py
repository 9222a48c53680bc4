"""The council's files on a mini-competition in a real browser, against the real object store,
axe on every page: a commissioner attaches a specification and a pricing sheet to a draft a
colleague prepared, tries a file of the wrong type (told why, nothing kept), removes the pricing
sheet and publishes; a provider on the lot opens the competition, finds the specification and
downloads it, byte for byte what was attached."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from portal.competitions.models import CompetitionAttachment
from portal.core.db import db
from portal.core.extensions import object_store
from portal.documents.models import StoredFile
from tests.browser.axe import check_accessibility
from tests.browser.people import arrive, heading, sign_in
from tests.competitions import helpers
from tests.competitions.conftest import evaluator, on_lot  # noqa: F401
from tests.documents import corpus
from tests.support import factories

TITLE = "Supported internships for 2027"
SPECIFICATION = "Specification – 2027.pdf"
PRICING = "Pricing schedule.xlsx"


def kept() -> dict:
    """What the database and the council's part of the store hold; the test's transaction is
    ended again (on SQLite it would hold the write lock the live server needs)."""
    db.session.rollback()
    found = {
        "attachments": sorted(
            db.session.scalars(
                select(StoredFile.original_filename).join(
                    CompetitionAttachment, CompetitionAttachment.file_id == StoredFile.id
                )
            )
        ),
        # The council's files (the providers' own documents are theirs, not the competition's).
        "files": db.session.scalar(
            select(func.count(StoredFile.id)).where(StoredFile.organisation_id.is_(None))
        ),
        "objects": len(list(object_store.list_objects("council/"))),
    }
    db.session.rollback()
    return found


def attach(page: Page, path: Path) -> None:
    page.get_by_role("link", name="Attach a file").click()
    arrive(page, "Attach a file")
    page.get_by_label("Upload a file").set_input_files(path)
    page.get_by_role("button", name="Attach file").click()


def council_files(page: Page):
    """The list (or the "No files attached." line) under the "Files from the council" heading."""
    return page.get_by_role("heading", name="Files from the council").locator(
        "xpath=following-sibling::*[1]"
    )


def test_a_commissioner_attaches_files_and_a_provider_downloads_one(
    app,
    page: Page,
    new_page,
    live_server,
    commissioner_client,
    commissioner,
    evaluator,  # noqa: F811
    on_lot,  # noqa: F811
    tmp_path,
):
    base = live_server
    # A colleague prepared the draft (details, questions, panel) through the pages.
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    # The commissioner attaching the files signs in with a code of their own (a code is good
    # for one sign-in, and the colleague's client has used this moment's).
    attaching = factories.make_user(
        "commissioner-two@council.example.org",
        full_name="Cora Commissioner",
        role="commissioner",
        two_factor=True,
    )
    email, secret = attaching.email, attaching.totp_secret
    db.session.commit()
    specification = tmp_path / SPECIFICATION
    specification.write_bytes(corpus.pdf())
    pricing = tmp_path / PRICING
    pricing.write_bytes(corpus.xlsx())
    disguised = tmp_path / "Site plan.pdf"
    disguised.write_bytes(corpus.executable())

    sign_in(page, base, email, secret)
    page.goto(f"{base}/competitions/{competition_id}")
    arrive(page, TITLE)
    expect(council_files(page)).to_contain_text("No files attached.")

    # The specification and a pricing sheet: each confirmed, and listed as a link.
    for path in (specification, pricing):
        attach(page, path)
        arrive(page, TITLE)
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            f"‘{path.name}’ has been attached"
        )
        expect(council_files(page).get_by_role("link", name=path.name)).to_be_visible()
    assert kept() == {"attachments": [PRICING, SPECIFICATION], "files": 2, "objects": 2}

    # A program named as a PDF: the error summary says why, and nothing is kept.
    attach(page, disguised)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The selected file must be a PDF, DOCX, XLSX, ODT, JPG or PNG")
    expect(page).to_have_title(re.compile(r"^Error: Attach a file"))
    expect(heading(page)).to_have_text("Attach a file")
    check_accessibility(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Upload a file")).to_be_focused()
    assert kept() == {"attachments": [PRICING, SPECIFICATION], "files": 2, "objects": 2}
    page.get_by_role("link", name="Back").click()
    arrive(page, TITLE)
    expect(council_files(page)).not_to_contain_text("Site plan.pdf")

    # The pricing sheet was not meant to go out: removed from the draft and from the store.
    council_files(page).get_by_role("button", name=f"Remove {PRICING}").click()
    arrive(page, TITLE)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The file has been removed")
    expect(council_files(page)).not_to_contain_text(PRICING)
    expect(council_files(page).get_by_role("link", name=SPECIFICATION)).to_be_visible()
    assert kept() == {"attachments": [SPECIFICATION], "files": 1, "objects": 1}

    page.get_by_role("link", name="Publish", exact=True).click()
    expect(heading(page)).to_contain_text("Publish MC-")
    check_accessibility(page)
    page.get_by_role("button", name="Publish and invite providers").click()
    arrive(page, TITLE)
    expect(council_files(page)).not_to_contain_text("Remove")
    expect(page.get_by_role("link", name="Attach a file")).to_have_count(0)

    # A provider on the lot opens it from their opportunities and downloads the specification.
    provider = new_page()
    sign_in(provider, base, "provider-a@example.org")
    provider.get_by_role("link", name="Opportunities", exact=True).click()
    arrive(provider, "Opportunities")
    provider.get_by_role("link", name=TITLE).click()
    arrive(provider, TITLE)
    files = council_files(provider)
    expect(files.get_by_role("link")).to_have_count(1)
    expect(files).not_to_contain_text(PRICING)
    with provider.expect_download() as started:
        files.get_by_role("link", name=SPECIFICATION).click()
    download = started.value
    assert download.url.startswith(app.config["S3_ENDPOINT_URL"])
    assert download.suggested_filename == SPECIFICATION
    assert Path(download.path()).read_bytes() == corpus.pdf()
