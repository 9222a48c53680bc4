"""The portal's only door to the object store (S3 in production, SeaweedFS in dev/tests).

Everything else stores documents through `object_store`, which works inside a Flask app
context and reads its settings from `app.config`:

    S3_ENDPOINT_URL        None for AWS, e.g. http://127.0.0.1:8333 for SeaweedFS
    S3_BUCKET              required
    S3_ACCESS_KEY_ID       None to use boto3's default credential chain (e.g. an IAM role)
    S3_SECRET_ACCESS_KEY
    S3_REGION              default us-east-1
    PRESIGNED_URL_SECONDS  default 60

Object keys never contain user-supplied text (see `document_key` and `council_document_key`);
the original filename travels in metadata or the database and only reappears in
Content-Disposition.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import IO, Any
from urllib.parse import quote

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError
from flask import Flask, current_app

_EXTENSION_KEY = "object_store"
_CLIENT_KEY = "object_store.client"
_HEALTH_CLIENT_KEY = "object_store.health_client"

_NOT_FOUND_CODES = frozenset({"404", "NoSuchKey", "NoSuchBucket", "NotFound"})

# Uploads run inside web workers and upload_fileobj holds each part in memory while it
# sends it: 8 MB parts with at most 4 in flight (default 10) keep that bounded. Measured:
# a 200 MB upload from a non-seekable stream peaks at about +130 MB RSS.
_TRANSFER_CONFIG = TransferConfig(
    multipart_threshold=8 * 1024 * 1024,
    multipart_chunksize=8 * 1024 * 1024,
    max_concurrency=4,
)


def _size_if_seekable(fileobj: IO[bytes]) -> int | None:
    """The bytes from `fileobj`'s position to its end, or None for a stream that cannot seek."""
    try:
        if not fileobj.seekable():
            return None
        start = fileobj.tell()
        end = fileobj.seek(0, os.SEEK_END)
        fileobj.seek(start)
    except (AttributeError, OSError, ValueError):
        return None
    return end - start


# Characters kept in the plain `filename="..."` fallback; anything else becomes "_".
_FALLBACK_UNSAFE = re.compile(r"[^A-Za-z0-9._()\- ]+")

# S3 limits an object's user metadata to 2 KB (the UTF-8 bytes of every name and value). AWS
# refuses more; SeaweedFS takes it, so a long name would fail only in production. A filename,
# percent-encoded, may take half of it, which leaves room for the rest whatever the name.
METADATA_LIMIT_BYTES = 2048
FILENAME_ENCODED_LIMIT = 1024
# The most characters a name keeps (the database column holds 255).
FILENAME_LIMIT = 200
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")
_DOTS_AND_SPACES = re.compile(r"^[\s.]+|[\s.]+$")
# What a browser sees a download as: never something it would render or run.
DOWNLOAD_CONTENT_TYPE = "application/octet-stream"


class ObjectNotFound(LookupError):
    """The key (or the bucket) does not exist."""


def make_client(
    *,
    endpoint_url: str | None,
    access_key: str | None,
    secret_key: str | None,
    region: str | None,
    connect_timeout: float = 3,
    read_timeout: float = 10,
    total_attempts: int = 2,
) -> Any:
    """A boto3 S3 client set up the way the portal needs it."""
    config = Config(
        # Path-style (http://host/bucket/key) works with SeaweedFS on 127.0.0.1, where
        # virtual-host style (bucket.host) cannot resolve, and with AWS.
        s3={"addressing_style": "path"},
        signature_version="s3v4",
        # Short timeouts and at most one retry so a dead store makes /healthz and uploads
        # fail in seconds instead of hanging a worker for minutes (botocore defaults:
        # 60 s timeouts, 3 attempts with backoff). Note botocore's "max_attempts" counts
        # retries only; "total_max_attempts" includes the first try.
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"mode": "standard", "total_max_attempts": total_attempts},
    )
    # One session for every client, one client made at a time: a session is not thread-safe to
    # make clients from, and a fresh one per client read and parsed S3's whole service
    # description again (130 ms a client against 4; an app makes two, a test suite hundreds).
    with _SESSION_LOCK:
        global _session
        if _session is None:
            _session = boto3.session.Session()
        return _session.client(
            "s3",
            endpoint_url=endpoint_url or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            region_name=region or "us-east-1",
            config=config,
        )


_SESSION_LOCK = threading.Lock()
_session: boto3.session.Session | None = None


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def create_bucket_if_missing(client: Any, bucket: str, region: str | None) -> None:
    """Create `bucket` unless it exists; idempotent and safe against concurrent callers."""
    # HEAD first: in production the app's credentials may read/write a bucket without
    # being allowed to create one.
    try:
        client.head_bucket(Bucket=bucket)
        return
    except ClientError as exc:
        if _error_code(exc) not in _NOT_FOUND_CODES:
            raise
    kwargs: dict[str, Any] = {"Bucket": bucket}
    if region and region != "us-east-1":
        # AWS rejects an explicit us-east-1 constraint but requires it for other regions.
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        client.create_bucket(**kwargs)
    except ClientError as exc:
        # Another worker created it between our HEAD and CREATE.
        if _error_code(exc) != "BucketAlreadyOwnedByYou":
            raise


