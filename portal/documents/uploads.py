"""Checking an uploaded file before anything is stored.

Every check runs on the server, on the file Werkzeug has already spooled to a temporary file,
reading it in chunks: the file is never held in memory whole. In order: a file was chosen; it is
not empty and not over MAX_UPLOAD_MB; its name ends in an allowed extension; its content (read by
python-magic) is an allowed type and the one the name says; then what each type can hide
(office_content, pdf_content, image_content): a zip-based document is read part by part, a PDF
parsed, an image re-encoded, and what is kept is what was checked. The SHA-256 is recorded.

A refusal raises UploadRefused with the message the person sees under the file field. A request
too large to read at all is answered by the page it came from, with the size error on its file
field (`show_size_error_on_the_form`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, TypeVar

import magic
from flask import Blueprint, current_app, g, render_template, request
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from portal.core.errors import FileRefused
from portal.documents import image_content, office_content, pdf_content
from portal.documents.file_types import (
    CSV,
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    XLSX,
    ZIP_TYPE,
    FileType,
    UploadRefused,
)

# Every route that keeps a file keeps its name in this one tidy form.
from portal.integrations.object_store import clean_filename

F = TypeVar("F", bound=Any)  # a form (flask-wtf ships no types)

DOCUMENT_TYPES = (PDF, DOCX, XLSX, ODT, JPEG, PNG)
CSV_TYPES = (CSV,)

# Enough of the start of a file for libmagic to tell a DOCX from any other zip.
MAGIC_BYTES = 256 * 1024


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
    # What each type can hide, checked by the modules beside this one.
    if file_type.zip_marker:
        office_content.check_office_file(stream, file_type)
    elif file_type is PDF:
        pdf_content.check_pdf(stream, size)
    elif file_type in (JPEG, PNG):
        size = image_content.reencode_image(stream, file_type)
    stream.seek(0)
    # Werkzeug's spooled file has the readinto file_digest needs; IO[bytes] does not say so.
    sha256 = hashlib.file_digest(stream, "sha256").hexdigest()  # type: ignore[arg-type]
    stream.seek(0)
    return CheckedFile(stream, filename, file_type, size, sha256)


# An imported CSV's limit: a thousand people on a register fit in a few hundred kilobytes, and
# the file is read whole.
CSV_MAX_BYTES = 1024 * 1024


def csv_text(storage: FileStorage | None, refused: type[FileRefused]) -> str:
    """An uploaded CSV file's text. UploadRefused for a file that is not a CSV or is too large;
    `refused`, the importing domain's FileRefused, for one not saved as UTF-8."""
    checked = check_upload(storage, CSV_TYPES)
    if checked.size > CSV_MAX_BYTES:
        raise UploadRefused("The selected file must be smaller than 1MB")
    try:
        return checked.stream.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refused(
            [(None, "The selected file must be saved as CSV UTF-8 (comma delimited)")]
        ) from None


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


def upload_form(make: Callable[..., F], message: str | None = None) -> F:
    """The form of a page that takes a file, from `make` (a form class, say): built from what
    was posted, or, for an upload too large to read, built empty with `message` (else
    too_large_message()) on its file field."""
    if upload_was_too_large():
        form = make(formdata=None)
        form.add_error("file", message or too_large_message())
        return form
    read_upload()
    return make()


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
