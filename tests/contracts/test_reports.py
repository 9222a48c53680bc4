"""The spend and value-for-money reports at /contracts/reports, as the council reads them: every
figure against an independent sum, the same number of queries at two sizes, the charts beside
their tables, the exports, and what a wrong query string is told."""

from __future__ import annotations

import copy
import csv
import io
import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.competitions.models import Competition
from portal.contracts.models import Contract
from portal.contracts.services.common import CONTRACT_MOVES, Terms, make_contract
from portal.contracts.services.reports import median_of_counts
from portal.core import workflow
from portal.core.db import db
from portal.core.money import format_pence
from portal.core.time import utcnow
from portal.lots.models import Lot
from tests.competitions import helpers as competitions
from tests.conftest import commissioner_client as _plain_commissioner_client  # noqa: F401
from tests.contracts import spend_data
from tests.support import snapshots
from tests.support.pages import page_errors, page_h1, page_text, soup
from tests.support.queries import counting_queries, counts_read_alone, queries_for

FIRST, LAST = date(2027, 1, 1), date(2027, 12, 31)
PERIOD = f"from={FIRST.isoformat()}&to={LAST.isoformat()}"


def _csv(client, table: str, query: str = PERIOD) -> list[dict[str, str]]:
    response = client.get(f"/contracts/reports/export/{table}?{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _pence(text: str) -> int:
    """Pounds as the export writes them ("1234.5") as whole pence, exactly."""
    pence = Decimal(text) * 100
    assert pence == pence.to_integral_value(), text
    return int(pence)


def _in_period(day: date) -> bool:
    return FIRST <= day <= LAST


@pytest.fixture
def spend_world(app, app_ctx, request) -> tuple[spend_data.Built, dict[str, FlaskClient]]:
    """The commissioner signed in and 200 contracts' spend, built once per worker and written
    back for each test on `built` (tests/support/snapshots.py): three quarters of a second to
    several seconds a test. `spend_data.Built` holds plain values (ids, dates, sums), no
    records."""

    def build():
        client = request.getfixturevalue("_plain_commissioner_client")
        rng = random.Random(16)
        built = spend_data.Built()
        organisations = spend_data.make_organisations(rng, 14, built)
        return spend_data.build(rng, 200, organisations, built), {"commissioner": client}

    return snapshots.shared(app, "contract-reports", build, fixture=request.fixturename)


@pytest.fixture
def built(spend_world) -> spend_data.Built:
    return copy.deepcopy(spend_world[0])  # each test its own, whatever it does with it


@pytest.fixture
def commissioner_client(request) -> FlaskClient:
    """From the shared world for a test on `built`, so nothing writes before it is put back."""
    if "built" in request.node.fixturenames:
        return request.getfixturevalue("spend_world")[1]["commissioner"]
    return request.getfixturevalue("_plain_commissioner_client")


def test_every_figure_is_the_sum_of_what_was_approved_and_committed(commissioner_client, built):
    """200 contracts with random rates, volumes, teams, lots and providers (SME, VCSE and local
    mixed), statements (approved and not) and outcome decisions: each figure in each table is
    the independent sum worked out here, to the penny."""
    lots = {lot.id: lot.name for lot in db.session.scalars(select(Lot))}
    names = _organisation_names(built)
    approved = [s for s in built.statements if s.approved and _in_period(s.month)]
    committed = [c for c in built.contracts if c.active and _in_period(c.start_on)]
    assert len(approved) > 50 and len(committed) > 50  # the data reaches every table
    assert any(not s.approved for s in built.statements)
    assert any(not c.active for c in built.contracts)

    # By month: committed by the month contracts start, spend by the statement's month.
    spend_by_month, committed_by_month, started = Counter(), Counter(), Counter()
    for s in approved:
        spend_by_month[f"{s.month:%B %Y}"] += s.net_pence
    for c in committed:
        committed_by_month[f"{c.start_on:%B %Y}"] += c.total_pence
        started[f"{c.start_on:%B %Y}"] += 1
    months = _csv(commissioner_client, "months")
    assert [row["Month"] for row in months] == [f"{date(2027, m, 1):%B %Y}" for m in range(1, 13)]
    for row in months:
        assert _pence(row["Approved spend (£)"]) == spend_by_month[row["Month"]], row
        assert _pence(row["Committed (£)"]) == committed_by_month[row["Month"]], row
        assert int(row["Contracts started"]) == started[row["Month"]], row

    # By lot and by team, with the total row.
    for table, heading, key in (
        ("lots", "Type of service", lambda c: lots[c.lot_id]),
        ("teams", "Commissioning team", lambda c: c.team),
    ):
        spend, value, count = Counter(), Counter(), Counter()
        for s in approved:
            spend[key(s.contract)] += s.net_pence
        for c in committed:
            value[key(c)] += c.total_pence
            count[key(c)] += 1
        rows = {row[heading]: row for row in _csv(commissioner_client, table)}
        assert set(rows) == set(spend) | set(value) | {"All"}
        for name, row in rows.items():
            expected = (
                (sum(spend.values()), sum(value.values()), sum(count.values()))
                if name == "All"
                else (spend[name], value[name], count[name])
            )
            got = (
                _pence(row["Approved spend (£)"]),
                _pence(row["Committed (£)"]),
                int(row["Contracts started"]),
            )
            assert got == expected, (table, name)

    # By provider: committed, spent, held back and released, outcomes decided.
    decided = [d for d in built.decisions if d.decided_at and FIRST <= d.decided_at.date() <= LAST]
    expected_providers: dict[str, list[int]] = defaultdict(lambda: [0] * 8)
    for c in committed:
        expected_providers[names[c.organisation_id]][0] += 1
        expected_providers[names[c.organisation_id]][1] += c.total_pence
    for s in approved:
        figures = expected_providers[names[s.contract.organisation_id]]
        figures[2] += s.net_pence
        figures[3] += s.held_back_pence
        figures[4] += s.released_pence
    statuses = ("met", "partly_met", "not_met")
    for d in decided:
        expected_providers[names[d.contract.organisation_id]][5 + statuses.index(d.status)] += 1
    providers = _csv(commissioner_client, "providers")
    got_providers = {
        row["Provider"]: [
            int(row["Contracts started"]),
            _pence(row["Committed (£)"]),
            _pence(row["Approved spend (£)"]),
            _pence(row["Held back (£)"]),
            _pence(row["Released (£)"]),
            int(row["Met"]),
            int(row["Partly met"]),
            int(row["Not met"]),
        ]
        for row in providers
    }
    assert got_providers == dict(expected_providers)
    spends = [_pence(row["Approved spend (£)"]) for row in providers]
    assert spends == sorted(spends, reverse=True)  # the largest spend first
    for row in providers:
        flags = built.organisations[_id_named(names, row["Provider"])]
        assert [row["SME"], row["VCSE"], row["Local"]] == [
            "Yes" if flag else "No" for flag in flags
        ]

    # SME, VCSE and local: their spend and share of it each month.
    total = {month: 0 for month in spend_by_month}
    by_group: dict[str, Counter] = {group: Counter() for group in ("sme", "vcse", "local")}
    for s in approved:
        flags = built.organisations[s.contract.organisation_id]
        for group, flag in zip(("sme", "vcse", "local"), flags, strict=True):
            if flag:
                by_group[group][f"{s.month:%B %Y}"] += s.net_pence
        total[f"{s.month:%B %Y}"] += s.net_pence
    shares = _csv(commissioner_client, "shares")
    for row in shares:
        month = row["Month"]
        assert _pence(row["Approved spend (£)"]) == spend_by_month[month]
        for group, name in (
            ("sme", "Small and medium-sized (SME)"),
            ("vcse", "Voluntary (VCSE)"),
            ("local", "Local"),
        ):
            assert _pence(row[f"{name} spend (£)"]) == by_group[group][month], (month, group)
            share = row[f"{name} share of spend (%)"]
            if spend_by_month[month]:
                assert float(share) == round(100 * by_group[group][month] / total[month], 1)
            else:
                assert share == ""
        contracts_of = [c for c in committed if f"{c.start_on:%B %Y}" == month]
        assert int(row["Contracts started"]) == len(contracts_of)
        assert int(row["Small and medium-sized (SME) contracts"]) == sum(
            built.organisations[c.organisation_id][0] for c in contracts_of
        )

    # Held back against released, and decisions, by lot.
    expected_outcomes: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
    for s in approved:
        expected_outcomes[lots[s.contract.lot_id]][0] += s.held_back_pence
        expected_outcomes[lots[s.contract.lot_id]][1] += s.released_pence
    for d in decided:
        expected_outcomes[lots[d.contract.lot_id]][2 + statuses.index(d.status)] += 1
    outcomes = {
        row["Type of service"]: [
            _pence(row["Held back (£)"]),
            _pence(row["Released (£)"]),
            int(row["Met"]),
            int(row["Partly met"]),
            int(row["Not met"]),
        ]
        for row in _csv(commissioner_client, "outcomes")
    }
    assert outcomes == dict(expected_outcomes)

    # The page shows the same totals as the exports.
    page = page_text(commissioner_client.get(f"/contracts/reports?{PERIOD}"))
    assert format_pence(sum(s.net_pence for s in approved)) in page
    assert format_pence(sum(c.total_pence for c in committed)) in page


def _organisation_names(built) -> dict[int, str]:
    from portal.organisations.models import Organisation

    return {
        organisation.id: organisation.legal_name
        for organisation in db.session.scalars(
            select(Organisation).where(Organisation.id.in_(built.organisations))
        )
    }


def _id_named(names: dict[int, str], name: str) -> int:
    return next(organisation_id for organisation_id, shown in names.items() if shown == name)


def test_a_lot_and_a_team_narrow_every_figure(commissioner_client, built):
    mentoring = db.session.scalar(select(Lot).where(Lot.slug == "mentoring"))
    approved = [
        s
        for s in built.statements
        if s.approved
        and _in_period(s.month)
        and s.contract.lot_id == mentoring.id
        and s.contract.team == "SEND"
    ]
    rows = _csv(commissioner_client, "months", f"{PERIOD}&lot=mentoring&team=SEND")
    assert sum(_pence(row["Approved spend (£)"]) for row in rows) == sum(
        s.net_pence for s in approved
    )
    page = commissioner_client.get(f"/contracts/reports?{PERIOD}&lot=mentoring&team=SEND")
    assert "Mentoring, SEND" in page_text(page)


def test_reports_one_after_another_each_count_their_own_filters(commissioner_client, built):
    """The report's statements are built once for each shape of filtering (by lot, by team,
    both, neither) and run with each report's values: reports of the same shape one after
    another, with other periods, lots and teams, each add up to their own figures."""
    slugs = {lot.id: lot.slug for lot in db.session.scalars(select(Lot))}
    asked = [
        (FIRST, LAST, None, None),
        (date(2027, 4, 1), date(2027, 9, 30), None, None),
        (FIRST, LAST, "mentoring", None),
        (FIRST, date(2027, 6, 30), "online-tuition", None),
        (FIRST, LAST, None, "SEND"),
        (date(2027, 3, 1), LAST, None, "Virtual School"),
        (FIRST, LAST, "mentoring", "SEND"),
        (date(2027, 2, 1), date(2027, 11, 30), "online-tuition", "Virtual School"),
    ]
    for first, last, slug, team in asked:

        def chosen(contract, first=first, last=last, slug=slug, team=team) -> bool:
            return (slug is None or slugs[contract.lot_id] == slug) and (
                team is None or contract.team == team
            )

        spend = sum(
            s.net_pence
            for s in built.statements
            if s.approved and first.replace(day=1) <= s.month <= last and chosen(s.contract)
        )
        committed = sum(
            c.total_pence
            for c in built.contracts
            if c.active and first <= c.start_on <= last and chosen(c)
        )
        query = f"from={first.isoformat()}&to={last.isoformat()}"
        query += f"&lot={slug}" if slug else ""
        query += f"&team={team}" if team else ""
        rows = _csv(commissioner_client, "months", query)
        assert (
            sum(_pence(row["Approved spend (£)"]) for row in rows),
            sum(_pence(row["Committed (£)"]) for row in rows),
        ) == (spend, committed), query
        assert spend or committed, query  # the data reaches each report


def test_the_financial_year_runs_april_to_march(commissioner_client, built):
    rows = _csv(commissioner_client, "months", "year=2026")
    assert rows[0]["Month"] == "April 2026"
    assert rows[-1]["Month"] == "March 2027"
    approved = [
        s
        for s in built.statements
        if s.approved and date(2026, 4, 1) <= s.month <= date(2027, 3, 31)
    ]
    assert sum(_pence(row["Approved spend (£)"]) for row in rows) == sum(
        s.net_pence for s in approved
    )


def test_charts_are_svg_images_beside_tables_of_the_same_figures(commissioner_client, built):
    response = commissioner_client.get(f"/contracts/reports?{PERIOD}")
    page = soup(response)
    charts = page.select("svg[role=img]")
    assert {chart.select_one("title")["id"] for chart in charts} == {
        "chart-spend-title",
        "chart-shares-title",
        "chart-lots-title",
        "chart-teams-title",
    }
    assert all(chart.select_one("desc").get_text(strip=True) for chart in charts)
    # Each month of the spend chart has a dot for each line, labelled as the table says.
    months = _csv(commissioner_client, "months")
    spend_chart = next(c for c in charts if c.select_one("title")["id"] == "chart-spend-title")
    assert len(spend_chart.select("circle")) == 2 * len(months)
    table = page.find("caption", string="Committed value and approved spend by month")
    cells = [
        row.select("td")[-1].get_text() for row in table.find_parent("table").select("tbody tr")
    ]
    assert cells[:-1] == [format_pence(_pence(row["Approved spend (£)"])) for row in months]


def test_exports_are_csv_and_xlsx_with_formula_text_made_safe(commissioner_client, built):
    owner_name = '=HYPERLINK("http://example.org")'
    from portal.organisations.models import Organisation

    organisation = db.session.get(Organisation, next(iter(built.organisations)))
    organisation.trading_name = owner_name
    db.session.commit()
    response = commissioner_client.get(f"/contracts/reports/export/providers?{PERIOD}")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="contracts-providers-2027-01-01-to-2027-12-31.csv"'
    )
    assert f"'{owner_name}" in response.get_data(as_text=True).replace('""', '"')
    for table in ("months", "lots", "teams", "shares", "outcomes", "time-to-start", "rates"):
        assert (
            commissioner_client.get(f"/contracts/reports/export/{table}?{PERIOD}").status_code
            == 200
        )
    xlsx = commissioner_client.get(f"/contracts/reports/export-xlsx/providers?{PERIOD}")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert owner_name in values  # kept as text, never a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert (
        commissioner_client.get(f"/contracts/reports/export/nonsense?{PERIOD}").status_code == 404
    )


