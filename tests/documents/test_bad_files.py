"""The bad-input corpus: every file a provider (or an attacker) might send that must not be
kept. Each is refused with a message under the file field, and afterwards there is nothing in
the database and nothing under the organisation's prefix in the store.

Odd names on good files are not refused: they are kept as metadata, shown escaped, and never
used for keys or paths."""

from __future__ import annotations

import io
import re

import pytest
from markupsafe import escape

from portal.core.db import db
from tests.documents import corpus
from tests.documents.helpers import (
    NOTHING_SAVED,
    keys_in_store,
    only_document,
    post_file,
    row_counts,
    upload,
)
from tests.support.clamd import eicar
from tests.support.factories import PASSWORD
from tests.support.pages import page_errors, soup

WRONG_TYPE = "The selected file must be a PDF, DOCX, XLSX, ODT, JPG or PNG"
MACROS = "The selected file contains macros: save it as a {} without macros and try again"
HARMFUL_PDF = (
    "The selected PDF contains scripts, attached files or other content that could be harmful: "
    "save it as a new PDF without them (for example, print it to PDF) and try again"
)

CORPUS = {
    "zero bytes": ("policy.pdf", lambda: b"", "The selected file is empty"),
    "an executable renamed .pdf": ("policy.pdf", corpus.executable, WRONG_TYPE),
    "an executable with a double extension": ("policy.pdf.exe", corpus.executable, WRONG_TYPE),
    "a PDF with a double extension ending .exe": ("policy.exe", corpus.pdf, WRONG_TYPE),
    "HTML with a script renamed .pdf": ("policy.pdf", corpus.html_with_script, WRONG_TYPE),
    "HTML with a script renamed .docx": ("policy.docx", corpus.html_with_script, WRONG_TYPE),
    "SVG with a script renamed .png": ("logo.png", corpus.svg_with_script, WRONG_TYPE),
    "SVG with a script renamed .jpg": ("logo.jpg", corpus.svg_with_script, WRONG_TYPE),
    "the EICAR test file renamed .pdf": ("policy.pdf", eicar, WRONG_TYPE),
    "a plain zip renamed .docx": (
        "policy.docx",
        lambda: corpus._zip([("readme.txt", "hello")]),
        "The selected file is not a working DOCX: it is damaged",
    ),
    "a PNG named .pdf": (
        "policy.pdf",
        corpus.png,
        "The selected file is a PNG but its name ends in .pdf: rename it to end in .png or "
        "choose another file",
    ),
    "a DOCX named .xlsx": (
        "accounts.xlsx",
        corpus.docx,
        "The selected file is a DOCX but its name ends in .xlsx: rename it to end in .docx or "
        "choose another file",
    ),
    "a PDF that runs JavaScript": ("policy.pdf", corpus.pdf_with_javascript, HARMFUL_PDF),
    "a PDF hiding JavaScript in #xx escapes": (
        "policy.pdf",
        corpus.pdf_with_escaped_javascript,
        HARMFUL_PDF,
    ),
    "a PDF and HTML polyglot": ("policy.pdf", corpus.pdf_html_polyglot, HARMFUL_PDF),
    "a PDF and zip polyglot": ("policy.pdf", corpus.pdf_zip_polyglot, HARMFUL_PDF),
    "a truncated PDF": (
        "policy.pdf",
        corpus.truncated_pdf,
        "The selected file is not a complete PDF: it may have been cut short. Save the PDF again "
        "and upload the new copy",
    ),
    "a DOCX with a macro (vbaProject.bin)": (
        "policy.docx",
        corpus.docx_with_macro,
        MACROS.format("DOCX"),
    ),
    "a macro-enabled DOCM renamed .docx": (
        "policy.docx",
        corpus.docm_renamed_docx,
        MACROS.format("DOCX"),
    ),
    "an ODT with a Basic macro": ("policy.odt", corpus.odt_with_macro, MACROS.format("ODT")),
    "a DOCX with too many parts": (
        "policy.docx",
        corpus.many_entries,
        "The selected file holds more than 5000 parts: save it again or split it into smaller "
        "files",
    ),
}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_a_bad_file_is_refused_and_nothing_is_kept(provider_client, organisation, case):
    filename, build, message = CORPUS[case]

    response = upload(provider_client, organisation, filename, build())

    assert response.status_code == 200
    assert page_errors(response) == {"file": message}
    assert row_counts() == NOTHING_SAVED
    assert keys_in_store(organisation) == []


def test_a_zip_bomb_is_refused(provider_client, organisation, tmp_path_factory):
    bomb = corpus.zip_bomb(tmp_path_factory.getbasetemp() / "bomb.docx")
    assert bomb.stat().st_size < 2 * 1024 * 1024  # small to send, 400MB unpacked

    response = upload(provider_client, organisation, "policy.docx", bomb.read_bytes())

    assert page_errors(response) == {
        "file": "The selected file unpacks to more than 300MB: choose a smaller file"
    }
    assert row_counts() == NOTHING_SAVED
    assert keys_in_store(organisation) == []


