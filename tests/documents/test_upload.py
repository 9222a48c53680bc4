"""Uploading documents to the library: each kind asks what it needs, good files of every allowed
type are stored under opaque keys with their SHA-256, and the library lists them."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from tests.documents import corpus
from tests.documents.helpers import (
    NOTHING_SAVED,
    date_parts,
    in_days,
    keys_in_store,
    only_document,
    read_object,
    row_counts,
    upload,
)
from tests.support.pages import page_errors, page_h1, page_text, soup


def test_documents_takes_a_provider_to_their_library(provider_client, organisation):
    response = provider_client.get("/documents")
    assert response.location == f"/documents/organisations/{organisation.id}"

    page = provider_client.get(response.location)
    assert page_h1(page) == "Documents"
    assert "You have not uploaded any documents yet" in page_text(page)


def test_uploading_starts_by_asking_what_kind_of_document_it_is(provider_client, organisation):
    url = f"/documents/organisations/{organisation.id}/upload"
    page = provider_client.get(url)
    assert page_h1(page) == "What kind of document are you uploading?"
    assert "Insurance certificate" in page_text(page)

    wrong = provider_client.get(f"{url}?kind=poster")
    assert page_errors(wrong) == {"kind": "Select what kind of document it is"}

    chosen = provider_client.get(f"{url}?kind=insurance_certificate")
    assert page_h1(chosen) == "Upload insurance certificate"
    names = {field["name"] for field in soup(chosen).select("input")}
    assert {"cover_type", "cover_amount", "expiry_date", "file"} <= names
    assert "review_date" not in names


@pytest.mark.parametrize("filename", sorted(corpus.GOOD))
def test_a_good_file_of_each_allowed_type_is_stored(provider_client, organisation, filename):
    content = corpus.GOOD[filename]()

    response = upload(provider_client, organisation, filename, content)

    document = only_document()
    assert response.location == f"/documents/organisations/{organisation.id}/{document.id}"
    stored = document.current.file
    assert stored.original_filename == filename
    assert stored.scan_state == "not_scanned"
    # The key says nothing of the file: the organisation, then a random id.
    assert re.fullmatch(rf"org/{organisation.id}/doc/[0-9a-f]{{32}}", stored.object_key)
    assert keys_in_store(organisation) == [stored.object_key]
    kept = read_object(stored.object_key)
    assert stored.size_bytes == len(kept)
    assert stored.sha256 == hashlib.sha256(kept).hexdigest()
    if stored.content_type.startswith("image/"):
        # Images are kept as the portal encoded them again: the same picture.
        assert Image.open(io.BytesIO(kept)).size == Image.open(io.BytesIO(content)).size
    else:
        assert kept == content

    page = provider_client.get(response.location)
    assert "has been uploaded" in page_text(page)
    file_row = soup(page).find("dt", string=re.compile("File")).find_next_sibling("dd")
    assert file_row.get_text(" ", strip=True).startswith(f"{filename} ")


def test_the_library_lists_kind_title_version_uploader_dates_and_status(
    provider_client, organisation
):
    upload(provider_client, organisation, "policy.pdf", review_date=date_parts(in_days(100)))
    upload(
        provider_client,
        organisation,
        "certificate.png",
        kind="insurance_certificate",
        expiry_date=date_parts(in_days(20)),
    )

    page = provider_client.get(f"/documents/organisations/{organisation.id}")

    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup(page).select("tbody tr")
    ]
    assert rows[0][0] == "Insurance certificate Insurance certificate"
    assert rows[0][1] == "1"
    assert "by Alex Provider" in rows[0][2]
    assert rows[0][3].startswith("Expires ")
    assert rows[0][4] == "Expires soon"
    assert rows[1][0].startswith("Safeguarding and child protection policy")
    assert rows[1][3].startswith("Review by ")
    assert rows[1][4] == "Current"


def test_an_upload_is_audited(provider_client, organisation, provider):
    upload(provider_client, organisation, "policy.pdf")

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "document.uploaded"))
    assert event.actor_id == provider.id
    assert event.organisation_id == organisation.id
    assert event.after["filename"] == "policy.pdf"
    assert event.after["sha256"] == hashlib.sha256(corpus.pdf()).hexdigest()


@pytest.mark.parametrize(
    ("kind", "fields", "errors"),
    [
        (
            "safeguarding_policy",
            {"review_date": ["", "", ""]},
            {"review_date-day": "Enter the date of the policy's next review"},
        ),
        (
            "safeguarding_policy",
            {"review_date": ["31", "2", "2027"]},
            {"review_date-day": "Date of next review must be a real date"},
        ),
        (
            "safeguarding_policy",
            {"review_date": ["1", "", "2027"]},
            {"review_date-day": "Date of next review must include a month"},
        ),
        (
            "insurance_certificate",
            {"cover_type": "", "cover_amount": "lots", "expiry_date": ["", "", ""]},
            {
                "cover_type": "Select the type of insurance",
                "cover_amount": "Amount of cover must be an amount of money, like £5,000,000",
                "expiry_date-day": "Enter the date it expires",
            },
        ),
        (
            "insurance_certificate",
            {"expiry_date": date_parts(in_days(-1))},
            {
                "expiry_date-day": "Expiry date must be today or in the future: upload a "
                "certificate that is in date"
            },
        ),
        ("other", {"title": ""}, {"title": "Enter a title for the document"}),
    ],
)
def test_missing_or_wrong_details_are_shown_and_nothing_is_saved(
    provider_client, organisation, kind, fields, errors
):
    response = upload(provider_client, organisation, "policy.pdf", kind=kind, **fields)

    assert response.status_code == 200
    assert page_errors(response) == errors
    assert row_counts() == NOTHING_SAVED
    assert keys_in_store(organisation) == []


@pytest.mark.parametrize(
    ("typed", "pence"), [("5 million", 500_000_000), ("£10m", 1_000_000_000), ("£2,500", 250_000)]
)
def test_cover_is_read_as_people_type_it(provider_client, organisation, typed, pence):
    response = upload(
        provider_client, organisation, kind="insurance_certificate", cover_amount=typed
    )

    assert response.status_code == 302, page_errors(response)
    assert only_document().current.cover_amount_pence == pence


def test_no_file_chosen(provider_client, organisation):
    response = provider_client.post(
        f"/documents/organisations/{organisation.id}/upload?kind=dbs_evidence",
        data={},
        content_type="multipart/form-data",
    )

    assert page_errors(response) == {"file": "Select a file"}
    assert row_counts() == NOTHING_SAVED


def test_sending_the_same_upload_twice_stores_it_once(provider_client, organisation):
    page = provider_client.get(f"/documents/organisations/{organisation.id}/upload?kind=other")
    submission_id = soup(page).find("input", attrs={"name": "submission_id"})["value"]

    first = upload(provider_client, organisation, submission_id=submission_id, kind="other")
    second = upload(provider_client, organisation, submission_id=submission_id, kind="other")

    assert second.location == first.location
    assert row_counts()["documents"] == 1
    assert len(keys_in_store(organisation)) == 1


def test_a_large_file_goes_up_in_parts_and_arrives_whole(provider_client, organisation):
    """Over 8MB the store takes a file in parts, read from the spooled upload on disk."""
    content = corpus.pdf(b"0" * (12 * 1024 * 1024))

    upload(provider_client, organisation, "policy.pdf", content)

    stored = only_document().current.file
    assert stored.size_bytes == len(content)
    assert read_object(stored.object_key) == content
    assert stored.sha256 == hashlib.sha256(content).hexdigest()


def test_a_provider_is_not_shown_the_file_fingerprint_but_the_council_is(
    provider_client, reviewer_client, organisation
):
    response = upload(provider_client, organisation, "policy.pdf")
    fingerprint = only_document().current.file.sha256

    provider_page = page_text(provider_client.get(response.location))
    assert "SHA-256" not in provider_page
    assert fingerprint not in provider_page
    council_page = page_text(reviewer_client.get(response.location))
    assert fingerprint in council_page
