"""`flask seed demo` gives the demo provider on the framework a few months of returns, so the
performance dashboard has something to show."""

from sqlalchemy import func, select

from portal.core.db import db
from portal.kpi_returns.models import KpiReturn
from tests.conftest import sign_in
from tests.support import factories
from tests.support.pages import soup


def test_demo_data_has_months_of_returns_on_the_dashboard(make_app):
    demo = make_app(DEMO_MODE=True)
    runner = demo.test_cli_runner()
    for _ in range(2):  # safe to run again
        result = runner.invoke(args=["seed", "demo"])
        assert result.exit_code == 0, result.output
    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(KpiReturn)) == 5
        commissioner = factories.make_user(
            "demo-commissioner@council.example.org", role="commissioner", two_factor=True
        )
    client = sign_in(demo.test_client(), commissioner)
    page = soup(client.get("/kpi-returns/dashboard?months=6"))
    (row,) = [row for row in page.select("tbody tr") if "Stourbridge" in row.get_text()]
    cells = [cell.get_text(" ", strip=True) for cell in row.select("td")][:6]
    assert [cell.startswith("Submitted") for cell in cells] == [True] * 5 + [False]
    assert "Requires improvement" in cells[3]  # attendance of 82%
    assert cells[5].split(" ")[0] in ("Due", "Missing")  # the latest: the demo's to make
