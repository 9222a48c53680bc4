"""Virus scanning with a real clamd: clean files are marked clean, EICAR is refused and nothing
of it kept; while the scanner is away uploads wait, unusable, until `flask documents scan`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from tests.documents import corpus
from tests.documents.helpers import (
    NOTHING_SAVED,
    client_of,
    keys_in_store,
    only_document,
    row_counts,
    run_command,
    upload,
)
from tests.support.emails import emails_to
from tests.support.pages import page_errors, page_text

VIRUS = (
    "Our virus checker found a problem with the selected file, so it has not been saved. "
    "Choose another file"
)


@pytest.fixture
def scanning_app(make_app, clamd_server):
    return make_app(CLAMD_SOCKET=str(clamd_server.socket_path))


@pytest.fixture
def scanner_away_app(make_app, tmp_path):
    return make_app(CLAMD_SOCKET=str(tmp_path / "no-clamd.sock"))


def test_a_clean_file_is_marked_clean(scanning_app, provider, organisation, reviewer):
    client = client_of(scanning_app, provider)

    upload(client, organisation, "policy.docx")

    stored = only_document().current.file
    assert stored.scan_state == "clean"
    assert stored.scanned_at is not None
    page = client_of(scanning_app, reviewer).get(f"/documents/organisations/{organisation.id}")
    assert "Virus checked" in page_text(page)


def test_the_eicar_test_file_is_refused_and_nothing_kept(scanning_app, provider, organisation):
    client = client_of(scanning_app, provider)

    response = upload(client, organisation, "policy.docx", corpus.docx_with_eicar())

    assert page_errors(response) == {"file": VIRUS}
    assert row_counts() == NOTHING_SAVED
    assert keys_in_store(organisation) == []


def test_without_a_scanner_documents_are_marked_not_scanned(provider_client, organisation):
    upload(provider_client, organisation, "policy.docx", corpus.docx_with_eicar())

    assert only_document().current.file.scan_state == "not_scanned"


def test_while_the_scanner_is_away_an_upload_waits_then_is_scanned(
    scanner_away_app, scanning_app, provider, organisation
):
    client = client_of(scanner_away_app, provider)
    upload(client, organisation, "policy.pdf")
    document = only_document()
    assert document.current.file.scan_state == "pending"
    page = client.get(f"/documents/organisations/{organisation.id}/{document.id}")
    assert "Waiting for virus check" in page_text(page)
    download = f"/documents/organisations/{organisation.id}/{document.id}/versions/"
    download += f"{document.current.id}/download"
    assert client.get(download).status_code == 404

    assert run_command(scanner_away_app, "documents", "scan") == (
        "0 clean, 0 rejected, 1 still pending.\n"
    )
    output = run_command(scanning_app, "documents", "scan")

    assert output == "1 clean, 0 rejected, 0 still pending.\n"
    assert only_document().current.file.scan_state == "clean"
    assert client.get(download).status_code == 302
    assert (
        run_command(scanning_app, "documents", "scan") == "0 clean, 0 rejected, 0 still pending.\n"
    )


def test_a_virus_found_later_is_deleted_and_the_provider_told(
    scanner_away_app, scanning_app, provider, organisation
):
    client = client_of(scanner_away_app, provider)
    upload(client, organisation, "policy.docx", corpus.docx_with_eicar())
    key = only_document().current.file.object_key

    output = run_command(scanning_app, "documents", "scan")

    assert output == "0 clean, 1 rejected, 0 still pending.\n"
    stored = only_document().current.file
    assert stored.scan_state == "rejected"
    assert stored.removed_reason == "virus"
    assert stored.scan_signature == "Eicar-Test-Signature.UNOFFICIAL"
    assert keys_in_store(organisation) == []
    assert key not in keys_in_store(organisation)
    (email,) = emails_to(provider.email)
    assert "we found a virus and deleted the file" in email.subject
    assert "policy.docx" in email.body
    page = client.get(f"/documents/organisations/{organisation.id}/{only_document().id}")
    assert "Virus found" in page_text(page)
    assert "Upload a clean copy" in page_text(page)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "file.removed"))
    assert event.after["reason"] == "virus"
