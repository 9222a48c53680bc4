"""Downloads go through the portal: members of the organisation and council staff get a link
that works for a minute and saves the file under its own name; everyone else gets 404. Every
council download is audited."""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from tests.documents import corpus
from tests.documents.helpers import only_document, upload


def _download_url(document) -> str:
    version = document.current
    return (
        f"/documents/organisations/{document.organisation_id}/{document.id}"
        f"/versions/{version.id}/download"
    )


def _fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our test store
        return response.read(), response.headers


@pytest.fixture
def document(provider_client, organisation):
    upload(provider_client, organisation, "Política – insurance.pdf", corpus.pdf())
    return only_document()


def test_a_member_is_sent_to_a_link_that_lasts_a_minute_and_saves_the_file(
    provider_client, document
):
    response = provider_client.get(_download_url(document))

    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store"
    query = parse_qs(urlsplit(response.location).query)
    assert query["X-Amz-Expires"] == ["60"]
    body, headers = _fetch(response.location)
    assert body == corpus.pdf()
    # Whatever it is, the browser is told only "bytes, to save": it renders and sniffs nothing.
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"] == (
        'attachment; filename="Politica _ insurance.pdf"; '
        "filename*=UTF-8''Pol%C3%ADtica%20%E2%80%93%20insurance.pdf"
    )


def test_a_member_download_is_not_audited_but_a_council_download_is(
    provider_client, reviewer_client, reviewer, document
):
    downloads = select(AuditEvent).where(AuditEvent.action == "file.downloaded")
    provider_client.get(_download_url(document))
    assert db.session.scalars(downloads).all() == []

    response = reviewer_client.get(_download_url(document))

    assert response.status_code == 302
    (event,) = db.session.scalars(downloads).all()
    assert event.actor_id == reviewer.id
    assert event.organisation_id == document.organisation_id
    assert event.object_type == "document"
    assert event.object_id == document.id
    assert event.after["filename"] == "Política – insurance.pdf"


@pytest.mark.parametrize("staff", ["reviewer_client", "commissioner_client", "admin_client"])
def test_council_staff_can_read_the_library_and_download(request, staff, document):
    client = request.getfixturevalue(staff)

    assert client.get(f"/documents/organisations/{document.organisation_id}").status_code == 200
    assert client.get(_download_url(document)).status_code == 302


def test_another_provider_finds_nothing(other_provider_client, document):
    base = f"/documents/organisations/{document.organisation_id}"
    for url in (base, f"{base}/{document.id}", _download_url(document)):
        assert other_provider_client.get(url).status_code == 404, url


def test_a_document_id_under_another_organisation_is_not_found(
    provider_client, other_provider_client, other_organisation, document
):
    """B's owner asks for A's document under B's own address."""
    url = _download_url(document).replace(
        f"/organisations/{document.organisation_id}/", f"/organisations/{other_organisation.id}/"
    )
    assert other_provider_client.get(url).status_code == 404


def test_a_file_waiting_for_its_virus_check_cannot_be_downloaded(provider_client, document):
    document.current.file.scan_state = "pending"
    db.session.commit()

    assert provider_client.get(_download_url(document)).status_code == 404
