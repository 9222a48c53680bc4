"""The file types the portal accepts, and the refusal every check raises: shared by the upload
check (`uploads`) and the checks of what each type can hide (office_content, pdf_content,
image_content), which `uploads` calls."""

from __future__ import annotations

from dataclasses import dataclass

from portal.core.errors import ServiceError

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


class UploadRefused(ServiceError):
    """The file cannot be accepted; `message` says why, in words for the person who sent it."""
