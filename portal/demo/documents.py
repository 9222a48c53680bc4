"""Demo documents the virus checker has still to clear or has refused, uploaded through the
documents service while the scanner was away (the portal then keeps an upload, unusable, until
`flask documents scan` has checked it): Bright Futures' online safety policy, uploaded a few
hours ago, is still waiting for its virus check; Stourbridge Mentoring Trust's business continuity
plan, a Word document carrying the EICAR test file (the harmless file every virus scanner flags),
was uploaded a week ago and found to hold a virus when the scanner came back, so its file was
deleted and the trust emailed. Both are on the reviewers' list of documents needing attention."""

from __future__ import annotations

import io
import logging
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.accounts.models import User
from portal.core.db import db
from portal.core.time import clock_set_to, utcnow
from portal.demo.pdf import text_pdf
from portal.demo.settings import settings_for_a_while
from portal.documents import files
from portal.documents import services as documents
from portal.documents.models import Document, StoredFile
from portal.integrations import virus_scanner
from portal.organisations.models import Organisation

WAITING = ("provider@example.org", "online_safety_policy", "Online safety policy")
INFECTED = ("provider2@example.org", "business_continuity_plan", "Business continuity plan")
# What ClamAV's own databases call the EICAR test file: the verdict recorded when no scanner
# answers while the demo is seeded (the development clamd reports its own name for it).
EICAR_SIGNATURE = "Win.Test.EICAR_HDB-1"

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def eicar() -> bytes:
    """The EICAR test file, built from two parts so that this file itself is not flagged."""
    return b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def docx_with_eicar(text: str) -> bytes:
    """A working Word document saying `text`, carrying the EICAR test file as an embedded object
    would: it passes the upload's checks, and a virus scanner finds it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            f'ContentType="application/xml"/><Override PartName="/word/document.xml" '
            f'ContentType="{_DOCX_MAIN}"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            "//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
            '" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
        archive.writestr("word/embeddings/oleObject1.bin", eicar())
    return buffer.getvalue()


def seed(users: dict[str, User], made: dict[str, Organisation]) -> None:
    """Each document once (again only where its organisation has none of that title, so running
    it twice changes nothing)."""
    now = utcnow()
    review_on = (now + timedelta(days=300)).date()
    owner, kind, title = WAITING
    if not _held(made[owner], title):
        pdf = text_pdf(f"{made[owner].legal_name}: {title}")
        with _scanner_away(), clock_set_to(now - timedelta(hours=3)):
            _upload(users[owner], made[owner], kind, title, review_on, "online-safety.pdf", pdf)
    owner, kind, title = INFECTED
    if not _held(made[owner], title):
        docx = docx_with_eicar(title)
        with _scanner_away(), clock_set_to(now - timedelta(days=8)):
            document = _upload(users[owner], made[owner], kind, title, review_on,
                               "business-continuity-plan.docx", docx)  # fmt: skip
        with clock_set_to(now - timedelta(days=7)):
            _scanned(document.current.file)


def _held(organisation: Organisation, title: str) -> bool:
    return (
        db.session.scalar(
            select(Document.id).where(
                Document.organisation_id == organisation.id, Document.title == title
            )
        )
        is not None
    )


def _upload(
    user: User,
    organisation: Organisation,
    kind: str,
    title: str,
    review_on: date,
    filename: str,
    body: bytes,
) -> Document:
    details = {"kind": kind, "title": title, "review_date": review_on}
    storage = FileStorage(stream=io.BytesIO(body), filename=filename)
    return documents.upload_document(user, organisation, details, storage)


@contextmanager
def _scanner_away() -> Iterator[None]:
    """The virus scanner configured but not answering, as when clamd is restarting: uploads are
    kept as waiting for their virus check. Its warning is kept quiet, as it is expected here."""
    with (
        tempfile.TemporaryDirectory() as nowhere,
        settings_for_a_while(
            quiet=logging.getLogger(files.__name__),
            quiet_below=logging.ERROR,
            CLAMD_SOCKET=str(Path(nowhere) / "clamd.sock"),
            CLAMD_HOST=None,
        ),
    ):
        yield


def _scanned(stored: StoredFile) -> None:
    """The scanner back: the file is read back from the store and scanned, as `flask documents
    scan` does, and the verdict recorded by the same function. With no scanner to answer while
    the demo is seeded, the verdict recorded is the one clamd gives this file."""
    try:
        result = files.scan_stored(stored)
    except virus_scanner.ScannerUnavailable:
        result = virus_scanner.ScanResult(clean=False, signature=EICAR_SIGNATURE)
    files.record_scan(stored, result, documents.tell_of_virus)
