"""Hostile files, sent through every upload route the portal has: each is refused with a clear
message under the file field, and nothing of it is kept (no row, no object in the store).

The routes: a provider's documents (upload and replace), a DBS certificate copy, the DBS
register's CSV import, the council's files on a competition, a provider's files on a quote and
the KPI return's CSV upload. The CSV routes refuse every one of these as not a CSV; the others
refuse each for what it hides. Images are not refused for what they carry beyond the picture:
they are kept as the portal encodes them again, which drops it."""

from __future__ import annotations

import functools
import hashlib
import inspect
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from portal.competitions.models import CompetitionAttachment, QuoteAttachment
from portal.core.db import db
from portal.core.extensions import object_store
from portal.documents.models import Document, DocumentVersion, StoredFile
from portal.integrations import virus_scanner
from portal.kpi_returns.models import KpiReturn
from portal.staff_checks.models import StaffCheck
from tests.competitions import helpers as competitions
from tests.competitions.conftest import evaluator, on_lot  # noqa: F401
from tests.documents import corpus
from tests.documents.helpers import only_document, post_file, read_object, upload
from tests.staff_checks.helpers import add, checks
from tests.support.pages import page_errors

HARMFUL_PDF = (
    "The selected PDF contains scripts, attached files or other content that could be harmful: "
    "save it as a new PDF without them (for example, print it to PDF) and try again"
)
ENCRYPTED_PDF = (
    "The selected PDF is password protected or encrypted, so it cannot be checked for viruses: "
    "save a copy without a password (for example, print it to PDF) and try again"
)
LINKS = (
    "The selected file has links, fields or controls that run other programs or fetch files "
    "from elsewhere: remove them, or save the document as a PDF, and try again"
)
UNSAFE = (
    "The selected file is put together in a way that could be harmful: open it and save it "
    "again, or save it as a PDF, and try again"
)
NESTED = (
    "The selected file has a compressed file (such as a zip file) inside it, which cannot be "
    "checked for viruses: remove it, or save the document as a PDF, and try again"
)
TOO_BIG_IMAGE = (
    "The selected image is too large (more than 50 megapixels): make it smaller, or save it as "
    "a PDF, and try again"
)
MACROS = "The selected file contains macros: save it as a DOCX without macros and try again"
NOT_CSV = "The selected file must be a CSV"


def damaged(kind: str) -> str:
    return f"The selected file is not a working {kind}: it is damaged"


