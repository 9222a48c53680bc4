"""Small, real PDFs built from their objects: the demo's documents are uploaded through the same
checks as a provider's (parsed with pypdf, typed by libmagic), so they must be PDFs in earnest.
The tests build their PDFs, harmless and hostile, with the same function."""

from __future__ import annotations

import io


def pdf_of(objects: list[bytes], version: bytes = b"1.7") -> bytes:
    """A PDF of `objects` (1 the catalog, 2 the pages, 3 the page, ...), uncompressed, with its
    cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-" + version + b"\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, content))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def one_page_pdf(body: bytes, version: bytes = b"1.4") -> bytes:
    """A one-page PDF whose page draws `body` (a content stream)."""
    return pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body),
        ],
        version,
    )


def text_pdf(text: str) -> bytes:
    """A one-page PDF saying `text`."""
    return one_page_pdf(b"BT /F1 12 Tf 72 720 Td (" + text.encode("ascii", "replace") + b") Tj ET")
