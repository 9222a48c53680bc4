"""The connection to PostgreSQL is lost while it commits an upload: PostgreSQL has committed the
record, but the portal never hears so. The upload must not delete the object the committed
record names (a document listed with no file); `reconcile` deletes an object only once no record
names it. The fault is real: a TCP proxy between the portal and PostgreSQL passes the COMMIT on,
lets PostgreSQL answer, and then cuts the connection instead of passing the answer back
(`cut_after_commit` in tests/support/fault_proxy.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import make_url

from portal.core.time import utcnow
from portal.documents import files
from tests.documents import corpus
from tests.documents.helpers import (
    client_of,
    keys_in_store,
    only_document,
    read_object,
    upload,
)

pytestmark = pytest.mark.postgresql  # a real TCP fault: see tests/conftest.py


@pytest.fixture
def database_url_in_plain_text(database_proxy) -> str:
    """The database through the fault proxy, without TLS, so that the proxy sees the COMMIT."""
    url = make_url(database_proxy.url).update_query_dict(
        {"sslmode": "disable", "gssencmode": "disable"}
    )
    return url.render_as_string(hide_password=False)


def test_an_upload_whose_commit_is_lost_keeps_its_file(
    make_app, database_proxy, database_url_in_plain_text, provider, organisation
):
    # Errors reach the client as the portal's error page, as in production.
    app = make_app(DATABASE_URL=database_url_in_plain_text, TESTING=False)
    client = client_of(app, provider)
    database_proxy.cut_after_commit()

    response = upload(client, organisation, "policy.pdf")

    assert database_proxy.commit_cut.is_set()
    assert response.status_code == 500
    # PostgreSQL committed: the document is there, and so is its file.
    stored = only_document().current.file
    assert keys_in_store(organisation) == [stored.object_key]
    assert read_object(stored.object_key) == corpus.pdf()
    # Reconcile, an hour on, finds nothing to delete: the record names the object.
    report = files.reconcile(now=utcnow() + timedelta(hours=2))
    assert (report.orphans_deleted, report.missing) == ([], [])
    assert keys_in_store(organisation) == [stored.object_key]