def test_unit_rates_are_compared_with_the_quartiles_and_outliers_flagged(
    commissioner_client, app_ctx
):
    rng = random.Random(7)
    built = spend_data.Built()
    organisations = spend_data.make_organisations(rng, 6, built)
    mentoring = spend_data.lot("mentoring")
    # Five providers' hourly rates: £40, £42, £44, £46 and £150 (two contracts averaging it).
    rates = [[4_000], [4_200], [4_400], [4_600], [10_000, 20_000]]
    for organisation_id, given in zip(organisations, rates, strict=False):
        for rate in given:
            _contract(organisation_id, mentoring.id, rate_pence=rate, unit="hour")
    db.session.commit()
    response = commissioner_client.get(f"/contracts/reports/benchmarks?{PERIOD}")
    assert response.status_code == 200
    rows = _csv(commissioner_client, "rates")
    by_rate = {row["Average rate (£)"]: row for row in rows}
    assert set(by_rate) == {"40", "42", "44", "46", "150"}
    # Quartiles of 40, 42, 44, 46, 150 (inclusive): 42, 44, 46; fences 36 and 52.
    assert {(r["Lower quartile (£)"], r["Median (£)"], r["Upper quartile (£)"]) for r in rows} == {
        ("42", "44", "46")
    }
    assert by_rate["150"]["Outlier"] == "High"
    assert by_rate["150"]["Lowest rate (£)"] == "100"
    assert [row["Outlier"] for row in rows if row["Average rate (£)"] != "150"] == [""] * 4
    assert "High outlier" in page_text(response)


