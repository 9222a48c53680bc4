"""The council's list of referrals, filtered by status, type of service, team and urgency; the
list, the dashboard and the commissioner's home make the same number of queries for one
referral or sixty, the list's count read with its page."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.core.db import db
from portal.core.time import today
from portal.referrals.models import Referral
from tests.referrals.helpers import add_referral, give_capacity, record
from tests.support.pages import page_text, soup
from tests.support.queries import counting_queries, queries_for


def _references(response) -> list[str]:
    return [link.get_text(strip=True) for link in soup(response).select("table tbody td a")]


def test_the_council_filters_its_list(reviewer_client, app_ctx):
    add_referral("SEND-1", urgency="emergency", received_on=today() - timedelta(days=3))
    add_referral("VS-1", team="Virtual School", received_on=today() - timedelta(days=2))
    add_referral(
        "AP-1",
        lot_slug="alternative-provision",
        received_on=date(2026, 3, 2),
        started_on=date(2026, 3, 9),
    )
    add_referral("GONE-1", status="closed", received_on=today() - timedelta(days=1))
    everything = reviewer_client.get("/referrals")
    assert _references(everything) == ["GONE-1", "VS-1", "SEND-1", "AP-1"]
    assert _references(reviewer_client.get("/referrals?status=open")) == ["VS-1", "SEND-1"]
    assert _references(reviewer_client.get("/referrals?status=started")) == ["AP-1"]
    assert _references(reviewer_client.get("/referrals?lot=alternative-provision")) == ["AP-1"]
    assert _references(reviewer_client.get("/referrals?team=Virtual+School")) == ["VS-1"]
    assert _references(reviewer_client.get("/referrals?urgency=emergency")) == ["SEND-1"]
    nothing = reviewer_client.get("/referrals?urgency=emergency&team=Virtual+School")
    assert "No referrals match your filters" in page_text(nothing)
    # Unknown values are ignored, not an error.
    assert len(_references(reviewer_client.get("/referrals?status=lost&lot=moon"))) == 4
    # A reviewer reads, but is not offered to record one.
    assert "Record a referral" not in page_text(everything)


def _many(count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        add_referral(
            f"BULK-{number:03d}",
            lot_slug=("mentoring", "alternative-provision")[number % 2],
            team=("SEND", "Virtual School")[number % 2],
            urgency=("routine", "urgent", "emergency")[number % 3],
            received_on=date(2026, 9, 1) + timedelta(days=number),
            started_on=date(2026, 10, 1) + timedelta(days=number) if number % 3 else None,
        )


def test_the_pages_make_the_same_queries_for_one_referral_or_sixty(
    app, commissioner_client, on_lot
):
    give_capacity(on_lot)
    referral_id = record(commissioner_client)
    urls = [
        "/referrals",
        "/referrals?status=open&team=SEND",
        "/referrals/dashboard",
        f"/referrals/{referral_id}",
        "/home",
    ]
    _many(1)
    few = [queries_for(app, commissioner_client, url) for url in urls]
    _many(59, start=1)
    many = [queries_for(app, commissioner_client, url) for url in urls]
    assert few == many
    # How many there are in all is read with the page's rows, in one statement; a page past
    # the end shows the last.
    with counting_queries(app) as statements:
        first = commissioner_client.get("/referrals")
    assert sum("FROM referrals" in statement for statement in statements) == 1
    assert "Showing 1 to 50 of 61 referrals" in page_text(first)
    last = commissioner_client.get("/referrals?page=2")
    assert "Showing 51 to 61 of 61 referrals" in page_text(last)
    assert _references(commissioner_client.get("/referrals?page=9")) == _references(last)
    # A filter counts only what it lets through.
    virtual = db.session.scalar(
        select(func.count()).select_from(Referral).where(Referral.team == "Virtual School")
    )
    filtered = commissioner_client.get("/referrals?team=Virtual+School")
    assert f"Showing 1 to {virtual} of {virtual} referrals" in page_text(filtered)


def test_the_commissioners_home_lists_referrals_waiting_most_urgent_first(
    commissioner_client, reviewer_client, app_ctx
):
    add_referral("ROUTINE-1", received_on=today() - timedelta(days=1))
    add_referral("EMERGENCY-1", urgency="emergency", received_on=today())
    add_referral("LATE-1", received_on=today() - timedelta(days=30))
    add_referral("OFFERED-1", status="offered", received_on=today())
    home = page_text(commissioner_client.get("/home"))
    assert home.index("LATE-1") < home.index("EMERGENCY-1") < home.index("ROUTINE-1")
    assert "Referrals offered but not started" in home
    assert "1 referral has a contract sent to a provider" in home
    assert "Find a place" not in page_text(reviewer_client.get("/home"))


def test_the_pathway_page_is_public_and_names_the_commissioning_teams(client, app_ctx):
    page = client.get("/referrals/how-it-works")
    assert page.status_code == 200
    text = page_text(page)
    assert "How referrals for a place work" in text
    assert "the Virtual School team, for a child in care or previously in care" in text
    assert "within 10 school days" in text
    assert "How referrals for a place work" in page_text(client.get("/"))