HOSTILE = {
    # PDFs: what a scan of the raw bytes missed, and what a scanner cannot read.
    "a PDF script in a compressed object stream": (
        "policy.pdf",
        corpus.pdf_script_in_object_stream,
        HARMFUL_PDF,
    ),
    "a PDF attachment in a compressed object stream": (
        "policy.pdf",
        corpus.pdf_embedded_file_in_object_stream,
        HARMFUL_PDF,
    ),
    "a PDF script in a Rendition action": ("policy.pdf", corpus.pdf_rendition_script, HARMFUL_PDF),
    "a PDF that imports form data": ("policy.pdf", corpus.pdf_import_data, HARMFUL_PDF),
    "a PDF that opens a PDF on a network share": (
        "policy.pdf",
        corpus.pdf_remote_goto,
        HARMFUL_PDF,
    ),
    "a PDF with a file attachment annotation": (
        "policy.pdf",
        corpus.pdf_file_attachment_annotation,
        HARMFUL_PDF,
    ),
    "an encrypted PDF": ("policy.pdf", corpus.pdf_encrypted, ENCRYPTED_PDF),
    "a PDF of more than 50,000 objects": (
        "policy.pdf",
        corpus.pdf_with_too_many_objects,
        "The selected PDF is made of more than 50,000 parts, which is too many to check: split it "
        "into smaller files and try again",
    ),
    "a PDF no reader can parse": ("policy.pdf", corpus.pdf_unreadable, damaged("PDF")),
    # Archives nested past what the virus scanner looks into.
    "a zip inside a DOCX": ("policy.docx", corpus.docx_with_zip_inside, NESTED),
    "EICAR 20 zips deep inside a DOCX": (
        "policy.docx",
        corpus.docx_with_deeply_nested_zips,
        NESTED,
    ),
    "a DOCX in an XLSX in a DOCX": ("policy.docx", corpus.docx_in_xlsx_in_docx, NESTED),
    "a gzip inside a DOCX": ("policy.docx", corpus.docx_with_gzip_inside, NESTED),
    "a DOCX picture with a zip behind it": (
        "policy.docx",
        corpus.docx_with_image_zip_polyglot_inside,
        NESTED,
    ),
    # Damaged Office files.
    "a DOCX part name that is not UTF-8": (
        "policy.docx",
        corpus.docx_with_bad_name_encoding,
        damaged("DOCX"),
    ),
    "a DOCX with corrupt compressed data": (
        "policy.docx",
        corpus.docx_with_corrupt_compressed_data,
        damaged("DOCX"),
    ),
    "an XLSX with corrupt compressed data": (
        "accounts.xlsx",
        corpus.xlsx_with_corrupt_compressed_data,
        damaged("XLSX"),
    ),
    "a DOCX with a bad checksum": ("policy.docx", corpus.docx_with_bad_checksum, damaged("DOCX")),
    "a truncated DOCX": ("policy.docx", corpus.truncated_docx, damaged("DOCX")),
    "a DOCX with broken XML": ("policy.docx", corpus.docx_with_broken_xml, damaged("DOCX")),
    "an ODT with broken XML": ("policy.odt", corpus.odt_with_broken_xml, damaged("ODT")),
    # Office files that run or fetch things, or are built to attack what reads them.
    "a DOCX with a DDEAUTO field split across runs": (
        "policy.docx",
        corpus.docx_with_ddeauto_field,
        LINKS,
    ),
    "a DOCX with a simple DDE field": ("policy.docx", corpus.docx_with_dde_simple_field, LINKS),
    "a DOCX field named by a nested field": (
        "policy.docx",
        corpus.docx_with_field_named_by_a_nested_field,
        LINKS,
    ),
    "a DOCX with an INCLUDETEXT field": (
        "policy.docx",
        corpus.docx_with_include_text_field,
        LINKS,
    ),
    "a DOCX with an external template": ("policy.docx", corpus.docx_with_external_template, LINKS),
    "an XLSX with a DDE formula": ("accounts.xlsx", corpus.xlsx_with_dde_formula, LINKS),
    "an XLSX with a DDE link": ("accounts.xlsx", corpus.xlsx_with_dde_link, LINKS),
    "an XLSX with a web query": ("accounts.xlsx", corpus.xlsx_with_web_query, LINKS),
    "an ODT with a DDE connection": ("policy.odt", corpus.odt_with_dde, LINKS),
    "an ODT with a DDE formula in a table": ("policy.odt", corpus.odt_with_dde_formula, LINKS),
    "an ODT with a section read from a file": ("policy.odt", corpus.odt_with_linked_section, LINKS),
    "an ODT with a script run on opening": ("policy.odt", corpus.odt_with_event_script, LINKS),
    "a DOCX with an XML external entity": ("policy.docx", corpus.docx_with_xxe, UNSAFE),
    "a DOCX with entity expansion (billion laughs)": (
        "policy.docx",
        corpus.docx_with_billion_laughs,
        UNSAFE,
    ),
    "a DOCX with a DOCTYPE in its relationships": (
        "policy.docx",
        corpus.docx_with_doctype_in_relationships,
        UNSAFE,
    ),
    "a DOCX part named ../../": ("policy.docx", corpus.docx_with_path_traversal, UNSAFE),
    "a DOCX part with an absolute path": ("policy.docx", corpus.docx_with_absolute_path, UNSAFE),
    "a DOCX part with a Windows drive": ("policy.docx", corpus.docx_with_windows_path, UNSAFE),
    "a DOCX part that is a symbolic link": ("policy.docx", corpus.docx_with_symlink, UNSAFE),
    "a DOCX with a part named twice": ("policy.docx", corpus.docx_with_a_part_named_twice, UNSAFE),
    "a DOCX with a macro": ("policy.docx", corpus.docx_with_macro, MACROS),
    # Images that would take gigabytes to decode, or cannot be decoded.
    "a PNG declaring 100,000 by 100,000 pixels": ("photo.png", corpus.png_bomb, TOO_BIG_IMAGE),
    "a JPEG declaring 60,000 by 60,000 pixels": ("photo.jpg", corpus.jpeg_bomb, TOO_BIG_IMAGE),
    "a truncated PNG": ("photo.png", corpus.truncated_png, damaged("PNG")),
}