def test_time_from_publication_to_start(commissioner_client, app_ctx):
    rng = random.Random(3)
    built = spend_data.Built()
    (organisation_id,) = spend_data.make_organisations(rng, 1, built)
    mentoring = spend_data.lot("mentoring")
    for waited in (10, 20, 40):
        competition_id = competitions.create(commissioner_client)
        competition = db.session.get(Competition, competition_id)
        start = date(2027, 3, 1)
        competition.published_at = datetime.combine(
            start - timedelta(days=waited), datetime.min.time(), tzinfo=UTC
        ) + timedelta(hours=12)
        db.session.commit()
        _contract(organisation_id, mentoring.id, start_on=start, competition_id=competition_id)
    _contract(organisation_id, mentoring.id, start_on=date(2027, 3, 1))  # direct: not counted
    db.session.commit()
    (row,) = _csv(commissioner_client, "time-to-start")
    assert row == {
        "Type of service": "Mentoring",
        "Contracts": "3",
        "Median days": "20",
        "Shortest days": "10",
        "Longest days": "40",
    }


def test_the_median_of_counted_values():
    assert median_of_counts([(5, 1)]) == 5
    assert median_of_counts([(1, 1), (3, 1)]) == 2
    assert median_of_counts([(9, 1), (1, 2), (4, 1)]) == 2.5
    assert median_of_counts([(1, 3), (100, 2)]) == 1


