"""The council's dashboard: providers × months with each return's status and rating, filtered by
lot and provider, a page at a time, in a fixed number of queries; trend charts per provider and
per lot; and nothing of it for providers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from portal.core.db import db
from portal.core.time import LONDON
from portal.kpi_returns import escalations, months
from tests.kpi_returns.helpers import (
    GOOD,
    admit_from,
    month_ago,
    record_return,
    with_values,
)
from tests.support import factories
from tests.support.pages import page_h1, page_text, soup
from tests.support.queries import counting_queries, counts_read_alone, queries_for


def dashboard_rows(response) -> dict[str, list[str]]:
    return {
        row.th.a.get_text(strip=True): [
            re.sub(r"\s+", " ", cell.get_text(" ", strip=True)) for cell in row.select("td")
        ]
        for row in soup(response).select("tbody tr")
    }


def test_each_months_status_and_rating(commissioner_client, make_provider, kpis):
    _user, oak = make_provider("Oak Tutoring")
    admit_from(oak, month_ago(5))
    late_day = months.due_date(month_ago(4)) + __import__("datetime").timedelta(days=3)
    record_return(oak, month_ago(5))  # on time, good
    record_return(oak, month_ago(4), with_values(attendance_rate="60"), submitted_on=late_day)
    record_return(oak, month_ago(3), with_values(attendance_rate="86"), amendments=1)
    # month_ago(2) is missing: its due date has passed.
    _user, elm = make_provider("Elm Trust")
    admit_from(elm, month_ago(2), lot="online-tuition")

    page = commissioner_client.get("/kpi-returns/dashboard?months=6")
    assert page.status_code == 200
    assert page_h1(page) == "Performance dashboard"
    rows = dashboard_rows(page)
    assert list(rows) == ["Elm Trust", "Oak Tutoring"]
    oak_row = rows["Oak Tutoring"]
    assert oak_row[0] == "Not required"  # six months ago: before admission
    assert oak_row[1].startswith("Submitted") and oak_row[1].endswith("Good")
    assert "Submitted late" in oak_row[2] and "Inadequate" in oak_row[2]
    assert "Amended" in oak_row[3] and "Approaching target" in oak_row[3]
    assert oak_row[4] == "Missing"
    assert rows["Elm Trust"][:4] == ["Not required"] * 4
    assert rows["Elm Trust"][4] == "Missing"


def test_providers_admitted_together_each_show_their_own_returns(
    commissioner_client, make_provider, kpis
):
    # The months owed are worked out once per set of lots, and a month without a return is
    # one state shared by the providers in it: each row must still show its own returns.
    _user, ash = make_provider("Ash Mentoring")
    admit_from(ash, month_ago(4))
    _user, birch = make_provider("Birch Mentoring")
    admit_from(birch, month_ago(4))
    _user, cedar = make_provider("Cedar Mentoring")
    admit_from(cedar, month_ago(2))
    record_return(ash, month_ago(4))
    record_return(ash, month_ago(2), amendments=1)
    record_return(birch, month_ago(3))
    record_return(cedar, month_ago(2))

    rows = dashboard_rows(commissioner_client.get("/kpi-returns/dashboard?months=12"))
    # The months from five months ago to two months ago (the last has its due date to come).
    ash, birch, cedar = (rows[name][-5:-1] for name in rows)
    assert ash[0] == birch[0] == cedar[0] == "Not required"
    assert ash[1].startswith("Submitted") and "Amended" not in ash[1]
    assert ash[2] == "Missing"
    assert ash[3].startswith("Submitted") and "Amended" in ash[3]
    assert birch[1] == "Missing"
    assert birch[2].startswith("Submitted")
    assert birch[3] == "Missing"
    assert cedar[1:3] == ["Not required", "Not required"]
    assert cedar[3].startswith("Submitted") and "Amended" not in cedar[3]


def test_filters_by_lot_and_provider(reviewer_client, make_provider, kpis):
    _user, oak = make_provider("Oak Tutoring")
    admit_from(oak, month_ago(2))
    _user, elm = make_provider("Elm Trust")
    admit_from(elm, month_ago(2), lot="online-tuition")

    def names(query: str) -> list[str]:
        return list(dashboard_rows(reviewer_client.get(f"/kpi-returns/dashboard?{query}")))

    assert names("lot=mentoring") == ["Oak Tutoring"]
    assert names("lot=online-tuition") == ["Elm Trust"]
    assert names("provider=elm") == ["Elm Trust"]
    assert names("provider=nobody") == []
    assert names("lot=unknown") == ["Elm Trust", "Oak Tutoring"]


def test_a_name_typed_with_wildcards_matches_them_as_written(reviewer_client, make_provider, kpis):
    """%, _ and / in the words typed are the characters themselves, not SQL's wildcards (or
    the escape character that stops them being wildcards)."""
    for name in ("100% Tutoring", "Oak_Tree Trust", "Either/Or Care", "Plain Care"):
        _user, organisation = make_provider(name)
        admit_from(organisation, month_ago(2))

    def names(words: str) -> list[str]:
        page = reviewer_client.get("/kpi-returns/dashboard", query_string={"provider": words})
        return list(dashboard_rows(page))

    assert names("%") == ["100% Tutoring"]
    assert names("k_t") == ["Oak_Tree Trust"]
    assert names("r/o") == ["Either/Or Care"]
    assert names("r/") == ["Either/Or Care"]
    assert names("care") == ["Either/Or Care", "Plain Care"]


def test_the_dashboard_is_paginated(reviewer_client, make_provider, kpis):
    for number in range(51):
        _user, organisation = make_provider(f"Provider {number:02d}")
        admit_from(organisation, month_ago(1))
    first = reviewer_client.get("/kpi-returns/dashboard?lot=mentoring")
    assert len(dashboard_rows(first)) == 50
    next_link = soup(first).select_one(".govuk-pagination__next a")["href"]
    assert "lot=mentoring" in next_link
    assert list(dashboard_rows(reviewer_client.get(next_link))) == ["Provider 50"]
    # A page past the end shows the last; how many in all is read with the page's rows.
    past = reviewer_client.get("/kpi-returns/dashboard?lot=mentoring&page=9")
    assert list(dashboard_rows(past)) == ["Provider 50"]
    with counting_queries(reviewer_client.application) as statements:
        reviewer_client.get("/kpi-returns/dashboard")
    assert not counts_read_alone(statements)


def test_the_dashboard_makes_the_same_queries_for_two_providers_or_twelve(
    app, reviewer_client, make_provider, kpis
):
    def add(start: int, count: int, history: int) -> None:
        for number in range(start, start + count):
            _user, organisation = make_provider(f"Provider {number:02d}")
            admit_from(organisation, month_ago(history))
            admit_from(organisation, month_ago(history), lot="online-tuition")
            for back in range(2, history + 1):
                record_return(organisation, month_ago(back), amendments=back % 2)

    add(0, 2, 2)
    urls = [
        "/kpi-returns/dashboard",
        "/kpi-returns/dashboard?months=24&lot=mentoring",
        "/kpi-returns/dashboard/export?months=24",
    ]
    few = [queries_for(app, reviewer_client, url) for url in urls]
    add(2, 10, 12)  # a year of returns each: many of every kind of row the page reads
    many = [queries_for(app, reviewer_client, url) for url in urls]
    assert few == many


def test_a_providers_trends_are_charts_with_words_and_a_table(
    commissioner_client, make_provider, kpis
):
    _user, oak = make_provider("Oak Tutoring")
    admit_from(oak, month_ago(3))
    for back, rate in ((3, "95"), (2, "88"), (1, "70")):
        record_return(oak, month_ago(back), with_values(attendance_rate=rate))
    page = commissioner_client.get(f"/kpi-returns/dashboard/providers/{oak.id}?months=3")
    assert page.status_code == 200
    html = soup(page)
    chart = html.select_one("#attendance-rate + figure svg")
    assert chart["role"] == "img"
    assert chart.title.get_text() == "Attendance rate: Oak Tutoring values by month"
    description = chart.desc.get_text()
    assert "Target: 90%." in description
    assert f"Latest value: 70% in {month_ago(1):%B %Y}, rated inadequate." in description
    table = chart.find_parent("figure").find_next("table")
    cells = [row.get_text(" ", strip=True) for row in table.select("tbody tr")]
    assert cells[0].startswith(f"{month_ago(3):%B %Y} 95% 90% Good")
    assert cells[2].startswith(f"{month_ago(1):%B %Y} 70% 90% Inadequate")


def test_providers_see_the_lot_spread_only_without_names_and_with_three_or_more(
    provider_client, organisation, make_provider, kpis
):
    admit_from(organisation, month_ago(2))
    record_return(organisation, month_ago(1), with_values(attendance_rate="80"))
    _user, oak = make_provider("Oak Tutoring")
    admit_from(oak, month_ago(2))
    record_return(oak, month_ago(1), with_values(attendance_rate="90"))
    url = f"/kpi-returns/organisations/{organisation.id}/performance?months=3"
    two = page_text(provider_client.get(url))
    assert "Oak Tutoring" not in two
    assert "Median on the lot Middle half on the lot" in two
    # Two providers: the median would give Oak's figure away.
    assert f"{month_ago(1):%B %Y} 80% 90% Requires improvement Not shown Not shown" in two

    _user, elm = make_provider("Elm Trust")
    admit_from(elm, month_ago(2))
    record_return(elm, month_ago(1), with_values(attendance_rate="100"))
    three = page_text(provider_client.get(url))
    assert "Oak Tutoring" not in three and "Elm Trust" not in three
    assert f"{month_ago(1):%B %Y} 80% 90% Requires improvement 90% 85% to 95%" in three


def test_a_lots_trends_show_the_median_and_quartiles(commissioner_client, make_provider, kpis):
    lot_id = None
    for name, rate in (("Oak", "70"), ("Elm", "80"), ("Ash", "90"), ("Yew", "100")):
        _user, organisation = make_provider(name)
        lot_id = admit_from(organisation, month_ago(2)).lot_id
        record_return(organisation, month_ago(1), with_values(attendance_rate=rate))
    page = commissioner_client.get(f"/kpi-returns/dashboard/lots/{lot_id}?months=3")
    assert page.status_code == 200
    text = page_text(page)
    assert f"{month_ago(1):%B %Y} 4 77.5% 85% 92.5% 90%" in text
    assert soup(page).select_one("svg desc").get_text().startswith("Attendance rate each month")


def test_providers_get_404_on_every_council_page(provider_client, organisation, kpis):
    factories.admit(organisation, "mentoring")
    kpi_return = record_return(organisation, month_ago(0), GOOD, status="draft")
    for url in (
        "/kpi-returns/dashboard",
        "/kpi-returns/dashboard/export",
        f"/kpi-returns/dashboard/providers/{organisation.id}",
        f"/kpi-returns/dashboard/returns/{kpi_return.id}",
        "/kpi-returns/escalations",
        "/kpi-returns/dashboard/lock-month",
    ):
        assert provider_client.get(url).status_code == 404, url


def test_reviewers_check_returns_and_commissioners_read_them(
    reviewer_client, commissioner_client, make_provider, kpis
):
    """Asking about a figure and locking a month are the reviewers' (the contracts and quality
    officers'); a commissioner reads the same pages without those links, and is refused the
    pages themselves. Both may open an escalation."""
    _user, oak = make_provider("Oak Tutoring")
    admit_from(oak, month_ago(2))
    kpi_return = record_return(oak, month_ago(1))
    pages = (
        "/kpi-returns/dashboard",
        f"/kpi-returns/dashboard/returns/{kpi_return.id}",
        f"/kpi-returns/dashboard/providers/{oak.id}",
    )

    def links(client) -> set[str]:
        found = set()
        for url in pages:
            found |= {a["href"].split("?")[0] for a in soup(client.get(url)).select("a[href]")}
        return found

    ask = f"/kpi-returns/dashboard/returns/{kpi_return.id}/query"
    lock = "/kpi-returns/dashboard/lock-month"
    escalate = f"/kpi-returns/dashboard/providers/{oak.id}/escalate"
    assert {ask, lock, escalate} <= links(reviewer_client)
    commissioner = links(commissioner_client)
    assert escalate in commissioner
    assert ask not in commissioner and lock not in commissioner
    assert commissioner_client.get(ask).status_code == 403
    assert commissioner_client.get(lock).status_code == 403


def test_each_provider_shows_its_open_escalations_as_they_change(
    app, commissioner_client, commissioner, make_provider, kpis
):
    """Counted in the query of the page's providers: only the open ones, each provider its own,
    and a change shows on the next request."""
    _user, oak = make_provider("Oak Tutoring")
    admit_from(oak, month_ago(5))
    _user, elm = make_provider("Elm Trust")
    admit_from(elm, month_ago(5))

    def tags() -> dict[str, str]:
        page = commissioner_client.get("/kpi-returns/dashboard?months=6")
        return {
            row.th.a.get_text(strip=True): " ".join(
                tag.get_text(strip=True) for tag in row.th.select(".govuk-tag")
            )
            for row in soup(page).select("tbody tr")
        }

    assert tags() == {"Elm Trust": "", "Oak Tutoring": ""}
    with app.test_request_context():  # its emails carry links
        opened = [
            escalations.open_escalation(
                commissioner, oak, None, f"Late returns {number}", set(), date.today()
            )
            for number in range(2)
        ]
        db.session.commit()
    assert tags() == {"Elm Trust": "", "Oak Tutoring": "2 open escalations"}
    with app.test_request_context():
        escalations.close_escalation(
            commissioner, opened[0], "Returns are in", opened[0].lock_version
        )
        db.session.commit()
    assert tags() == {"Elm Trust": "", "Oak Tutoring": "1 open escalation"}


def test_a_return_is_late_from_midnight_in_london_after_its_due_date(
    commissioner_client, make_provider, kpis
):
    """Late means submitted on a London day after the due date: a second before midnight at
    the end of it is on time, midnight is late (in summer time and out of it: months three
    apart)."""
    seconds_into_due_date = {"Oak Tutoring": 24 * 3600 - 1, "Elm Trust": 24 * 3600}
    for name, seconds in seconds_into_due_date.items():
        _user, organisation = make_provider(name)
        admit_from(organisation, month_ago(5))
        for month in (month_ago(5), month_ago(2)):
            kpi_return = record_return(organisation, month)
            midnight = datetime.combine(months.due_date(month), time(0), tzinfo=LONDON)
            kpi_return.submitted_at = (midnight + timedelta(seconds=seconds)).astimezone(UTC)
        db.session.commit()

    rows = dashboard_rows(commissioner_client.get("/kpi-returns/dashboard?months=6"))
    # Six months ago first: the second cell is month_ago(5), the fifth month_ago(2).
    for cell in (rows["Oak Tutoring"][1], rows["Elm Trust"][1]):
        assert cell.startswith("Submitted")
    assert [rows["Oak Tutoring"][i].startswith("Submitted late") for i in (1, 4)] == [False] * 2
    assert [rows["Elm Trust"][i].startswith("Submitted late") for i in (1, 4)] == [True] * 2
