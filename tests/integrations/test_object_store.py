"""ObjectStore against a real SeaweedFS server (no mocks): what S3 really does is the point."""

from __future__ import annotations

import hashlib
import io
import os
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import flask
import pytest
from botocore.exceptions import BotoCoreError, ClientError

from portal.dev import seaweed
from portal.integrations.object_store import (
    ObjectNotFound,
    ObjectStore,
    content_disposition,
    document_key,
    object_store,
)

ACCESS_KEY = "portal-test"
SECRET_KEY = "portal-test-secret"
BUCKET = "portal-test-documents"


def make_app(endpoint_url: str, *, secret_key: str = SECRET_KEY) -> flask.Flask:
    app = flask.Flask(__name__)
    app.config.update(
        S3_ENDPOINT_URL=endpoint_url,
        S3_BUCKET=BUCKET,
        S3_ACCESS_KEY_ID=ACCESS_KEY,
        S3_SECRET_ACCESS_KEY=secret_key,
        S3_REGION="us-east-1",
        PRESIGNED_URL_SECONDS=60,
    )
    object_store.init_app(app)
    return app


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[seaweed.SeaweedServer]:
    started = seaweed.start_seaweed(
        tmp_path_factory.mktemp("seaweed"), access_key=ACCESS_KEY, secret_key=SECRET_KEY
    )
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def app(server: seaweed.SeaweedServer) -> Iterator[flask.Flask]:
    app = make_app(server.endpoint_url)
    with app.app_context():
        object_store.ensure_bucket()
    try:
        yield app
    finally:
        object_store.close(app)


@pytest.fixture
def ctx(app: flask.Flask) -> Iterator[None]:
    with app.app_context():
        yield


def read_all(stream) -> bytes:
    with stream:
        return stream.read()


def test_multipart_roundtrip_keeps_bytes_type_and_metadata(ctx: None, tmp_path: Path) -> None:
    body = os.urandom(9 * 1024 * 1024 + 12345)  # over the 8 MB multipart threshold
    path = tmp_path / "big.bin"
    path.write_bytes(body)
    key = document_key(1)

    with path.open("rb") as fileobj:
        object_store.put_stream(
            key,
            fileobj,
            content_type="application/pdf",
            metadata={"original-filename": "big.pdf", "uploaded-by": "42"},
        )

    info = object_store.head(key)
    assert info["size"] == len(body)
    assert info["content_type"] == "application/pdf"
    assert info["metadata"] == {"original-filename": "big.pdf", "uploaded-by": "42"}
    assert info["etag"].endswith("-2"), "a multipart upload's ETag is <md5>-<parts>"

    digest = hashlib.sha256()
    with object_store.get_stream(key) as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(body).hexdigest()


def test_small_upload_metadata_is_kept(ctx: None) -> None:
    key = document_key(2)
    object_store.put_stream(
        key,
        io.BytesIO(b"hello"),
        content_type="text/plain",
        metadata={"Original-Filename": "r%C3%A9sum%C3%A9.txt"},
    )
    info = object_store.head(key)
    assert info["metadata"] == {"original-filename": "r%C3%A9sum%C3%A9.txt"}  # names lower-cased
    assert read_all(object_store.get_stream(key)) == b"hello"


def test_non_ascii_metadata_is_rejected_before_upload(ctx: None) -> None:
    key = document_key(2)
    with pytest.raises(ValueError, match="ASCII"):
        object_store.put_stream(
            key, io.BytesIO(b"x"), content_type="text/plain", metadata={"name": "résumé"}
        )
    with pytest.raises(ObjectNotFound):
        object_store.head(key)


def test_presigned_url_downloads_as_attachment(ctx: None) -> None:
    key = document_key(3)
    body = b"%PDF-1.4 presigned body"
    object_store.put_stream(key, io.BytesIO(body), content_type="application/pdf", metadata={})

    url = object_store.presigned_download_url(key, filename='Rapport "été" 2024.pdf')
    assert url.startswith(flask.current_app.config["S3_ENDPOINT_URL"] + f"/{BUCKET}/")

    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - http to test server
        assert response.read() == body
        disposition = response.headers["Content-Disposition"]
        assert response.headers["Content-Type"] == "application/octet-stream"
    assert disposition == (
        'attachment; filename="Rapport _ete_ 2024.pdf"; '
        "filename*=UTF-8''Rapport%20%22%C3%A9t%C3%A9%22%202024.pdf"
    )


def test_tampered_presigned_url_is_refused(ctx: None) -> None:
    key = document_key(3)
    object_store.put_stream(key, io.BytesIO(b"secret"), content_type="text/plain", metadata={})
    url = object_store.presigned_download_url(key, filename="a.txt")
    other = url.replace(key, document_key(3))

    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(other, timeout=10)  # noqa: S310 - http to test server
    with excinfo.value:
        assert excinfo.value.code == 403


def test_delete_then_head_and_get_raise(ctx: None) -> None:
    key = document_key(4)
    object_store.put_stream(key, io.BytesIO(b"bye"), content_type="text/plain", metadata={})
    object_store.delete(key)

    with pytest.raises(ObjectNotFound):
        object_store.head(key)
    with pytest.raises(ObjectNotFound):
        object_store.get_stream(key)
    object_store.delete(key)  # deleting again is fine, as on S3


