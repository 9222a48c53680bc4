"""The test corpus: good files of every allowed type and the bad ones a provider (or an attacker)
might send, built here from a few lines each so that nothing opaque is checked in.

Small files are built in memory; the big ones (a zip bomb, a file just over the size limit) are
written once per test session to a temporary directory.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from PIL import Image

from tests.support.clamd import eicar

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="{main}"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{part}"/></Relationships>'
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _zip(entries: list[tuple[str, bytes | str]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            compress = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compress)
    return buffer.getvalue()


def docx(*, main: str = DOCX_MAIN, extra: list[tuple[str, bytes | str]] = ()) -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", _CONTENT_TYPES.format(part="word/document.xml", main=main)),
            ("_rels/.rels", _RELS.format(part="word/document.xml")),
            (
                "word/document.xml",
                '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Safeguarding policy</w:t>'
                "</w:r></w:p></w:body></w:document>",
            ),
            *extra,
        ]
    )


def xlsx() -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", _CONTENT_TYPES.format(part="xl/workbook.xml", main=XLSX_MAIN)),
            ("_rels/.rels", _RELS.format(part="xl/workbook.xml")),
            ("xl/workbook.xml", "<workbook/>"),
        ]
    )


def odt(*, extra: list[tuple[str, bytes | str]] = ()) -> bytes:
    return _zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", "<manifest/>"),
            (
                "content.xml",
                '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
                'office:1.0"/>',
            ),
            *extra,
        ],
        stored_first=True,
    )


def pdf(body: bytes = b"BT /F1 12 Tf 72 720 Td (Insurance certificate) Tj ET") -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
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


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\xff\x00" * 2)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg(**save) -> bytes:
    """A small photo, as a camera or phone would save it (Pillow's encoder); `save` adds what
    the camera would add (exif=...)."""
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, "JPEG", **save)
    return out.getvalue()


GOOD = {
    "policy.pdf": pdf,
    "policy.docx": docx,
    "accounts.xlsx": xlsx,
    "policy.odt": odt,
    "certificate.jpg": jpeg,
    "certificate.jpeg": jpeg,
    "certificate.png": png,
}


def executable() -> bytes:
    """The start of this machine's `true` program: a real ELF executable."""
    return Path("/bin/true").read_bytes()


def html_with_script() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(document.cookie)</script></svg>"
    )


def pdf_with_javascript() -> bytes:
    """A PDF that runs a script when opened."""
    return pdf().replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
    )


def pdf_with_escaped_javascript() -> bytes:
    """The same, with the names spelt in #xx escapes, as malicious PDFs do to slip past filters."""
    return pdf().replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /JS (app.alert(1)) >> >>",
    )


def pdf_html_polyglot() -> bytes:
    """A PDF that a browser would also run as a web page."""
    return pdf(b"<html><script>alert(document.cookie)</script></html>")


def pdf_zip_polyglot() -> bytes:
    """A PDF with a zip (holding an executable) behind it, whose comment ends in %%EOF so that
    it still looks like a complete PDF from its end."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("run.exe", executable()[:4096])
        archive.comment = b"\n%%EOF\n"
    return pdf() + buffer.getvalue()


def docx_with_macro() -> bytes:
    return docx(extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 512)])


def docm_renamed_docx() -> bytes:
    """A macro-enabled Word document (.docm) saved under a .docx name."""
    return docx(main=DOCM_MAIN)


def odt_with_macro() -> bytes:
    return odt(
        extra=[
            (
                "Basic/Standard/Module1.xml",
                '<script:module xmlns:script="http://openoffice.org/2000/script" '
                'script:name="Module1">Sub Main\nEnd Sub</script:module>',
            )
        ]
    )


def docx_with_eicar() -> bytes:
    """A working DOCX carrying the EICAR test file, as an embedded object would."""
    return docx(extra=[("word/embeddings/oleObject1.bin", eicar())])


def truncated_pdf() -> bytes:
    whole = pdf()
    return whole[: len(whole) // 2]


def zip_bomb(path: Path) -> Path:
    """A DOCX that unpacks to 400MB of zeros from a few hundred kilobytes."""
    if not path.exists():
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "[Content_Types].xml",
                _CONTENT_TYPES.format(part="word/document.xml", main=DOCX_MAIN),
            )
            archive.writestr("_rels/.rels", _RELS.format(part="word/document.xml"))
            archive.writestr("word/document.xml", "<w:document/>")
            with archive.open("word/media/image1.png", "w", force_zip64=True) as entry:
                zeros = b"\x00" * (4 * 1024 * 1024)
                for _ in range(100):
                    entry.write(zeros)
    return path


def many_entries() -> bytes:
    return docx(extra=[(f"word/media/{n}.xml", "") for n in range(5001)])


def over_limit(path: Path, limit_mb: int) -> Path:
    """A PDF one byte over the limit: padding in a comment before the end."""
    if not path.exists():
        head = pdf()
        padding = limit_mb * 1024 * 1024 + 1 - len(head)
        with path.open("wb") as out:
            out.write(head[:-6])
            out.write(b"%" + b"0" * (padding - 2) + b"\n")
            out.write(head[-6:])
    return path
