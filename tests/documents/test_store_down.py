"""When the object store is down, an upload says so plainly and saves nothing; the rest of the
portal keeps working and /healthz names the store."""

from __future__ import annotations

import pytest

from tests.documents.helpers import (
    NOTHING_SAVED,
    client_of,
    keys_in_store,
    only_document,
    replace,
    row_counts,
    upload,
)
from tests.outbox.helpers import free_port
from tests.support.pages import page_errors, page_h1

STORE_DOWN = "We could not upload your file. Nothing has been saved. Try again."


@pytest.fixture
def store_down_client(make_app, provider):
    """The provider, signed in to a portal whose object store does not answer."""
    return client_of(make_app(S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}"), provider)


def test_an_upload_while_the_store_is_down_saves_nothing(store_down_client, organisation):
    response = upload(store_down_client, organisation, "policy.pdf")

    assert response.status_code == 200
    assert page_errors(response) == {"file": STORE_DOWN}
    assert row_counts() == NOTHING_SAVED
    assert keys_in_store(organisation) == []


def test_a_new_version_while_the_store_is_down_saves_nothing(
    provider_client, store_down_client, organisation
):
    upload(provider_client, organisation, "policy.pdf")
    document = only_document()

    response = replace(store_down_client, document, "policy.docx")

    assert page_errors(response) == {"file": STORE_DOWN}
    assert row_counts() == {"documents": 1, "document_versions": 1, "stored_files": 1}
    assert keys_in_store(organisation) == [document.current.file.object_key]


def test_the_rest_of_the_portal_keeps_working(store_down_client, organisation):
    library = store_down_client.get(f"/documents/organisations/{organisation.id}")
    assert library.status_code == 200
    assert page_h1(library) == "Documents"

    health = store_down_client.get("/healthz")
    assert health.status_code == 503
    assert health.get_data(as_text=True) == "down: object store"