def test_delete_many_deletes_the_keys_given_and_no_others(ctx: None) -> None:
    gone = [document_key(5) for _ in range(3)]
    kept = document_key(5)
    for key in [*gone, kept]:
        object_store.put_stream(key, io.BytesIO(b"x"), content_type="text/plain", metadata={})

    object_store.delete_many([*gone, document_key(5)])  # a missing key is no error

    for key in gone:
        with pytest.raises(ObjectNotFound):
            object_store.head(key)
    assert object_store.head(kept)["size"] == 1
    object_store.delete_many([])  # nothing to do: no request


def test_a_small_body_is_sent_from_where_its_stream_stands(ctx: None) -> None:
    # Under the multipart threshold put_stream makes one PUT itself (no transfer manager).
    key = document_key(6)
    small = io.BytesIO(b"skipped|kept")
    small.seek(len(b"skipped|"))
    object_store.put_stream(key, small, content_type="text/plain", metadata={})
    assert object_store.get_stream(key).read() == b"kept"
    assert object_store.head(key)["content_type"] == "text/plain"


def test_ensure_bucket_is_idempotent(ctx: None, server: seaweed.SeaweedServer) -> None:
    object_store.ensure_bucket()
    object_store.ensure_bucket()
    object_store.ping()

    for _ in range(2):
        seaweed.ensure_bucket(
            server.endpoint_url, server.access_key, server.secret_key, "portal-test-other"
        )
    names = {b["Name"] for b in object_store.client.list_buckets()["Buckets"]}
    assert {BUCKET, "portal-test-other"} <= names


def test_wrong_secret_key_is_refused(server: seaweed.SeaweedServer) -> None:
    app = make_app(server.endpoint_url, secret_key="not-the-secret")
    try:
        with app.app_context(), pytest.raises(ClientError) as excinfo:
            object_store.ping()
        assert excinfo.value.response["Error"]["Code"] == "403"
    finally:
        object_store.close(app)


def test_ping_fails_fast_when_server_is_stopped(tmp_path: Path) -> None:
    other = seaweed.start_seaweed(tmp_path / "data", access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    app = make_app(other.endpoint_url)
    try:
        with app.app_context():
            object_store.ensure_bucket()
            object_store.ping()

            other.stop()
            started = time.monotonic()
            with pytest.raises((BotoCoreError, ClientError)):
                object_store.ping()
            assert time.monotonic() - started < 5
    finally:
        other.stop()
        object_store.close(app)


def test_start_seaweed_reports_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        started = time.monotonic()
        with pytest.raises(RuntimeError, match="exited with code") as excinfo:
            seaweed.start_seaweed(
                tmp_path, access_key=ACCESS_KEY, secret_key=SECRET_KEY, s3_port=port
            )
    assert time.monotonic() - started < 10
    assert str(port) in str(excinfo.value)  # the log tail names the port


def test_start_seaweed_starts_again_on_other_ports_when_one_is_taken(
    tmp_path: Path, monkeypatch
) -> None:
    """Another process can take a port between its choosing and weed listening on it."""
    choose = seaweed._free_port_pair
    port = choose(set())
    handed: list[int] = []

    def first_one_already_taken(taken: set[int]) -> int:
        handed.append(port if not handed else choose(taken))
        return handed[-1]

    monkeypatch.setattr(seaweed, "_free_port_pair", first_one_already_taken)
    with socket.socket() as other:
        other.bind(("127.0.0.1", port))
        other.listen()
        server = seaweed.start_seaweed(tmp_path, access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    try:
        assert handed[0] == port
        assert server.ports["s3.port"] != port
        app = make_app(server.endpoint_url)
        with app.app_context():
            object_store.ensure_bucket()
            object_store.ping()
        object_store.close(app)
    finally:
        server.stop()


def test_document_key_has_no_filename_and_is_unique() -> None:
    first, second = document_key(7), document_key(7)
    assert re.fullmatch(r"org/7/doc/[0-9a-f]{32}", first)
    assert first != second
    assert ObjectStore.document_key(7).startswith("org/7/doc/")
    with pytest.raises(ValueError):
        document_key("7")  # type: ignore[arg-type]


def test_content_disposition_is_safe_for_awkward_names() -> None:
    header = content_disposition('..\\evil/"na\r\nme".pdf')
    assert header == "attachment; filename=\"_name_.pdf\"; filename*=UTF-8''%22name%22.pdf"
    assert content_disposition("") == "attachment; filename=\"download\"; filename*=UTF-8''download"
    assert content_disposition("日本.txt").startswith('attachment; filename="_.txt"; ')
    # Names kept before they were cleaned on upload lose their leading dots here too.
    assert content_disposition("C:\\x\\..\\.hidden.pdf") == (
        "attachment; filename=\"hidden.pdf\"; filename*=UTF-8''hidden.pdf"
    )


def test_metadata_over_the_s3_limit_is_refused_before_upload(ctx: None) -> None:
    """AWS refuses more than 2 KB of user metadata; SeaweedFS would take it. Refused here, so
    that it fails in development and tests as it would in production."""
    key = document_key(4)
    with pytest.raises(ValueError, match="at most 2048 bytes"):
        object_store.put_stream(
            key, io.BytesIO(b"x"), content_type="text/plain", metadata={"filename": "a" * 2041}
        )
    with pytest.raises(ObjectNotFound):
        object_store.head(key)
    object_store.put_stream(
        key, io.BytesIO(b"x"), content_type="text/plain", metadata={"filename": "a" * 2040}
    )


def test_find_weed_binary_is_executable() -> None:
    assert os.access(seaweed.find_weed_binary(), os.X_OK)
