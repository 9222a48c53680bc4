"""Spreadsheets (XLSX) people download: the same rows as a CSV export, as a workbook.

Every piece of text is written as a text cell, never as a formula, whatever it starts with
("=HYPERLINK(...)" typed by a provider stays words on the screen); numbers stay numbers, so
they can be summed, and dates stay dates, so they can be sorted and filtered.
"""

from __future__ import annotations

import io
import itertools
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from portal.core.csv_export import Cell, local_moment

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters a sheet's name may not hold, and its length limit.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31
_WIDEST_COLUMN = 60
DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"


# Made once: a Font per heading cell cost more than the cell.
_BOLD = Font(bold=True)
# Text openpyxl would not store as plain text on its own: a formula, or an error code.
_NOT_PLAIN = ERROR_CODES


def _cell(sheet: WriteOnlyWorksheet, value: Cell, bold: bool) -> SheetCell | Cell:
    """`value` as the write-only sheet takes it: a plain value where openpyxl stores it as it
    is (most cells; a WriteOnlyCell each made one object per cell and an exception inside
    openpyxl's append), a styled cell for a moment, a date, a heading, and text openpyxl would
    otherwise read as a formula or an error code."""
    if isinstance(value, str):
        # Control characters are not allowed in the file: dropped rather than refused.
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not bold and not (len(text) > 1 and text[0] == "=") and text not in _NOT_PLAIN:
            return text
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # openpyxl would make a formula of text starting with "="
    elif isinstance(value, datetime):
        # A sheet has no time zones: the London time people read, as the pages show it.
        cell = WriteOnlyCell(sheet, value=local_moment(value))
        cell.number_format = MOMENT_FORMAT
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet)
        cell.value = value  # a date, which the stub of WriteOnlyCell's `value` leaves out
        cell.number_format = DATE_FORMAT
    elif not bold:
        return value  # a number or nothing: stored as given
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if bold:
        cell.font = _BOLD
    return cell


def _shown(value: Cell) -> str:
    if isinstance(value, datetime):
        return MOMENT_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    return str(value)


def _write_sheet(workbook: Workbook, rows: Iterable[list[Cell]], sheet_name: str) -> None:
    """`rows` as the workbook's one sheet, the first row (the headings) in bold and kept in
    view, each column as wide as the first 200 rows need. Only those 200 rows are held: the
    rest go straight to the write-only sheet (openpyxl keeps it in a temporary file)."""
    sheet = workbook.create_sheet(
        _SHEET_NAME_FORBIDDEN.sub(" ", sheet_name)[:_SHEET_NAME_MAX].strip() or "Sheet1"
    )
    sheet.freeze_panes = "A2"
    rows = iter(rows)
    first = list(itertools.islice(rows, 200))
    # The widest value of each column, row by row (a pass per column cost a tenth of a sheet).
    widths = [0] * len(first[0]) if first else []
    for row in first:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], len(_shown(value)))
    for index, heading in enumerate(first[0] if first else [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(widths[index - 1], len(str(heading))) + 2, _WIDEST_COLUMN
        )
    for number, row in enumerate(itertools.chain(first, rows)):
        sheet.append([_cell(sheet, value, bold=number == 0) for value in row])


def xlsx_bytes(rows: list[list[Cell]], sheet_name: str) -> bytes:
    """`rows` as a one-sheet workbook. Text is always text; ints and floats are numbers; dates
    and moments are dates; None is an empty cell."""
    workbook = Workbook(write_only=True)
    _write_sheet(workbook, rows, sheet_name)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_chunks(
    rows: Iterable[list[Cell]], sheet_name: str, chunk_bytes: int = 64 * 1024
) -> Iterator[bytes]:
    """The same workbook as `xlsx_bytes`, for exports of any size: the rows are written to a
    temporary file as they come and the finished file is given out in chunks, so memory stays
    flat however many rows there are. (A workbook is a zip whose index comes last, so nothing
    can be sent before the last row is written.)"""
    with tempfile.TemporaryFile() as out:
        workbook = Workbook(write_only=True)
        _write_sheet(workbook, rows, sheet_name)
        workbook.save(out)
        out.seek(0)
        while chunk := out.read(chunk_bytes):
            yield chunk