def _contract(organisation_id: int, lot_id: int, *, competition_id=None, **overrides) -> Contract:
    terms = {
        "organisation_id": organisation_id,
        "lot_id": lot_id,
        "title": "Tuition",
        "team": "SEND",
        "start_on": date(2027, 2, 1),
        "end_on": date(2027, 7, 1),
        "unit": "hour",
        "rate_pence": 4_000,
        "planned_units": 10,
        **overrides,
    }
    contract = make_contract(
        None,
        Terms(**terms),
        competition_id=competition_id,
        direct_ground=None if competition_id else "urgent_need",
    )
    workflow.move(contract, "active", CONTRACT_MOVES, accepted_at=utcnow())
    return contract


PAGES = (
    f"/contracts/reports?{PERIOD}",
    f"/contracts/reports/providers?{PERIOD}",
    f"/contracts/reports/benchmarks?{PERIOD}",
    f"/contracts/reports?{PERIOD}&lot=mentoring&team=SEND",
)


def test_each_page_runs_the_same_queries_whatever_the_data_size(app, commissioner_client):
    rng = random.Random(5)
    built = spend_data.Built()
    with app.app_context():
        organisations = spend_data.make_organisations(rng, 3, built)
        spend_data.build(rng, 6, organisations, built)
    small = [queries_for(app, commissioner_client, page) for page in PAGES]
    with app.app_context():
        organisations += spend_data.make_organisations(rng, 12, built)
        spend_data.build(rng, 60, organisations, built)
    assert [queries_for(app, commissioner_client, page) for page in PAGES] == small