NOT_YAML = "The selected file must be a YAML file, ending .yaml or .yml"


@dataclass
class Route:
    client: Any
    url: str
    fields: dict
    takes_csv: bool = False
    takes_yaml: bool = False

    def send(self, filename: str, content: bytes):
        return post_file(self.client, self.url, self.fields, filename, content)


def _document_upload(get) -> Route:
    organisation = get("organisation")
    url = f"/documents/organisations/{organisation.id}/upload?kind=dbs_evidence"
    return Route(get("provider_client"), url, {})


def _document_replace(get) -> Route:
    client, organisation = get("provider_client"), get("organisation")
    assert upload(client, organisation, "policy.pdf", kind="dbs_evidence").status_code == 302
    document = only_document()
    return Route(client, f"/documents/organisations/{organisation.id}/{document.id}/replace", {})


def _certificate_copy(get) -> Route:
    client, organisation = get("provider_client"), get("organisation")
    add(client, organisation)
    url = f"/staff-checks/organisations/{organisation.id}/{checks()[0].id}/certificate-copy"
    return Route(client, url, {})


def _register_import(get) -> Route:
    url = f"/staff-checks/organisations/{get('organisation').id}/import"
    return Route(get("provider_client"), url, {}, takes_csv=True)


def _draft_competition(get) -> int:
    client, commissioner = get("commissioner_client"), get("commissioner")
    get("on_lot")
    return competitions.ready_mini_competition(
        client, [commissioner, get("evaluator")], commissioner
    )


def _competition_attachment(get) -> Route:
    draft = _draft_competition(get)
    return Route(get("commissioner_client"), f"/competitions/{draft}/attachments/new", {})


def _quote_file(get) -> Route:
    competition_id = _draft_competition(get)
    assert competitions.publish(get("commissioner_client"), competition_id).status_code == 302
    return Route(get("provider_client"), f"/competitions/{competition_id}/quote/files", {})


def _kpi_return_upload(get) -> Route:
    url = f"/kpi-returns/organisations/{get('organisation').id}/upload"
    return Route(get("provider_client"), url, {}, takes_csv=True)


def _questionnaire_upload(get) -> Route:
    return Route(get("admin_client"), "/admin/questionnaires/upload", {}, takes_yaml=True)


ROUTES = {
    "document upload": _document_upload,
    "document replace": _document_replace,
    "DBS certificate copy": _certificate_copy,
    "DBS register import": _register_import,
    "competition attachment": _competition_attachment,
    "quote file": _quote_file,
    "KPI return upload": _kpi_return_upload,
    "questionnaire upload": _questionnaire_upload,
}
ENDPOINTS = {
    "document upload": "documents.upload",
    "document replace": "documents.replace",
    "DBS certificate copy": "staff_checks.upload_copy",
    "DBS register import": "staff_checks.import_register",
    "competition attachment": "competitions.attach",
    "quote file": "competitions.upload",
    "KPI return upload": "kpi_returns.upload",
    "questionnaire upload": "admin.upload",
}
STORING_ROUTES = [
    name
    for name in ROUTES
    if name not in ("DBS register import", "KPI return upload", "questionnaire upload")
]


def _reads_an_upload(view) -> bool:
    """The view calls uploads.read_upload(), itself or through a function of its module."""
    view = inspect.unwrap(view)
    module = inspect.getmodule(view)
    readers = {"read_upload"} | {
        name
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if "read_upload()" in inspect.getsource(function)
    }
    source = inspect.getsource(view)
    return any(re.search(rf"\b{name}\(", source) for name in readers)


