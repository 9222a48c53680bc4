"""Every table the portal lets people download comes as a CSV and as an XLSX workbook, read back
here as a spreadsheet program reads them: the CSV with a byte order mark (without one, Excel
shows "Zoë O’Brien" as "ZoÃ« Oâ€™Brien"), the workbook with dates as dates, counts as
numbers and text as text."""

from __future__ import annotations

from datetime import datetime, time

from portal.core.time import today
from portal.kpi_returns.definitions import ensure_starting_kpis
from portal.lots.services import ensure_starting_lots
from tests.kpi_returns.helpers import admit_from, month_ago, record_return
from tests.staff_checks.helpers import add, days_ago
from tests.support import factories
from tests.support.exports import read_csv, read_xlsx

NAME = "Zoë O’Brien"


def _midnight(day) -> datetime:
    return datetime.combine(day, time())


def test_every_csv_export_offers_an_xlsx_twin(app):
    """Walks the URL map: each address ending /export has an /export-xlsx beside it with the
    same permission (the route matrix checks each). The CSV templates for imports stay CSV
    only: the imports read CSV."""
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    exports = sorted(rule for rule in rules if rule.endswith("/export"))
    assert len(exports) >= 5
    assert [rule for rule in exports if f"{rule}-xlsx" not in rules] == []


def test_the_staff_register_exports(provider_client, organisation):
    add(provider_client, organisation, full_name=NAME)
    url = f"/staff-checks/organisations/{organisation.id}/export"

    rows = read_csv(provider_client.get(url))
    assert rows[1][0] == NAME
    assert rows[1][5] == f"{days_ago(400):%d/%m/%Y}"  # as the import reads it back
    sheet = read_xlsx(provider_client.get(f"{url}-xlsx"))
    assert sheet[0] == rows[0]
    assert sheet[1][0] == NAME
    assert sheet[1][5] == _midnight(days_ago(400))
    assert sheet[1][4] == "********7890"  # a certificate number stays masked text


def test_the_providers_export(reviewer_client, app_ctx):
    owner = factories.make_user("owner@zoe.example.org")
    zoe = factories.make_organisation(owner, legal_name=NAME)
    factories.admit(zoe, "mentoring")

    rows = read_csv(reviewer_client.get("/reviews/providers/export"))
    assert rows[1][:3] == [NAME, NAME, "Mentoring"]
    assert rows[1][4] == f"{today():%d/%m/%Y}"
    sheet = read_xlsx(reviewer_client.get("/reviews/providers/export-xlsx"))
    assert sheet[0] == rows[0]
    assert sheet[1][:3] == [NAME, NAME, "Mentoring"]
    assert sheet[1][4:6] == [_midnight(today()), _midnight(today())]
    assert sheet[1][11:14] == [0, 0, 0]  # documents needing attention, DBS people and flags
    assert sheet[1][17] == 0  # open escalations


def test_the_kpi_exports(commissioner_client, app_ctx):
    ensure_starting_lots()
    ensure_starting_kpis()
    owner = factories.make_user("owner@zoe.example.org")
    zoe = factories.make_organisation(owner, legal_name=NAME)
    lot_id = admit_from(zoe, month_ago(3)).lot_id
    record_return(zoe, month_ago(2))
    returns = "/kpi-returns/dashboard/export"
    lot = f"/kpi-returns/dashboard/lots/{lot_id}/summary/export"
    provider = f"/kpi-returns/dashboard/providers/{zoe.id}/summary/export"

    for url in (returns, lot, provider):
        rows = read_csv(commissioner_client.get(f"{url}?months=3"))
        assert read_xlsx(commissioner_client.get(f"{url}-xlsx?months=3"))[0] == rows[0], url
    assert read_csv(commissioner_client.get(f"{returns}?months=3"))[1][0] == NAME
    assert read_csv(commissioner_client.get(lot))[1][0] == NAME
    sheet = read_xlsx(commissioner_client.get(f"{returns}-xlsx?months=3"))
    assert sheet[1][0] == NAME
    assert sheet[1][4] == 1  # the version, a number
    assert isinstance(sheet[1][5], datetime)  # when it was submitted