def test_a_file_just_over_the_limit_is_refused(provider_client, organisation, tmp_path):
    big = corpus.over_limit(tmp_path / "big.pdf", 25)

    response = post_file(
        provider_client,
        f"/documents/organisations/{organisation.id}/upload?kind=dbs_evidence",
        {},
        "big.pdf",
        big.read_bytes(),
    )

    assert response.status_code == 200
    assert page_errors(response) == {"file": "The selected file must be smaller than 25MB"}
    assert row_counts() == NOTHING_SAVED
    assert keys_in_store(organisation) == []


class CountingReader(io.RawIOBase):
    """A request body that counts how much of it the server reads."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # the test client measures the body by seeking to its end and back

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = base + offset
        return self.position

    def readinto(self, buffer) -> int:
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b"0" * count
        self.position += count
        self.read_bytes += count
        return count


def test_a_request_over_the_limit_is_refused_before_its_body_is_read(provider_client, organisation):
    body = CountingReader(27 * 1024 * 1024)

    response = provider_client.post(
        f"/documents/organisations/{organisation.id}/upload?kind=dbs_evidence",
        input_stream=body,
        content_length=body.size,
        content_type="multipart/form-data; boundary=x",
    )

    assert response.status_code == 413
    assert page_errors(response) == {"file": "The selected file must be smaller than 25MB"}
    assert soup(response).h1.get_text(strip=True) == "Upload dbs evidence"
    assert body.read_bytes == 0
    assert row_counts() == NOTHING_SAVED


def test_a_request_over_the_limit_is_refused_on_the_replace_page_too(provider_client, organisation):
    upload(provider_client, organisation, "policy.pdf")
    document = only_document()
    body = CountingReader(27 * 1024 * 1024)

    response = provider_client.post(
        f"/documents/organisations/{organisation.id}/{document.id}/replace",
        input_stream=body,
        content_length=body.size,
        content_type="multipart/form-data; boundary=x",
    )

    assert response.status_code == 413
    assert page_errors(response) == {"file": "The selected file must be smaller than 25MB"}
    assert body.read_bytes == 0
    assert row_counts()["document_versions"] == 1


ODD_NAMES = {
    "path traversal": ("../../../etc/passwd.pdf", "passwd.pdf"),
    "control characters": ("poli\x07cy\x1b[31m.pdf", "policy[31m.pdf"),
    "a right-to-left override": ("policy\u202efdp.pdf", "policyfdp.pdf"),
    "unicode": ("política de protección – 2026.pdf", "política de protección – 2026.pdf"),
    "non-Latin script": ("安全政策.pdf", "安全政策.pdf"),
    "HTML": ("<img src=x onerror=alert(1)>.pdf", "<img src=x onerror=alert(1)>.pdf"),
    "a double extension on a real PDF": ("policy.exe.pdf", "policy.exe.pdf"),
}


@pytest.mark.parametrize("case", sorted(ODD_NAMES))
@pytest.mark.shows_typed_markup(ODD_NAMES["HTML"][1])  # shown as text, never run
def test_an_odd_name_on_a_good_file_is_kept_safely(provider_client, organisation, case):
    sent, kept = ODD_NAMES[case]

    response = upload(provider_client, organisation, sent, corpus.pdf())

    stored = only_document().current.file
    assert stored.original_filename == kept
    assert re.fullmatch(rf"org/{organisation.id}/doc/[0-9a-f]{{32}}", stored.object_key)
    assert keys_in_store(organisation) == [stored.object_key]
    page = provider_client.get(response.location).get_data(as_text=True)
    assert str(escape(kept)) in page
    assert "<img src=x" not in page


def test_a_right_to_left_override_cannot_disguise_an_executable(provider_client, organisation):
    """'harmless\u202efdp.exe' shows as 'harmlessexe.pdf' on screen: it is an .exe."""
    response = upload(provider_client, organisation, "harmless\u202efdp.exe", corpus.pdf())

    assert page_errors(response) == {"file": WRONG_TYPE}
    assert row_counts() == NOTHING_SAVED


def test_with_csrf_protection_on_a_request_over_the_limit_still_gets_the_form(
    make_app, provider, organisation
):
    """In production the CSRF check reads the form before the view runs, so it is what meets a
    request over the limit: the page and its message must be the same."""
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    db.session.commit()
    sign_in_page = client.get("/sign-in")
    token = soup(sign_in_page).find("input", attrs={"name": "csrf_token"})["value"]
    signed_in = client.post(
        "/sign-in", data={"csrf_token": token, "email": provider.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    body = CountingReader(27 * 1024 * 1024)

    response = client.post(
        f"/documents/organisations/{organisation.id}/upload?kind=dbs_evidence",
        input_stream=body,
        content_length=body.size,
        content_type="multipart/form-data; boundary=x",
    )

    assert response.status_code == 413
    assert page_errors(response) == {"file": "The selected file must be smaller than 25MB"}
    assert body.read_bytes == 0
    assert row_counts() == NOTHING_SAVED