@functools.cache
def _endpoints_reading_uploads(app) -> frozenset[str]:
    """Read from the views' source once per worker: that is seconds, and the source does not
    change during a run."""
    return frozenset(
        endpoint for endpoint, view in app.view_functions.items() if _reads_an_upload(view)
    )


@pytest.fixture
def route(request, app) -> Route:
    # A route added later that reads an upload must join these walks.
    assert _endpoints_reading_uploads(app) == {ENDPOINTS[name] for name in ROUTES}
    return ROUTES[request.param](request.getfixturevalue)


def what_is_kept() -> dict:
    """Every row an upload could add, and every object in the store."""
    db.session.rollback()
    models = (
        StoredFile,
        Document,
        DocumentVersion,
        CompetitionAttachment,
        QuoteAttachment,
        StaffCheck,
        KpiReturn,
    )
    kept: dict[str, Any] = {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in models
    }
    kept["objects"] = sorted(
        key for prefix in ("org/", "council/") for key, _ in object_store.list_objects(prefix)
    )
    return kept


@pytest.mark.parametrize("route", list(ROUTES), indirect=True)
def test_every_hostile_file_is_refused_on_every_upload_route(route):
    before = what_is_kept()
    wrong = {}

    for case, (filename, build, message) in HOSTILE.items():
        response = route.send(filename, build())

        expected = NOT_CSV if route.takes_csv else NOT_YAML if route.takes_yaml else message
        shown = page_errors(response).get("file") if response.status_code == 200 else None
        if (response.status_code, shown) != (200, expected):
            wrong[case] = (response.status_code, shown)
        elif what_is_kept() != before:
            wrong[case] = ("kept", what_is_kept())

    assert wrong == {}


SANITISED = {
    "a JPEG with a script after its end": ("photo.jpg", corpus.jpeg_with_script_after_the_end),
    "a JPEG with a script in its comment": ("photo.jpg", corpus.jpeg_with_script_in_its_comment),
    "a PNG with a zip appended": ("photo.png", corpus.png_with_zip_appended),
    "a JPEG with its GPS position in EXIF": ("photo.jpg", corpus.jpeg_with_gps),
}


@pytest.mark.parametrize("route", STORING_ROUTES, indirect=True)
def test_images_are_kept_only_as_the_portal_encodes_them_again(route):
    for case, (filename, build) in SANITISED.items():
        sent = build()

        response = route.send(filename, sent)

        assert response.status_code == 302, (case, page_errors(response))
        db.session.rollback()
        stored = db.session.scalars(select(StoredFile).order_by(StoredFile.id.desc())).first()
        kept = read_object(stored.object_key)
        assert kept != sent, case
        # What is recorded is what is kept.
        assert stored.size_bytes == len(kept), case
        assert stored.sha256 == hashlib.sha256(kept).hexdigest(), case
        # The same picture, and nothing else: nothing after its end, no metadata.
        picture = Image.open(io.BytesIO(kept))
        assert picture.size == Image.open(io.BytesIO(sent)).size, case
        assert b"<script" not in kept, case
        assert not zipfile.is_zipfile(io.BytesIO(kept)), case
        assert picture.getexif() == {}, case
        assert "comment" not in picture.info, case
        assert not kept.endswith(b"</html>"), case


def test_the_virus_scanner_reports_what_it_cannot_look_all_the_way_into(make_app, clamd_server):
    """Behind the portal's own limit on nesting, clamd runs with AlertExceedsMax: a file nested
    deeper than it looks (or bigger than it reads) is reported, never passed as clean."""
    scanning = make_app(CLAMD_SOCKET=str(clamd_server.socket_path))

    with scanning.app_context():
        result = virus_scanner.scan(io.BytesIO(corpus.deeply_nested_zip(20)))

    assert not result.clean
    assert result.signature == "Heuristics.Limits.Exceeded.MaxRecursion"
