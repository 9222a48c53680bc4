"""The annual performance summary per provider and per lot, and the export of every return for
a period: as pages, CSV and XLSX, formulas in what providers typed neutralised."""

from __future__ import annotations

from datetime import datetime

from tests.kpi_returns.helpers import admit_from, month_ago, record_return, with_values
from tests.support.exports import read_csv as table
from tests.support.exports import read_xlsx as workbook
from tests.support.pages import page_text, soup


def test_a_providers_annual_summary(commissioner_client, make_provider, kpis):
    _user, oak = make_provider("Oak Tutoring")
    admit_from(oak, month_ago(3))
    record_return(oak, month_ago(3), with_values(attendance_rate="95"))
    record_return(oak, month_ago(2), with_values(attendance_rate="60"))
    record_return(oak, month_ago(1), with_values(attendance_rate="87"))
    url = f"/kpi-returns/dashboard/providers/{oak.id}/summary"
    page = page_text(commissioner_client.get(url))
    assert "Annual performance summary" in page
    rows = table(commissioner_client.get(f"{url}/export"))
    assert rows[0][0] == "KPI" and len(rows[0]) == 1 + 12 + 4
    assert rows[0][-4:] == ["Good", "Approaching target", "Requires improvement", "Inadequate"]
    attendance = rows[1]
    assert attendance[0] == "Attendance rate"
    assert attendance[10:13] == [
        "Good (95%)",
        "Inadequate (60%)",
        "Approaching target (87%)",
    ]
    assert attendance[-4:] == ["1", "1", "0", "1"]

    sheet = workbook(commissioner_client.get(f"{url}/export-xlsx"))
    assert sheet[0] == rows[0]
    assert sheet[1][10:13] == attendance[10:13]
    assert sheet[1][-4:] == [1, 1, 0, 1]  # numbers, to be added up


def test_a_lots_annual_summary(commissioner_client, make_provider, kpis):
    _user, oak = make_provider("Oak Tutoring")
    lot_id = admit_from(oak, month_ago(2)).lot_id
    record_return(oak, month_ago(1), with_values(attendance_rate="60"))
    url = f"/kpi-returns/dashboard/lots/{lot_id}/summary"
    assert "Oak Tutoring" in page_text(commissioner_client.get(url))
    rows = table(commissioner_client.get(f"{url}/export"))
    assert rows[1][0] == "Oak Tutoring"
    assert rows[1][11:13] == ["Missing", "Inadequate"]
    sheet = workbook(commissioner_client.get(f"{url}/export-xlsx"))
    assert sheet[0] == rows[0]
    assert sheet[1][0] == "Oak Tutoring"
    assert sheet[1][11:13] == ["Missing", "Inadequate"]
    assert sheet[1][-1] == 1


def test_every_return_of_a_period_exported_with_formulas_neutralised(
    commissioner_client, make_provider, kpis
):
    _user, oak = make_provider('=HYPERLINK("http://evil.example")')
    admit_from(oak, month_ago(3))
    kpi_return = record_return(oak, month_ago(2), amendments=1)
    kpi_return.versions[-1].values[0].comment = "@SUM(A1:A9) two moved away"
    from portal.core.db import db

    db.session.commit()
    rows = table(commissioner_client.get("/kpi-returns/dashboard/export?months=3"))
    assert rows[0] == [
        "Provider",
        "Legal name",
        "Month",
        "Status",
        "Version",
        "Submitted",
        "Reason for latest amendment",
        "KPI code",
        "KPI",
        "Unit",
        "Value",
        "Target",
        "Rating",
        "Comment",
    ]
    assert len(rows) == 1 + 11
    first = rows[1]
    assert first[0] == '\'=HYPERLINK("http://evil.example")'
    assert first[2] == month_ago(2).strftime("%Y-%m")
    assert first[3] == "Submitted and amended"
    assert first[4] == "2"
    assert first[6] == "Corrected"
    assert first[7:13] == ["attendance-rate", "Attendance rate", "percentage", "95", "90", "Good"]
    assert first[13] == "'@SUM(A1:A9) two moved away"


def test_formulas_stay_text_in_the_xlsx_exports(commissioner_client, make_provider, kpis):
    """A name or comment that a spreadsheet would run is written as a text cell: the words come
    back as typed, and no cell of any export is a formula."""
    _user, oak = make_provider('=HYPERLINK("http://evil.example","Click")')
    lot_id = admit_from(oak, month_ago(3)).lot_id
    kpi_return = record_return(oak, month_ago(2), with_values(attendance_rate="60"))
    kpi_return.versions[-1].values[0].comment = "=1+2\x0b two moved away"
    kpi_return.versions[-1].values[1].comment = "+44 7700 900000"
    from portal.core.db import db

    db.session.commit()
    sheet = workbook(commissioner_client.get("/kpi-returns/dashboard/export-xlsx?months=3"))
    assert sheet[0][0] == "Provider" and len(sheet) == 1 + 11
    first = sheet[1]
    assert first[0] == '=HYPERLINK("http://evil.example","Click")'
    assert first[4] == 1
    assert isinstance(first[5], datetime)  # when it was submitted: a date, not words
    assert first[7:13] == [
        "attendance-rate",
        "Attendance rate",
        "percentage",
        60,
        90,
        "Inadequate",
    ]
    assert first[13] == "=1+2 two moved away"  # the control character dropped
    assert sheet[2][13] == "+44 7700 900000"
    summary = workbook(
        commissioner_client.get(f"/kpi-returns/dashboard/providers/{oak.id}/summary/export-xlsx")
    )
    assert summary[1][0] == "Attendance rate"
    lot = workbook(
        commissioner_client.get(f"/kpi-returns/dashboard/lots/{lot_id}/summary/export-xlsx")
    )
    assert lot[1][0] == '=HYPERLINK("http://evil.example","Click")'


def test_the_exports_are_linked_from_their_pages(commissioner_client, make_provider, kpis):
    _user, oak = make_provider("Oak Tutoring")
    lot_id = admit_from(oak, month_ago(2)).lot_id
    for page, export in (
        ("/kpi-returns/dashboard", "/kpi-returns/dashboard/export-xlsx"),
        (
            f"/kpi-returns/dashboard/providers/{oak.id}/summary",
            f"/kpi-returns/dashboard/providers/{oak.id}/summary/export-xlsx",
        ),
        (
            f"/kpi-returns/dashboard/lots/{lot_id}/summary",
            f"/kpi-returns/dashboard/lots/{lot_id}/summary/export-xlsx",
        ),
    ):
        links = [a["href"] for a in soup(commissioner_client.get(page)).select("a[href]")]
        assert any(link.startswith(export) for link in links), page
