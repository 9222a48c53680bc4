"""What a zip-based document (DOCX, XLSX, ODT) can hide, found by opening it as a zip and reading
every part of it.

Refused: zip bombs (too many parts, too much to unpack), encryption, macros and controls, fields
and formulas that run other programs or fetch files (DDE, DDEAUTO, INCLUDETEXT and the like),
relationships to anything outside the file other than web links (an external template, say),
data connections, DOCTYPE or entity declarations in any XML part (XXE, entity expansion), parts
named outside the document (../, absolute paths, drive letters), symbolic links, parts named
twice, and archives inside the document. The virus scanner stops looking at some depth of
archives within archives and then reports the file clean, so nesting is limited here: a document
may hold other Office documents (a chart's workbook in a DOCX), each checked in the same way,
which may themselves hold no archive. Anything a zip or XML parser raises on a damaged file is
answered as damaged. XML is parsed only with defusedxml.
"""

from __future__ import annotations

import io
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from portal.documents import file_types

# A real DOCX or XLSX has tens or hundreds of entries and unpacks to a few times its size; a
# 25MB spreadsheet of plain XML can unpack to 250MB, a zip bomb to terabytes.
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNPACKED_BYTES = 300 * 1024 * 1024
# Every XML part is parsed, in Python, at about 6MB a second: more than this would keep the
# upload past the web server's timeout. Documents for the council are far smaller.
MAX_XML_BYTES = 64 * 1024 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
# How many levels of Office documents inside the one uploaded may be opened.
MAX_NESTING = 1
CHUNK_BYTES = 1024 * 1024
# Enough of a part's start to know an archive, and of its end to find a zip's directory.
HEAD_BYTES = 512
TAIL_BYTES = 65536 + 22
# Nested archives are kept in memory up to this size, on disk beyond it.
SPOOL_BYTES = 8 * 1024 * 1024

# How other archive formats begin.
ARCHIVE_STARTS = (
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\xfd7zXZ\x00",
    b"MSCF",  # cabinet
    b"\x28\xb5\x2f\xfd",  # zstandard
    b"ITSF",  # compiled HTML help
)
ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")

# Field codes that run another program or pull in another file when the fields update.
EXTERNAL_FIELDS = frozenset(
    {"DDE", "DDEAUTO", "INCLUDETEXT", "INCLUDEPICTURE", "IMPORT", "LINK", "INCLUDE"}
)
# Elements that run code (ActiveX controls, ODF event scripts) or link to data outside the file
# (spreadsheet data connections), by local name, lower case. Every element whose name starts
# "dde" (Excel's ddeLink, OpenDocument's dde-source, dde-connection-decl...) is refused too.
ACTIVE_ELEMENTS = frozenset(
    {"control", "event-listener", "script", "dbpr", "webpr", "olappr", "oleobjectlink"}
)
# A spreadsheet formula that talks to another program: cmd|' /c calc'!A1, DDE(...), CALL(...).
EXTERNAL_FORMULA = re.compile(r"\||\b(?:DDE|CALL|REGISTER|REGISTER\.ID|EXEC|WEBSERVICE)\s*\(", re.I)
FORMULA_STRING = re.compile(r'"(?:[^"]|"")*"')
# An xlink:href that leaves the file: a scheme (http:, file:), an absolute or parent path.
EXTERNAL_HREF = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|[/\\]|\.\.)", re.I)
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
TABLE_FORMULA = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}formula"
XML_NAMES = (".xml", ".rels", ".vml")
DRIVE = re.compile(r"^[a-z]:", re.I)

DAMAGED = "The selected file is not a working {}: it is damaged"
MACROS = "The selected file contains macros: save it as a {} without macros and try again"
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
TOO_MUCH_TO_CHECK = (
    f"The selected file holds more than {MAX_XML_BYTES // 2**20}MB of text and data, which is "
    "too much to check: split it into smaller files or save it as a PDF"
)


@dataclass
class _Package:
    names: dict[str, zipfile.ZipInfo]  # by lower-case name
    content_types: bytes | None
    odf_type: bytes | None
    has_macros: bool


def check_office_file(stream: IO[bytes], file_type: file_types.FileType) -> None:
    """Raise UploadRefused unless `stream` is a working `file_type` with nothing active,
    external or nested too deep in it."""
    damaged = file_types.UploadRefused(DAMAGED.format(file_type.name))
    try:
        package = _inspect(stream, file_type, depth=0, xml_budget=[MAX_XML_BYTES])
    except file_types.UploadRefused:
        raise
    except DefusedXmlException:
        raise file_types.UploadRefused(UNSAFE) from None
    except Exception:
        # A hostile zip or XML part can make the parsers raise anything (bad name encodings,
        # corrupt compressed data, bad CRCs, XML errors): what cannot be read is not kept.
        raise damaged from None
    finally:
        stream.seek(0)
    if package.has_macros:
        raise file_types.UploadRefused(MACROS.format(file_type.name))
    if file_type is file_types.ODT:
        if (package.odf_type or b"").strip() != file_types.ODT_TYPE.encode():
            raise damaged
    elif file_type.zip_marker not in package.names or package.content_types is None:
        raise damaged


