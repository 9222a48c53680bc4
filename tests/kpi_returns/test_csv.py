"""A month's return by CSV: the template, and a file read whole or not at all, forgiving what
spreadsheets do (a byte-order mark, semicolons, blank lines, extra columns) and refusing what
is not a plain value."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.core.db import db
from portal.kpi_returns.models import KpiReturn
from tests.kpi_returns.helpers import GOOD, admit_from, month_ago, return_url, submit_return
from tests.support.exports import read_csv
from tests.support.pages import banner_text, page_errors, page_text, soup

HEADINGS = ["Month", "KPI code", "KPI", "Unit", "Value", "Comment"]


def csv_bytes(month, values=None, *, headings=HEADINGS, delimiter=",", bom=False, extra=None):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headings + (["Notes"] if extra else []))
    for code, value in (values or GOOD).items():
        row = dict(zip(HEADINGS, [month.strftime("%Y-%m"), code, code, "", value, ""], strict=True))
        writer.writerow([row.get(heading, "") for heading in headings] + ([extra] if extra else []))
    text = out.getvalue()
    return ("\ufeff" + text if bom else text).encode()


def upload(client, organisation, content: bytes, filename: str = "return.csv"):
    # Encoded here, in memory: the test client would spool a large body to a temporary file
    # that it never closes.
    boundary, body = encode_multipart(
        MultiDict([("file", FileStorage(io.BytesIO(content), filename))])
    )
    return client.post(
        f"/kpi-returns/organisations/{organisation.id}/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def problems(response) -> list[str]:
    return [item.get_text(" ", strip=True) for item in soup(response).select("#problems li")]


def stored(organisation) -> list[KpiReturn]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(KpiReturn).where(KpiReturn.organisation_id == organisation.id))
    )


def test_the_template_lists_the_months_kpis(provider_client, organisation, kpis):
    admit_from(organisation, month_ago(2))
    month = month_ago(1)
    rows = read_csv(provider_client.get(return_url(organisation, month, "/csv-template")))
    assert rows[0] == HEADINGS
    assert [row[1] for row in rows[1:]] == list(GOOD)
    assert {row[0] for row in rows[1:]} == {month.strftime("%Y-%m")}


def test_an_excel_file_with_a_bom_semicolons_blank_lines_and_extra_columns_is_read(
    provider_client, organisation, kpis
):
    admit_from(organisation, month_ago(2))
    month = month_ago(1)
    content = csv_bytes(month, delimiter=";", bom=True, extra="ignored")
    content = content.replace(b"\r\n", b"\r\n;;;;;;\r\n\r\n", 2)
    response = upload(provider_client, organisation, content)
    assert response.status_code == 302, page_text(response)
    assert response.location == return_url(organisation, month)
    page = provider_client.get(response.location)
    assert "saved as a draft" in banner_text(page)
    (kpi_return,) = stored(organisation)
    assert kpi_return.status == "draft"
    assert [value.value for value in kpi_return.current.values][:3] == [95, 98, 85]


def test_one_bad_line_and_nothing_is_stored_with_every_problem_listed(
    provider_client, organisation, kpis
):
    admit_from(organisation, month_ago(2))
    month = month_ago(1)
    values = GOOD | {
        "attendance-rate": "=1+1",
        "placements-started": "-2",
        "sessions-delivered": "150",
        "made-up": "3",
    }
    del values["staff-dbs"]
    response = upload(provider_client, organisation, csv_bytes(month, values))
    assert response.status_code == 200
    assert page_errors(response) == {
        "file": "The selected file has 5 problems. Nothing has been saved"
    }
    assert problems(response) == [
        "staff-dbs is missing: enter staff with an in-date enhanced DBS check",
        "Line 2: attendance-rate: Attendance rate must be a number, like 92.5",
        "Line 3: sessions-delivered: Sessions delivered against sessions commissioned must be "
        "100% or less",
        "Line 5: placements-started: Placements started must be 0 or more",
        f"Line 12: KPI code made-up is not one of the KPIs in your return for "
        f"{month.strftime('%B %Y')}",
    ]
    assert stored(organisation) == []


def test_wrong_headings_are_refused(provider_client, organisation, kpis):
    admit_from(organisation, month_ago(2))
    content = csv_bytes(month_ago(1), headings=["Month", "Code", "KPI", "Unit", "Amount", "Note"])
    response = upload(provider_client, organisation, content)
    assert problems(response) == [
        "Line 1: The first line must have the template's headings. Missing: KPI code, Value"
    ]
    assert stored(organisation) == []


def test_a_month_in_the_future_before_admission_or_already_submitted_is_refused(
    provider_client, organisation, kpis
):
    admit_from(organisation, month_ago(2))
    future = upload(provider_client, organisation, csv_bytes(month_ago(0)))
    assert problems(future) == [
        f"You cannot make a return for {month_ago(0).strftime('%B %Y')} yet: a month's "
        "return can be made once the month has ended"
    ]
    before = upload(provider_client, organisation, csv_bytes(month_ago(3)))
    assert "was not on the framework in" in problems(before)[0]
    submit_return(provider_client, organisation, month_ago(1))
    twice = upload(provider_client, organisation, csv_bytes(month_ago(1)))
    assert "has already been submitted. To change it, amend it" in problems(twice)[0]
    (kpi_return,) = stored(organisation)
    assert kpi_return.version_count == 1


def test_lines_for_different_months_are_refused(provider_client, organisation, kpis):
    admit_from(organisation, month_ago(3))
    content = csv_bytes(month_ago(1)) + csv_bytes(month_ago(2)).split(b"\r\n", 1)[1]
    response = upload(provider_client, organisation, content)
    assert problems(response) == ["Line 13: Every line must be for the same month"]


def test_a_large_file_or_one_that_is_not_csv_is_refused(provider_client, organisation, kpis):
    admit_from(organisation, month_ago(2))
    big = csv_bytes(month_ago(1)) + b"\r\n" + b"x" * (10 * 1024 * 1024)
    response = upload(provider_client, organisation, big)
    assert page_errors(response) == {"file": "The selected file must be smaller than 1MB"}
    pdf = upload(provider_client, organisation, b"%PDF-1.4 nothing", "return.pdf")
    assert "file" in page_errors(pdf)
    empty = upload(provider_client, organisation, b"", "return.csv")
    assert page_errors(empty) == {"file": "The selected file is empty"}
    assert stored(organisation) == []
