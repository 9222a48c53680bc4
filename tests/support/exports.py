"""Reading a downloaded export back as a spreadsheet program would: the CSV through the csv
module (it must start with a byte order mark, or Excel reads it in the wrong encoding), the XLSX
through openpyxl (no cell may be a formula)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = response.get_data()
    assert body.startswith("\ufeff".encode()), "no byte order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list]:
    """The one sheet's rows, each cell's value as openpyxl reads it (a date as a datetime)."""
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"].startswith("attachment;")
    (sheet,) = load_workbook(io.BytesIO(response.get_data())).worksheets
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    return [[cell.value for cell in row] for row in sheet.iter_rows()]