def _inspect(
    stream: IO[bytes], file_type: file_types.FileType, depth: int, xml_budget: list[int]
) -> _Package:
    with zipfile.ZipFile(stream) as archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise file_types.UploadRefused(
                f"The selected file holds more than {MAX_ZIP_ENTRIES} parts: save it again "
                "or split it into smaller files"
            )
        # Sizes as the zip declares them: zipfile never unpacks more than an entry declares,
        # so they bound what any reader of ours could be made to unpack.
        if sum(entry.file_size for entry in entries) > MAX_ZIP_UNPACKED_BYTES:
            raise file_types.UploadRefused(
                f"The selected file unpacks to more than {MAX_ZIP_UNPACKED_BYTES // 2**20}MB:"
                " choose a smaller file"
            )
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise file_types.UploadRefused(
                "The selected file is password protected: save a copy without a password"
            )
        _check_names(entries)
        names = {entry.filename.lower(): entry for entry in entries}
        content_types = _small_entry(archive, names.get("[content_types].xml"))
        xml_parts = _xml_parts(content_types, names) if content_types else set()
        for entry in entries:
            if entry.is_dir():
                continue
            is_xml = entry.filename.lower() in xml_parts or entry.filename.lower().endswith(
                XML_NAMES
            )
            if is_xml:
                xml_budget[0] -= entry.file_size
                if xml_budget[0] < 0:
                    raise file_types.UploadRefused(TOO_MUCH_TO_CHECK)
            if _read_entry(archive, entry, is_xml):
                _check_nested(archive, entry, file_type, depth, xml_budget)
        return _Package(
            names=names,
            content_types=content_types,
            odf_type=_small_entry(archive, names.get("mimetype")),
            has_macros=_has_macros(names, content_types),
        )


def _check_names(entries: list[zipfile.ZipInfo]) -> None:
    """Parts must stay inside the document, be files, and be named once: a part named twice is
    read differently by different programs (the scanner may see one, Word the other)."""
    seen = set()
    for entry in entries:
        name = entry.filename.replace("\\", "/")
        if name.startswith("/") or DRIVE.match(name) or ".." in name.split("/"):
            raise file_types.UploadRefused(UNSAFE)
        if entry.create_system == 3 and stat.S_ISLNK(entry.external_attr >> 16):
            raise file_types.UploadRefused(UNSAFE)
        if name.lower() in seen:
            raise file_types.UploadRefused(UNSAFE)
        seen.add(name.lower())


def _small_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo | None) -> bytes | None:
    if entry is None or entry.file_size > MAX_CONTENT_TYPES_BYTES:
        return None
    return archive.read(entry)


def _xml_parts(content_types: bytes, names: dict[str, zipfile.ZipInfo]) -> set[str]:
    """The parts [Content_Types].xml says are XML, whatever they are named: Office reads them as
    XML, so they are checked as XML."""
    collector = _ContentTypes()
    parser = DefusedXMLParser(target=collector, forbid_dtd=True)
    parser.feed(content_types)
    parser.close()
    return {
        name
        for name in names
        if name in collector.xml_parts or name.rpartition(".")[2] in collector.xml_extensions
    }


class _ContentTypes:
    def __init__(self) -> None:
        self.xml_extensions: set[str] = set()
        self.xml_parts: set[str] = set()

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        content_type = attrib.get("ContentType", "").lower()
        if not content_type.endswith("xml"):
            return
        if tag.endswith("}Default"):
            self.xml_extensions.add(attrib.get("Extension", "").lower())
        elif tag.endswith("}Override"):
            self.xml_parts.add(attrib.get("PartName", "").lstrip("/").lower())

    def close(self) -> None:
        return None


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, is_xml: bool) -> bool:
    """Read the whole part (zipfile checks its compressed data and CRC on the way), parsing it if
    it is XML. True if it is a zip, to be opened in turn; refused if it is another archive or
    has a zip behind it."""
    reader = _PartReader() if is_xml else None
    parser = DefusedXMLParser(target=reader, forbid_dtd=True) if reader else None
    head = tail = b""
    with archive.open(entry) as data:
        while chunk := data.read(CHUNK_BYTES):
            if not head:
                head = chunk[:HEAD_BYTES]
            tail = (tail + chunk)[-TAIL_BYTES:]
            if parser:
                parser.feed(chunk)
    if parser:
        parser.close()
    if head.startswith(ZIP_STARTS):
        return True
    if head.startswith(ARCHIVE_STARTS) or BZIP2.match(head) or head[257:262] == b"ustar":
        raise file_types.UploadRefused(NESTED)
    # A part with a zip behind it (an image with an archive appended): a scanner may or may not
    # look inside it.
    if len(tail) >= 22 and zipfile.is_zipfile(io.BytesIO(tail)):
        raise file_types.UploadRefused(NESTED)
    return False


