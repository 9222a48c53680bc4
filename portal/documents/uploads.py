"""Checking an uploaded file before anything is stored.

Every check runs on the server, on the file Werkzeug has already spooled to a temporary file,
reading it in chunks: the file is never held in memory whole. In order: a file was chosen; it is
not empty and not over MAX_UPLOAD_MB; its name ends in an allowed extension; its content (read by
python-magic) is an allowed type and the one the name says; then what each type can hide:
a zip-based document (DOCX, XLSX, ODT) is opened as a zip and refused with too many entries,
too much to unpack (zip bombs), encryption or macros; a PDF must be complete and carry no
scripts, attachments or a second file behind it. The SHA-256 is recorded.

A refusal raises UploadRefused with the message the person sees under the file field. A request
too large to read at all is answered by the page it came from, with the size error on its file
field (`show_size_error_on_the_form`).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from typing import IO

import magic
from flask import Blueprint, current_app, g, render_template, request
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

# Every route that keeps a file keeps its name in this one tidy form.
from portal.integrations.object_store import clean_filename

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT_TYPE = "application/vnd.oasis.opendocument.text"
ZIP_TYPE = "application/zip"


@dataclass(frozen=True)
class FileType:
    name: str  # as the person knows it: "PDF"
    content_type: str  # stored, and sent with downloads
    extensions: tuple[str, ...]
    magic_types: tuple[str, ...]  # what libmagic may call it
    # The entry of a zip-based document that says what it is.
    zip_marker: str | None = None


PDF = FileType("PDF", "application/pdf", ("pdf",), ("application/pdf",))
DOCX = FileType("DOCX", DOCX_TYPE, ("docx",), (DOCX_TYPE, ZIP_TYPE), "word/document.xml")
XLSX = FileType("XLSX", XLSX_TYPE, ("xlsx",), (XLSX_TYPE, ZIP_TYPE), "xl/workbook.xml")
ODT = FileType("ODT", ODT_TYPE, ("odt",), (ODT_TYPE, ZIP_TYPE), "mimetype")
JPEG = FileType("JPG", "image/jpeg", ("jpg", "jpeg"), ("image/jpeg",))
PNG = FileType("PNG", "image/png", ("png",), ("image/png",))
CSV = FileType("CSV", "text/csv", ("csv",), ("text/plain", "text/csv", "application/csv"))

DOCUMENT_TYPES = (PDF, DOCX, XLSX, ODT, JPEG, PNG)
CSV_TYPES = (CSV,)

# Enough of the start of a file for libmagic to tell a DOCX from any other zip.
MAGIC_BYTES = 256 * 1024
CHUNK_BYTES = 1024 * 1024
# A real DOCX or XLSX has tens or hundreds of entries and unpacks to a few times its size; a
# 25MB spreadsheet of plain XML can unpack to 250MB, a zip bomb to terabytes.
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
# A PDF ends with %%EOF (after any incremental updates); allow trailing whitespace.
PDF_TAIL_BYTES = 1024
# PDF names that run code or carry other files: a PDF for the council needs none of them. A name
# may spell any character as #xx (/J#61vaScript), so each is matched either way. Short names are
# left out (/JS, /XFA): a few bytes turn up by chance in the compressed streams of ordinary
# PDFs, and every script action also says /JavaScript.
_ACTIVE_NAMES = ("JavaScript", "Launch", "EmbeddedFile", "RichMedia", "SubmitForm")


def _pdf_name(name: str) -> bytes:
    return b"/" + b"".join(
        b"(?:%s|#%02x|#%02X)" % (re.escape(char.encode()), ord(char), ord(char)) for char in name
    )


# Two patterns, not one alternation: each keeps re's fast scan for its first character, which
# makes the scan of a 25MB PDF about ten times quicker.
PDF_ACTIVE_CONTENT = (
    re.compile(b"|".join(_pdf_name(name) for name in _ACTIVE_NAMES)),
    re.compile(rb"(?i:<script)"),  # HTML that a browser would run, in a PDF/HTML polyglot
)
PDF_OVERLAP = 64


class UploadRefused(Exception):
    """The file cannot be accepted; `message` says why, in words for the person who sent it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class CheckedFile:
    stream: IO[bytes]  # at position 0
    filename: str  # tidied by clean_filename
    file_type: FileType
    size: int
    sha256: str


def check_upload(storage: FileStorage | None, allowed: tuple[FileType, ...]) -> CheckedFile:
    """Check an uploaded file against `allowed` types. Raises UploadRefused."""
    if storage is None or not storage.filename:
        raise UploadRefused("Select a file")
    stream = storage.stream
    size = stream.seek(0, 2)
    stream.seek(0)
    if size == 0:
        raise UploadRefused("The selected file is empty")
    limit_mb = current_app.config["MAX_UPLOAD_MB"]
    if size > limit_mb * 1024 * 1024:
        raise UploadRefused(f"The selected file must be smaller than {limit_mb}MB")

    filename = clean_filename(storage.filename)
    file_type = _type_of(stream, filename, allowed)
    if file_type.zip_marker:
        _check_zip(stream, file_type)
    elif file_type is PDF:
        _check_pdf(stream, size)
    stream.seek(0)
    sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
    stream.seek(0)
    return CheckedFile(stream, filename, file_type, size, sha256)


def describe(allowed: tuple[FileType, ...]) -> str:
    names = [file_type.name for file_type in allowed]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _wrong_type(allowed: tuple[FileType, ...]) -> UploadRefused:
    return UploadRefused(f"The selected file must be a {describe(allowed)}")