def document_key(org_id: int) -> str:
    """A new, unguessable key for an organisation's document: org/<id>/doc/<uuid4 hex>."""
    # Never build keys from filenames: they are user input (path tricks, unicode, clashes).
    if not isinstance(org_id, int) or isinstance(org_id, bool) or org_id < 0:
        raise ValueError(f"org_id must be a non-negative int, got {org_id!r}")
    return f"org/{org_id}/doc/{uuid.uuid4().hex}"


def council_document_key() -> str:
    """A new, unguessable key for a document of the council's own: council/doc/<uuid4 hex>."""
    return f"council/doc/{uuid.uuid4().hex}"


def clean_filename(raw: str, *, empty: str = "file") -> str:
    """The one tidy form of a name a person's computer gave a file, kept in the database and
    in metadata and sent back in Content-Disposition.

    The last part after any / or \\ (a Windows path is still a path here); NFC; no control or
    direction-changing characters; no leading or trailing dots or spaces (a leading dot hides a
    file, and ".." climbs a folder); the extension kept when the name is shortened to
    FILENAME_LIMIT characters and FILENAME_ENCODED_LIMIT bytes percent-encoded (a name of emoji
    is four bytes, twelve encoded, a character). `empty` stands in for a name with nothing left.
    """
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    # Category C covers control characters (CR/LF would split a header) and format ones such
    # as U+202E, which can make "harmless\u202efdp.exe" look like "harmlessexe.pdf".
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem, dot, extension = name.rpartition(".")
    if not dot or not _EXTENSION.fullmatch(extension):
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    stem = _DOTS_AND_SPACES.sub("", stem[:FILENAME_LIMIT])
    while stem and (
        len(stem) + len(suffix) > FILENAME_LIMIT
        or len(quote(stem + suffix, safe="")) > FILENAME_ENCODED_LIMIT
    ):
        stem = _DOTS_AND_SPACES.sub("", stem[:-1])
    return (stem or empty) + suffix


def content_disposition(filename: str) -> str:
    """`attachment` header value with an ASCII fallback and an RFC 5987 UTF-8 filename."""
    # Names are cleaned when stored; cleaned again here for any kept before that rule.
    name = clean_filename(filename, empty="download")
    # Old clients only read filename="...": drop accents (é -> e), turn anything else
    # outside a safe ASCII set (quotes, non-Latin scripts) into "_", keep the extension.
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_name = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_name = _FALLBACK_UNSAFE.sub("_", ascii_name).strip(" .") or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _check_metadata(metadata: Mapping[str, str]) -> None:
    # S3 user metadata travels as HTTP headers (x-amz-meta-*): ASCII only, no CR/LF.
    # Fail here with a clear message rather than with a signature error from the server;
    # callers percent-encode anything else (e.g. a unicode filename).
    for name, value in metadata.items():
        for part in (name, value):
            if not (isinstance(part, str) and part.isascii() and part.isprintable()):
                raise ValueError(f"S3 metadata must be printable ASCII strings: {name!r}")
    # Refused here as AWS would refuse it, so that it fails in development and tests too.
    size = sum(len(name) + len(value) for name, value in metadata.items())
    if size > METADATA_LIMIT_BYTES:
        raise ValueError(f"S3 metadata must be at most {METADATA_LIMIT_BYTES} bytes, not {size}")