def _check_nested(
    archive: zipfile.ZipFile,
    entry: zipfile.ZipInfo,
    file_type: file_types.FileType,
    depth: int,
    xml_budget: list[int],
) -> None:
    if depth >= MAX_NESTING:
        raise file_types.UploadRefused(NESTED)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as copy:
        with archive.open(entry) as data:
            while chunk := data.read(CHUNK_BYTES):
                copy.write(chunk)
        copy.seek(0)
        inner = _inspect(copy, file_type, depth + 1, xml_budget)
    is_office = inner.content_types is not None or (inner.odf_type or b"").startswith(
        b"application/vnd.oasis.opendocument"
    )
    if not is_office:
        raise file_types.UploadRefused(NESTED)
    if inner.has_macros:
        raise file_types.UploadRefused(MACROS.format(file_type.name))


def _has_macros(names: dict[str, zipfile.ZipInfo], content_types: bytes | None) -> bool:
    """VBA projects in Office files (word/vbaProject.bin), Excel 4 macro sheets, Basic or
    script libraries in OpenDocument ones, or a content type that declares macros (a .docm
    renamed .docx)."""
    for name in names:
        if name.endswith(("vbaproject.bin", "vbadata.xml")):
            return True
        if name.startswith(("basic/", "scripts/", "xl/macrosheets/")):
            return True
    lowered = (content_types or b"").lower()
    return any(word in lowered for word in (b"macroenabled", b"vbaproject", b"macrosheet"))


class _PartReader:
    """The XML parser's target for one part: refuses what links outside the file or runs code.

    Word keeps a field's code in w:instrText runs between w:fldChar begin and separate (or end),
    split across as many runs as it likes, and fields nest; a field whose name comes from a
    nested field (a common disguise for DDE) is refused too."""

    def __init__(self) -> None:
        self.fields: list[list[str]] = []  # the codes of the fields open here, outermost first
        self.text: list[str] | None = None  # text of the w:instrText or formula being read

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        lowered = local.lower()
        if lowered.startswith("dde") or lowered in ACTIVE_ELEMENTS:
            raise file_types.UploadRefused(LINKS)
        if local == "Relationship":
            external = attrib.get("TargetMode", "").lower() == "external"
            if external and not attrib.get("Type", "").endswith("/hyperlink"):
                raise file_types.UploadRefused(LINKS)
        for name, value in attrib.items():
            attribute = name.rpartition("}")[2]
            if attribute == "instr":  # w:fldSimple
                _check_field_code(value)
            elif name == TABLE_FORMULA and not value.startswith("ooow:"):
                # A spreadsheet cell's formula; a Writer table's (ooow:) has its own syntax.
                _check_formula(value)
            elif name == XLINK_HREF and local != "a" and EXTERNAL_HREF.match(value):
                raise file_types.UploadRefused(LINKS)
        if local == "fldChar":
            self._field_char(next((v for k, v in attrib.items() if k.endswith("fldCharType")), ""))
        elif local == "instrText" or _is_formula(tag):
            self.text = []

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def end(self, tag: str) -> None:
        if self.text is None or not (tag.endswith("}instrText") or _is_formula(tag)):
            return
        text, self.text = "".join(self.text), None
        if _is_formula(tag):
            _check_formula(text)
        elif self.fields:
            self.fields[-1].append(text)
        else:
            _check_field_code(text)

    def _field_char(self, kind: str) -> None:
        if kind == "begin":
            if self.fields and not "".join(self.fields[-1]).strip():
                raise file_types.UploadRefused(LINKS)
            self.fields.append([])
        elif kind in ("separate", "end") and self.fields:
            _check_field_code("".join(self.fields[-1]))
            if kind == "end":
                self.fields.pop()

    def close(self) -> None:
        return None


def _is_formula(tag: str) -> bool:
    """A spreadsheet cell's formula (not a fraction in a Word equation, also called f)."""
    return tag.endswith("}f") and "spreadsheetml" in tag


def _check_field_code(code: str) -> None:
    words = code.split()
    if words and words[0].lstrip("\\").upper() in EXTERNAL_FIELDS:
        raise file_types.UploadRefused(LINKS)


def _check_formula(formula: str) -> None:
    if EXTERNAL_FORMULA.search(FORMULA_STRING.sub("", formula)):
        raise file_types.UploadRefused(LINKS)
