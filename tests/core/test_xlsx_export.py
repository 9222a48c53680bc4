"""The workbooks the exports write (portal/core/xlsx_export.py), read back with openpyxl as a
spreadsheet program would: every kind of cell, the headings' look, the columns' widths, the
sheet's name, and a streamed workbook of any length. The exports' own tests read them through
HTTP (tests/audit/test_exports.py and the others that use tests/support/exports.py)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from portal.core.xlsx_export import DATE_FORMAT, MOMENT_FORMAT, xlsx_bytes, xlsx_chunks


def _sheet(body: bytes):
    (sheet,) = load_workbook(io.BytesIO(body)).worksheets
    return sheet


def _cells(sheet) -> list[list[tuple]]:
    """Each cell as (value, openpyxl's data type, number format, bold)."""
    return [
        [(cell.value, cell.data_type, cell.number_format, bool(cell.font.b)) for cell in row]
        for row in sheet.iter_rows()
    ]


ROWS = [
    ["When", "Who", "Amount", "Day", "Note", 7],
    [
        datetime(2026, 7, 1, 9, 30, 15, tzinfo=UTC),  # 10:30:15 in London (summer time)
        '=HYPERLINK("http://example.org")',
        12.5,
        date(2026, 3, 27),
        "#N/A",
        None,
    ],
    [datetime(2026, 1, 1, tzinfo=UTC), "  spaced  ", 3, date(2027, 1, 1), "a\x01b<&>\"'", ""],
    ["line\nbreak", "Zoë O’Brien", -0.1, None, "+1", 10**15],
]


def test_each_kind_of_cell_reads_back_as_it_was_given():
    cells = _cells(_sheet(xlsx_bytes(ROWS, "Audit log")))
    plain, bold = "General", True
    assert cells[0] == [
        ("When", "s", plain, bold),
        ("Who", "s", plain, bold),
        ("Amount", "s", plain, bold),
        ("Day", "s", plain, bold),
        ("Note", "s", plain, bold),
        (7, "n", plain, bold),
    ]
    assert cells[1] == [
        (datetime(2026, 7, 1, 10, 30, 15), "d", MOMENT_FORMAT, False),  # noqa: DTZ001 - London
        ('=HYPERLINK("http://example.org")', "s", plain, False),  # words, never a formula
        (12.5, "n", plain, False),
        (datetime(2026, 3, 27), "d", DATE_FORMAT, False),  # noqa: DTZ001 - a day
        ("#N/A", "s", plain, False),  # words, not an error
        (None, "n", plain, False),
    ]
    assert cells[2] == [
        (datetime(2026, 1, 1), "d", MOMENT_FORMAT, False),  # noqa: DTZ001 - London in winter
        ("  spaced  ", "s", plain, False),  # its spaces kept
        (3, "n", plain, False),
        (datetime(2027, 1, 1), "d", DATE_FORMAT, False),  # noqa: DTZ001 - a day
        ("ab<&>\"'", "s", plain, False),  # a control character dropped, markup kept as text
        (None, "n", plain, False),  # no text: an empty cell
    ]
    assert cells[3] == [
        ("line\nbreak", "s", plain, False),
        ("Zoë O’Brien", "s", plain, False),
        (-0.1, "n", plain, False),
        (None, "n", plain, False),
        ("+1", "s", plain, False),
        (10**15, "n", plain, False),
    ]


def test_the_headings_stay_in_view_and_each_column_is_as_wide_as_its_text():
    sheet = _sheet(xlsx_bytes([["Name", "Joined"], ["A" * 30, date(2026, 1, 1)], ["B", None]], "x"))
    assert sheet.freeze_panes == "A2"
    # The longest text plus 2; a date as wide as its format.
    assert sheet.column_dimensions["A"].width == 32
    assert sheet.column_dimensions["B"].width == len(DATE_FORMAT) + 2
    wide = _sheet(xlsx_bytes([["Text"], ["w" * 500]], "x"))
    assert wide.column_dimensions["A"].width == 60  # at most


@pytest.mark.parametrize(
    ("given", "title"),
    [
        ("Audit log", "Audit log"),
        ("Spend [2026/27]: a*b?c\\d", "Spend  2026 27   a b c d"),
        ("A" * 40, "A" * 31),
        ("[]", "Sheet1"),
        ('Quotes "and" <markup> & more', 'Quotes "and" <markup> & more'),
    ],
)
def test_the_sheet_is_named_as_a_spreadsheet_allows(given, title):
    assert _sheet(xlsx_bytes([["a"]], given)).title == title


def test_a_streamed_workbook_of_any_length_is_the_same_workbook():
    rows = [["Number", "Words", "When"]] + [
        [number, f"row {number}", datetime(2026, 5, 1, number % 24, tzinfo=UTC)]
        for number in range(3000)
    ]
    streamed = b"".join(xlsx_chunks(iter(rows), "Big", chunk_bytes=4096))
    assert _cells(_sheet(streamed)) == _cells(_sheet(xlsx_bytes(rows, "Big")))
    cells = _cells(_sheet(streamed))
    assert len(cells) == 3001
    assert cells[-1][:2] == [(2999, "n", "General", False), ("row 2999", "s", "General", False)]
    # A zip a spreadsheet program opens: its parts, nothing written past its end.
    with zipfile.ZipFile(io.BytesIO(streamed)) as workbook:
        assert workbook.testzip() is None
        assert "xl/worksheets/sheet1.xml" in workbook.namelist()


def test_a_workbook_with_no_rows_opens_empty():
    assert _cells(_sheet(xlsx_bytes([], "Nothing"))) == []