def test_the_main_pages_four_figures_are_read_in_one_statement(app, commissioner_client, built):
    """Approved spend, committed value, outcomes decided and time to start (portal/core/
    together.py): one statement reads all four, each figure as it would alone (the page's sums
    are checked against the data by the tests above)."""
    with counting_queries(app) as statements:
        commissioner_client.get(f"/contracts/reports?{PERIOD}")
    figures = [
        statement
        for statement in statements
        if any(table in statement for table in ("monthly_spend", "contract_outcomes"))
    ]
    assert len(figures) == 1
    assert all(table in figures[0] for table in ("FROM contracts", "JOIN competitions"))


# Bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2027-05-01&to=2027-04-01", "to", "The end date must be the same as or after"),
        ("from=2027-02-30&to=2027-04-01", "from", "The start date must be a real date"),
        ("from=2027-04-01&to=31/03/2028", "to", "The end date must be a real date"),
        ("from=2027-04-01", "to", "Enter the end date"),
        ("from=0001-01-01&to=2027-04-01", "from", "The start date must be between 2000 and 2100"),
        ("from=2000-01-01&to=2100-01-01", "to", "Choose a period of 10 years or less"),
        ("year=1999", "year", "Select a financial year from the list"),
        ("year=abc", "year", "Select a financial year from the list"),
        ("year=" + "9" * 400, "year", "Select a financial year from the list"),
        ("lot=no-such-lot", "lot", "Select a type of service from the list"),
        ("team=Finance", "team", "Select a commissioning team from the list"),
        ("team=" + "x" * 5000, "team", "Select a commissioning team from the list"),
    ],
)
@pytest.mark.parametrize("path", ["/contracts/reports", "/contracts/reports/providers",
                                  "/contracts/reports/benchmarks"])  # fmt: skip