class ObjectStore:
    """Flask extension wrapping the S3 bucket that holds the portal's documents."""

    document_key = staticmethod(document_key)
    council_document_key = staticmethod(council_document_key)

    def __init__(self, app: Flask | None = None) -> None:
        self._lock = threading.Lock()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        app.config.setdefault("S3_ENDPOINT_URL", None)
        app.config.setdefault("S3_ACCESS_KEY_ID", None)
        app.config.setdefault("S3_SECRET_ACCESS_KEY", None)
        app.config.setdefault("S3_REGION", "us-east-1")
        app.config.setdefault("PRESIGNED_URL_SECONDS", 60)
        app.extensions[_EXTENSION_KEY] = self
        # The client itself is made on first use: no network or credential lookups at
        # start-up, and each gunicorn worker gets its own connection pool after fork.

    # -- plumbing ---------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The boto3 client of the current app, created once and cached in app.extensions."""
        return self._cached_client(_CLIENT_KEY)

    def _cached_client(self, key: str, **timeouts: Any) -> Any:  # make_client's time limits
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        if app.extensions.get(_EXTENSION_KEY) is None:
            raise RuntimeError("ObjectStore.init_app(app) has not been called for this app")
        client = app.extensions.get(key)
        if client is None:
            with self._lock:
                client = app.extensions.get(key)
                if client is None:
                    client = make_client(
                        endpoint_url=app.config["S3_ENDPOINT_URL"],
                        access_key=app.config["S3_ACCESS_KEY_ID"],
                        secret_key=app.config["S3_SECRET_ACCESS_KEY"],
                        region=app.config["S3_REGION"],
                        **timeouts,
                    )
                    app.extensions[key] = client
        return client

    def close(self, app: Flask | None = None) -> None:
        """Close and forget the cached client of `app` (default: current app)."""
        app = app or current_app._get_current_object()  # type: ignore[attr-defined]
        for key in (_CLIENT_KEY, _HEALTH_CLIENT_KEY):
            client = app.extensions.pop(key, None)
            if client is not None:
                client.close()

    @property
    def bucket(self) -> str:
        bucket = current_app.config.get("S3_BUCKET")
        if not bucket:
            raise RuntimeError("S3_BUCKET is not configured")
        return bucket

    # -- operations -------------------------------------------------------------------

    def ping(self, timeout: float | None = None) -> None:
        """Raise unless the bucket is reachable with our credentials. With `timeout` (/healthz),
        a client that waits at most that long and does not retry, so a stalled store is
        reported in seconds."""
        if timeout is None:
            client = self.client
        else:
            client = self._cached_client(
                _HEALTH_CLIENT_KEY, connect_timeout=timeout, read_timeout=timeout, total_attempts=1
            )
        client.head_bucket(Bucket=self.bucket)

    def ensure_bucket(self) -> None:
        """Create the configured bucket if it does not exist yet (idempotent)."""
        create_bucket_if_missing(self.client, self.bucket, current_app.config["S3_REGION"])

    def put_stream(
        self,
        key: str,
        fileobj: IO[bytes],
        *,
        content_type: str,
        metadata: Mapping[str, str],
    ) -> None:
        """Upload a binary file object, from where it stands, without reading it all into memory.

        Bodies under 8 MB go up in one PUT, larger ones as a multipart upload. Metadata names
        come back lower-case.
        """
        _check_metadata(metadata)
        extra = {"ContentType": content_type, "Metadata": dict(metadata)}
        size = _size_if_seekable(fileobj)
        if size is not None and size < _TRANSFER_CONFIG.multipart_threshold:
            # One PUT, sent from this thread. upload_fileobj sends the same single request through
            # a transfer manager's thread pool and futures: measured against SeaweedFS, 3.3
            # against 2.0 ms of CPU for a small file, 4.9 against 2.6 ms for 300 KB.
            self.client.put_object(Bucket=self.bucket, Key=key, Body=fileobj, **extra)
            return
        options: dict[str, Any] = {"ExtraArgs": extra, "Config": _TRANSFER_CONFIG}
        path = getattr(fileobj, "name", None)
        if isinstance(path, str) and os.path.isfile(path) and fileobj.tell() == 0:
            # A file on disk (an upload spooled by portal.core.requests): each part is read from
            # the disk as it is sent, where upload_fileobj would read every part into memory.
            fileobj.flush()
            self.client.upload_file(path, self.bucket, key, **options)
        else:
            self.client.upload_fileobj(fileobj, self.bucket, key, **options)

    def get_stream(self, key: str) -> Any:
        """The object's body as a readable stream (botocore StreamingBody); close it."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as exc:
            if _error_code(exc) in _NOT_FOUND_CODES:
                raise ObjectNotFound(key) from exc
            raise

    def head(self, key: str) -> dict[str, Any]:
        """size, content_type, metadata, etag and last_modified of an object."""
        try:
            response = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _error_code(exc) in _NOT_FOUND_CODES:
                raise ObjectNotFound(key) from exc
            raise
        return {
            "size": response["ContentLength"],
            "content_type": response.get("ContentType"),
            "metadata": response.get("Metadata", {}),
            "etag": response.get("ETag", "").strip('"'),
            "last_modified": response.get("LastModified"),
        }

    def list_objects(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        """(key, last modified) of every object whose key starts with `prefix`, page by page."""
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"], item["LastModified"]

    def delete(self, key: str) -> None:
        """Delete an object; deleting a missing key is not an error (S3 semantics)."""
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def delete_many(self, keys: Iterable[str]) -> None:
        """Delete objects, up to a thousand a request (S3's limit); missing keys are no error."""
        keys = list(keys)
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            response = self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
            )
            if response.get("Errors"):
                raise RuntimeError(
                    "The store kept objects it was asked to delete", response["Errors"][:3]
                )

    def presigned_download_url(self, key: str, *, filename: str) -> str:
        """A short-lived GET URL that makes the browser save the file as `filename`.

        The store answers it with the headers the URL names, whatever the object was stored
        with: saved as an attachment, typed as bytes with no meaning, so no browser renders or
        sniffs it (the portal cannot add X-Content-Type-Options to the store's answer; see
        README.md, Deploying, for the bucket's own headers).
        """
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": content_disposition(filename),
            "ResponseContentType": DOWNLOAD_CONTENT_TYPE,
        }
        return self.client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=int(current_app.config["PRESIGNED_URL_SECONDS"]),
        )


object_store = ObjectStore()
