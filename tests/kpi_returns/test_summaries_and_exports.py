"""The annual performance summary per provider and per lot, and the export of every return for
a period: as pages and CSV, formulas in what providers typed neutralised."""

from __future__ import annotations

import csv
import io

from tests.kpi_returns.helpers import admit_from, month_ago, record_return, with_values
from tests.support.pages import page_text


def table(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


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


def test_a_lots_annual_summary(commissioner_client, make_provider, kpis):
    _user, oak = make_provider("Oak Tutoring")
    lot_id = admit_from(oak, month_ago(2)).lot_id
    record_return(oak, month_ago(1), with_values(attendance_rate="60"))
    url = f"/kpi-returns/dashboard/lots/{lot_id}/summary"
    assert "Oak Tutoring" in page_text(commissioner_client.get(url))
    rows = table(commissioner_client.get(f"{url}/export"))
    assert rows[1][0] == "Oak Tutoring"
    assert rows[1][11:13] == ["Missing", "Inadequate"]


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