def _type_of(stream: IO[bytes], filename: str, allowed: tuple[FileType, ...]) -> FileType:
    """The allowed type the file's content and its name agree on."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    named = next((t for t in allowed if extension in t.extensions), None)
    detected = magic.from_buffer(stream.read(MAGIC_BYTES), mime=True)
    stream.seek(0)
    if named is None:
        raise _wrong_type(allowed)
    if detected in named.magic_types:
        return named
    actual = next((t for t in allowed if detected in t.magic_types and detected != ZIP_TYPE), None)
    if actual is None:
        raise _wrong_type(allowed)
    raise UploadRefused(
        f"The selected file is a {actual.name} but its name ends in .{extension}: rename it to "
        f"end in .{actual.extensions[0]} or choose another file"
    )


def _check_zip(stream: IO[bytes], file_type: FileType) -> None:
    damaged = UploadRefused(f"The selected file is not a working {file_type.name}: it is damaged")
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise UploadRefused(
                    f"The selected file holds more than {MAX_ZIP_ENTRIES} parts: save it again "
                    "or split it into smaller files"
                )
            # Sizes as the zip declares them: zipfile never unpacks more than an entry
            # declares, so they bound what any reader of ours could be made to unpack.
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > MAX_ZIP_UNPACKED_BYTES:
                raise UploadRefused(
                    f"The selected file unpacks to more than {MAX_ZIP_UNPACKED_BYTES // 2**20}MB:"
                    " choose a smaller file"
                )
            if any(entry.flag_bits & 0x1 for entry in entries):
                raise UploadRefused(
                    "The selected file is password protected: save a copy without a password"
                )
            names = {entry.filename.lower(): entry for entry in entries}
            content_types = _small_entry(archive, names.get("[content_types].xml"))
            odf_type = _small_entry(archive, names.get("mimetype"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError):
        raise damaged from None
    finally:
        stream.seek(0)
    if _has_macros(names, content_types):
        raise UploadRefused(
            f"The selected file contains macros: save it as a {file_type.name} without macros "
            "and try again"
        )
    if file_type is ODT:
        if (odf_type or b"").strip() != ODT_TYPE.encode():
            raise damaged
    elif file_type.zip_marker not in names or content_types is None:
        raise damaged


def _small_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo | None) -> bytes | None:
    if entry is None or entry.file_size > MAX_CONTENT_TYPES_BYTES:
        return None
    return archive.read(entry)


def _has_macros(names: dict[str, zipfile.ZipInfo], content_types: bytes | None) -> bool:
    """VBA projects in Office files (word/vbaProject.bin), Basic or script libraries in
    OpenDocument ones, or a content type that declares macros (a .docm renamed .docx)."""
    for name in names:
        if name.endswith(("vbaproject.bin", "vbadata.xml")):
            return True
        if name.startswith(("basic/", "scripts/")):
            return True
    lowered = (content_types or b"").lower()
    return b"macroenabled" in lowered or b"vbaproject" in lowered


def _check_pdf(stream: IO[bytes], size: int) -> None:
    stream.seek(max(0, size - PDF_TAIL_BYTES))
    tail = stream.read()
    end = tail.rfind(b"%%EOF")
    if end == -1 or tail[end + 5 :].strip(b" \t\r\n\x00"):
        raise UploadRefused(
            "The selected file is not a complete PDF: it may have been cut short. Save the PDF "
            "again and upload the new copy"
        )
    refused = UploadRefused(
        "The selected PDF contains scripts, attached files or other content that could be "
        "harmful: save it as a new PDF without them (for example, print it to PDF) and try again"
    )
    stream.seek(0)
    # A PDF that is also a zip (the two formats read from opposite ends of a file) is two files
    # in one: whatever opens it decides which it sees.
    if zipfile.is_zipfile(stream):
        raise refused
    stream.seek(0)
    carried = b""
    while chunk := stream.read(CHUNK_BYTES):
        window = carried + chunk
        if any(pattern.search(window) for pattern in PDF_ACTIVE_CONTENT):
            raise refused
        carried = window[-PDF_OVERLAP:]
    stream.seek(0)


# Requests too large to read ---------------------------------------------------------------------

# Set while a view is run again to show its form after a request too large to read.
_TOO_LARGE = "upload_too_large"


def read_upload() -> None:
    """Parse a POSTed upload, spooling its file to disk. A request over MAX_CONTENT_LENGTH is
    refused from its Content-Length alone, before a byte of the body is read (Werkzeug stops a
    body without one at the limit)."""
    if request.content_length and request.content_length > current_app.config["MAX_CONTENT_LENGTH"]:
        raise RequestEntityTooLarge()
    request.files  # noqa: B018 - parses the form now, inside the size limit


def too_large_message() -> str:
    return f"The selected file must be smaller than {current_app.config['MAX_UPLOAD_MB']}MB"


def upload_was_too_large() -> bool:
    """True while a view is showing its form again for a request too large to read: it must
    not touch the request's body, and should put too_large_message() on its file field."""
    return bool(g.get(_TOO_LARGE))


def show_size_error_on_the_form(blueprint: Blueprint) -> None:
    """Answer a request too large to read with the page it was sent from, the size error on its
    file field, rather than a bare error page. The view is run again (its permission check
    included) without reading the request: the CSRF check may be what found it too large,
    before the view ran."""

    @blueprint.errorhandler(RequestEntityTooLarge)
    def show_form_again(_error):
        if request.method != "POST" or request.endpoint not in current_app.view_functions:
            return render_template("errors/413.html"), 413
        g.setdefault(_TOO_LARGE, True)
        response = current_app.make_response(
            current_app.view_functions[request.endpoint](**request.view_args)
        )
        response.status_code = 413
        return response
