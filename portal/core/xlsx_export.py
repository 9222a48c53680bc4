"""Spreadsheets (XLSX) people download: the same rows as a CSV export, as a workbook.

Every piece of text is written as a text cell, never as a formula, whatever it starts with
("=HYPERLINK(...)" typed by a provider stays words on the screen); numbers stay numbers, so
they can be summed, and dates stay dates, so they can be sorted and filtered. The headings are
bold and kept in view, and each column is as wide as its first 200 rows need.

The workbook is written here, as the six parts a one-sheet workbook needs (Office Open XML,
ECMA-376 part 1: SpreadsheetML), rather than through openpyxl: openpyxl's fixed cost per
workbook (a theme, styles and document properties built as objects and serialised) was 4.3 ms
of CPU for a sheet of one row, most of what an export of a few dozen rows cost. Text is written
as inline strings (a cell holds its own text, so no shared-strings table is built first), which
spreadsheet programs read as they read any text cell. The tests read every workbook back with
openpyxl, as a spreadsheet program would (tests/core/test_xlsx_export.py).
"""

from __future__ import annotations

import io
import itertools
import math
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from portal.core.csv_export import Cell, local_moment

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters a sheet's name may not hold, and its length limit.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31
_WIDEST_COLUMN = 60
DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"
# Characters XML 1.0 cannot hold (control characters but tab and line breaks; surrogates; the
# two non-characters): dropped from text rather than refused.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Day 0 of a workbook's dates (the 1900 date system; exact from March 1900 on).
_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 - a spreadsheet's dates have no zone
_ROWS_PER_WRITE = 500

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    _HEAD + f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# The cell formats a cell's `s` names: 0 plain, 1 bold (the headings), 2 a date, 3 a moment.
_PLAIN, _BOLD, _DATE, _MOMENT = "", ' s="1"', ' s="2"', ' s="3"'
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{MOMENT_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
# The headings' row stays in view as the rest scrolls.
_SHEET_START = (
    _HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    "</sheetView></sheetViews>"
    '<sheetFormatPr defaultRowHeight="15"/>'
)


def _column_letter(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text(value: str, style: str) -> str:
    text = escape(_NOT_IN_XML.sub("", value))
    # Spaces at either end, and line breaks, are the cell's own: XML would let them go.
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f't="inlineStr"{style}><is><t{space}>{text}</t></is></c>'


def _cell(value: Cell, heading: bool) -> str | None:
    """The rest of a cell's element after its reference; None for an empty cell (nothing, or
    no text). Text is always a text cell: an inline string is never read as a formula or an
    error code."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _text(value, _BOLD if heading else _PLAIN)
    if isinstance(value, datetime):
        # A sheet has no time zones: the London time people read, as the pages show it.
        days = (local_moment(value) - _EPOCH).total_seconds() / 86400
        return f"{_MOMENT}><v>{days!r}</v></c>"
    if isinstance(value, date):
        return f"{_DATE}><v>{(value - _EPOCH.date()).days}</v></c>"
    style = _BOLD if heading else _PLAIN
    if isinstance(value, bool):
        return f't="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return f"{style}><v>{value!r}</v></c>"
    return _text(str(value), style)


def _shown(value: Cell) -> str:
    if isinstance(value, datetime):
        return MOMENT_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    return str(value)


def _columns(first: list[list[Cell]]) -> str:
    """Each column as wide as the first rows need (the headings' width at least)."""
    if not first:
        return ""
    widths = [len(str(heading)) for heading in first[0]]
    for row in first:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], len(_shown(value)))
    return (
        "<cols>"
        + "".join(
            f'<col min="{number}" max="{number}" width="{min(width + 2, _WIDEST_COLUMN)}" '
            'customWidth="1"/>'
            for number, width in enumerate(widths, start=1)
        )
        + "</cols>"
    )


def _sheet_rows(rows: Iterable[list[Cell]]) -> Iterator[str]:
    letters: list[str] = []
    for number, row in enumerate(rows, start=1):
        while len(letters) < len(row):
            letters.append(_column_letter(len(letters) + 1))
        cells = "".join(
            f'<c r="{letters[index]}{number}" {written}'
            for index, value in enumerate(row)
            if (written := _cell(value, heading=number == 1)) is not None
        )
        yield f'<row r="{number}">{cells}</row>'


def _write(out: IO[bytes], rows: Iterable[list[Cell]], sheet_name: str) -> None:
    """The workbook of `rows` into `out`. Only the first 200 rows are held (for the columns'
    widths); the rest go into the file as they come."""
    name = _SHEET_NAME_FORBIDDEN.sub(" ", sheet_name)[:_SHEET_NAME_MAX].strip() or "Sheet1"
    rows = iter(rows)
    first = list(itertools.islice(rows, 200))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as workbook:
        workbook.writestr("[Content_Types].xml", _CONTENT_TYPES)
        workbook.writestr("_rels/.rels", _PACKAGE_RELS)
        workbook.writestr(
            "xl/workbook.xml",
            _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>'
            f'<sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        workbook.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        workbook.writestr("xl/styles.xml", _STYLES)
        # Without ZIP64 (which some spreadsheet programs read badly): a sheet up to 2 GB.
        with workbook.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write((_SHEET_START + _columns(first) + "<sheetData>").encode())
            written = _sheet_rows(itertools.chain(first, rows))
            while part := list(itertools.islice(written, _ROWS_PER_WRITE)):
                sheet.write("".join(part).encode())
            sheet.write(b"</sheetData></worksheet>")


def xlsx_bytes(rows: list[list[Cell]], sheet_name: str) -> bytes:
    """`rows` as a one-sheet workbook. Text is always text; ints and floats are numbers; dates
    and moments are dates; None is an empty cell."""
    out = io.BytesIO()
    _write(out, rows, sheet_name)
    return out.getvalue()


def xlsx_chunks(
    rows: Iterable[list[Cell]], sheet_name: str, chunk_bytes: int = 64 * 1024
) -> Iterator[bytes]:
    """The same workbook as `xlsx_bytes`, for exports of any size: the rows are written to a
    temporary file as they come and the finished file is given out in chunks, so memory stays
    flat however many rows there are. (A workbook is a zip whose index comes last, so nothing
    can be sent before the last row is written.)"""
    with tempfile.TemporaryFile() as out:
        _write(out, rows, sheet_name)
        out.seek(0)
        while chunk := out.read(chunk_bytes):
            yield chunk
