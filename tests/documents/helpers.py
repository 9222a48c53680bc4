"""Uploading as a provider would, and looking in the database and the store afterwards."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from portal.core.db import db
from portal.core.extensions import object_store
from portal.core.time import today, utcnow
from portal.documents.models import Document, DocumentVersion, StoredFile
from tests.conftest import signed_in
from tests.documents import corpus


def date_parts(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def in_days(days: int) -> date:
    return today() + timedelta(days=days)  # London's today, as the portal uses


# What each kind needs besides the file, so a test can upload any kind in one call.
FIELDS = {
    "safeguarding_policy": lambda: {"review_date": date_parts(in_days(365))},
    "insurance_certificate": lambda: {
        "cover_type": "public_liability",
        "cover_amount": "5,000,000",
        "expiry_date": date_parts(in_days(200)),
    },
    "dbs_evidence": dict,
    "other": lambda: {"title": "Ofsted report"},
}


def upload(
    client,
    organisation,
    filename: str = "policy.pdf",
    content: bytes | None = None,
    *,
    kind: str = "safeguarding_policy",
    **fields,
):
    """POST the upload form. `content` defaults to a good file of the type the name says."""
    if content is None:
        content = corpus.GOOD[filename]()
    data = FIELDS[kind]() | fields
    return post_file(
        client,
        f"/documents/organisations/{organisation.id}/upload?kind={kind}",
        data,
        filename,
        content,
    )


def post_file(client, url: str, data: dict, filename: str, content: bytes):
    """POST a form with a file as a browser would (multipart), encoded here in memory: the test
    client's own encoder leaves a temporary file open for bodies over 500KB."""
    fields = MultiDict()
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            fields.add(name, item)
    fields.add("file", FileStorage(io.BytesIO(content), filename))
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(
        url,
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def replace(client, document, filename: str = "policy.pdf", content: bytes | None = None, **f):
    if content is None:
        content = corpus.GOOD[filename]()
    data = {k: v for k, v in FIELDS[document.kind]().items() if k != "title"} | f
    url = f"/documents/organisations/{document.organisation_id}/{document.id}/replace"
    return post_file(client, url, data, filename, content)


def keys_in_store(organisation) -> list[str]:
    """Every object under the organisation's prefix, as the bucket lists them."""
    return sorted(key for key, _modified in object_store.list_objects(f"org/{organisation.id}/"))


def read_object(key: str) -> bytes:
    body = object_store.get_stream(key)
    try:
        return body.read()
    finally:
        body.close()


def row_counts() -> dict[str, int]:
    db.session.rollback()
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Document, DocumentVersion, StoredFile)
    }


NOTHING_SAVED = {"documents": 0, "document_versions": 0, "stored_files": 0}


def only_document() -> Document:
    db.session.rollback()
    (document,) = db.session.scalars(select(Document)).all()
    return document


def client_of(app, user):
    """`user` signed in to `app`, another app on the test database. The test's own transaction
    ends before each request, or SQLite's lock would block the request's writes."""
    client = app.test_client()
    send = client.open

    def open_after_ending_the_tests_transaction(*args, **kwargs):
        db.session.commit()
        return send(*args, **kwargs)

    client.open = open_after_ending_the_tests_transaction
    return signed_in(client, user)


def run_command(app, *args: str) -> str:
    """Run `flask <args>` on `app` as an operator would; its output."""
    db.session.commit()
    # Flask runs a command in whatever app context is current: make it `app`'s.
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    if result.exception:
        raise result.exception
    db.session.expire_all()
    return result.output


def stored_file(
    organisation, uploader, key: str, scan_state: str, removed: str | None
) -> StoredFile:
    """A stored PDF's row, not sent to the store, in the scan state given and removed for
    `removed` (a reason) or not: for tests of how the portal reads a file's state."""
    return StoredFile(
        organisation_id=organisation.id,
        purpose="document",
        object_key=key,
        original_filename="policy.pdf",
        content_type="application/pdf",
        size_bytes=100,
        sha256="0" * 64,
        scan_state=scan_state,
        removed_at=utcnow() if removed else None,
        removed_reason=removed,
        uploaded_by_id=uploader.id,
    )