def test_a_query_string_the_report_cannot_use_is_explained(
    commissioner_client, path, query, field, message
):
    response = commissioner_client.get(f"{path}?{query}")
    assert response.status_code == 200
    errors = page_errors(response)
    assert message in errors[field]
    assert soup(response).title.get_text().startswith("Error: ")
    assert not soup(response).select("main table")  # no figures for a period that cannot be


def test_an_export_with_a_wrong_query_string_goes_back_to_the_report(commissioner_client):
    response = commissioner_client.get("/contracts/reports/export/months?lot=nope&year=2026")
    assert response.status_code == 302
    assert response.location.startswith("/contracts/reports?")
    shown = commissioner_client.get(response.location)
    assert "Select a type of service from the list" in page_errors(shown)["lot"]


def test_page_numbers_past_the_end_show_the_last_page(app, commissioner_client, built):
    with counting_queries(app) as statements:
        first = commissioner_client.get(f"/contracts/reports/providers?{PERIOD}")
    # How many providers in all is read with the page's rows, not by a statement of its own.
    assert not counts_read_alone(statements)
    for page in ("99999", "9" * 40, "-1", "two"):
        response = commissioner_client.get(f"/contracts/reports/providers?{PERIOD}&page={page}")
        assert response.status_code == 200
        assert "Spend Provider" in page_text(response)
        assert _table_rows(response) == _table_rows(first)
        response = commissioner_client.get(f"/contracts/reports/benchmarks?{PERIOD}&page={page}")
        assert response.status_code == 200


def test_an_empty_period_says_so(commissioner_client, app_ctx):
    response = commissioner_client.get("/contracts/reports?year=2026")
    assert response.status_code == 200
    assert page_h1(response) == "Spend and value for money"
    assert "No contracts started and no statements were approved" in page_text(response)
    providers = commissioner_client.get("/contracts/reports/providers?year=2026")
    assert "No provider had a contract start" in page_text(providers)
    benchmarks = commissioner_client.get("/contracts/reports/benchmarks?year=2026")
    assert "No contract started in this period" in page_text(benchmarks)


def test_providers_cannot_read_the_reports(provider_client, reviewer_client):
    assert provider_client.get("/contracts/reports").status_code == 404
    assert reviewer_client.get("/contracts/reports").status_code == 200
    home = reviewer_client.get("/home")
    assert soup(home).find("a", string="Spend and value for money")["href"] == "/contracts/reports"


def _table_rows(response) -> list[str]:
    return [row.get_text(" ", strip=True) for row in soup(response).select("main table tbody tr")]
