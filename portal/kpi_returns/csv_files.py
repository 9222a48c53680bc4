"""A month's return as a CSV file: the template to fill in, and reading one back.

A file is read whole or not at all: any bad line and nothing is stored, and every problem is
listed by line and KPI. Spreadsheets' habits are forgiven (a byte-order mark, `;` between
cells, blank lines, extra columns); anything that is not a plain value is refused (a formula is
not a number).
"""

from __future__ import annotations

import csv
import io
from datetime import date

from werkzeug.datastructures import FileStorage

from portal.accounts.models import User
from portal.core.csv_export import Cell, csv_text
from portal.core.errors import FileRefused
from portal.documents import uploads
from portal.kpi_returns import months, services
from portal.kpi_returns.models import UNIT_LABELS
from portal.kpi_returns.values import value_text
from portal.organisations.models import Organisation

MAX_LINES = 500
MONTH, CODE, NAME, UNIT, VALUE, COMMENT = (
    "Month",
    "KPI code",
    "KPI",
    "Unit",
    "Value",
    "Comment",
)
HEADINGS = [MONTH, CODE, NAME, UNIT, VALUE, COMMENT]
REQUIRED_HEADINGS = [MONTH, CODE, VALUE]


class ImportRefused(FileRefused):
    """The file cannot be used: `problems` lists (line number or None, message)."""


def template_csv(page: services.ReturnPage) -> str:
    """The month's return as a CSV to fill in: one line per KPI, with any values saved."""
    values = page.values
    rows: list[list[Cell]] = [list(HEADINGS)]
    for definition in page.definitions:
        saved = values.get(definition.kpi_id)
        value = ""
        if saved is not None and saved.value is not None:
            value = value_text(saved.value, definition.unit)
        rows.append(
            [
                months.iso_month(page.month),
                definition.kpi.code,
                definition.name + ("" if definition.is_required else " (optional)"),
                UNIT_LABELS[definition.unit],
                value,
                saved.comment if saved else "",
            ]
        )
    return csv_text(rows)


def _lines(storage: FileStorage | None) -> list[tuple[int, dict[str, str]]]:
    """The file's lines as (line number, {heading: cell}), blank lines left out."""
    text = uploads.csv_text(storage, ImportRefused)
    first = next((line for line in text.splitlines() if line.strip()), "")
    # Excel in many European settings separates cells with semicolons.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ImportRefused(
            [(None, "The selected file is not a CSV file that can be read")]
        ) from None
    numbered = [
        (number, row) for number, row in enumerate(rows, start=1) if any(c.strip() for c in row)
    ]
    if not numbered:
        raise ImportRefused([(None, "The selected file is empty")])
    header_line, header = numbered[0]
    known = {heading.lower(): heading for heading in HEADINGS}
    columns = [known.get(cell.strip().lower()) for cell in header]
    missing = [heading for heading in REQUIRED_HEADINGS if heading not in columns]
    if missing:
        raise ImportRefused(
            [
                (
                    header_line,
                    "The first line must have the template's headings. Missing: "
                    + ", ".join(missing),
                )
            ]
        )
    body = numbered[1:]
    if not body:
        raise ImportRefused([(None, "The selected file has no KPIs in it")])
    if len(body) > MAX_LINES:
        raise ImportRefused([(None, f"The file must have {MAX_LINES} lines or fewer")])
    return [
        (number, {column: cell for column, cell in zip(columns, row, strict=False) if column})
        for number, row in body
    ]


def import_csv(
    actor: User, organisation: Organisation, storage: FileStorage | None, on: date
) -> date:
    """Save the return in the file as a draft of its month, to be checked and submitted. All of
    it or, when anything is wrong, none of it. Raises ImportRefused listing every problem,
    uploads.UploadRefused for a file that is not a CSV. Returns the month."""
    lines = _lines(storage)
    problems: list[tuple[int | None, str]] = []
    found_months: dict[date, int] = {}
    for number, cells in lines:
        month = months.parse_month(cells.get(MONTH))
        if month is None:
            problems.append((number, "Month must be a month like 2027-03"))
        else:
            found_months.setdefault(month, number)
    if problems:
        raise ImportRefused(problems)
    if len(found_months) > 1:
        raise ImportRefused(
            [
                (number, "Every line must be for the same month")
                for number in list(found_months.values())[1:]
            ]
        )
    (month,) = found_months
    try:
        page = services.return_page(organisation, month, on)
    except services.ReturnError as error:
        raise ImportRefused([(None, error.message)]) from None
    if page.submitted:
        raise ImportRefused(
            [
                (
                    None,
                    f"The return for {months.month_name(month)} has already been submitted. "
                    "To change it, amend it and say why",
                )
            ]
        )
    by_code = {definition.kpi.code: definition for definition in page.definitions}
    values: dict[int, str] = {}
    comments: dict[int, str] = {}
    seen: dict[str, int] = {}
    for number, cells in lines:
        code = (cells.get(CODE) or "").strip().lower()
        definition = by_code.get(code)
        if definition is None:
            shown = code or "(blank)"
            problems.append(
                (
                    number,
                    f"KPI code {shown} is not one of the KPIs in your return for "
                    f"{months.month_name(month)}",
                )
            )
            continue
        if code in seen:
            problems.append((number, f"{code} is on line {seen[code]} already"))
            continue
        seen[code] = number
        values[definition.kpi_id] = cells.get(VALUE) or ""
        comments[definition.kpi_id] = cells.get(COMMENT) or ""
    entries, value_problems = services.read_entries(
        page.definitions, values, comments, complete=True
    )
    line_of = {by_code[code].kpi_id: number for code, number in seen.items()}
    for kpi_id, message in value_problems.items():
        definition = next(d for d in page.definitions if d.kpi_id == kpi_id)
        line = line_of.get(kpi_id)
        if line is None:
            message = f"{definition.kpi.code} is missing: {message[0].lower()}{message[1:]}"
        else:
            message = f"{definition.kpi.code}: {message}"
        problems.append((line, message))
    if problems:
        raise ImportRefused(sorted(problems, key=lambda problem: problem[0] or 0))
    lock_version = page.kpi_return.lock_version if page.kpi_return else None
    services.save_return(
        actor, organisation, month, entries, submit=False, seen_lock_version=lock_version, on=on
    )
    return month
