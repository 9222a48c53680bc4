"""The council's capacity search: by type of service, age, needs, district, fewest places and
confirmed only; stale capacity shown as such; only providers still on the lot; a fixed number
of queries; filters that cannot be read are explained, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from portal.admissions.models import Admission
from portal.capacity import services
from portal.capacity.models import NEEDS
from portal.capacity.services import CapacityFilters
from portal.core.db import db
from tests.capacity.helpers import lot_id, make_capacity
from tests.support import factories
from tests.support.pages import page_errors, page_text, soup
from tests.support.queries import queries_for


@pytest.fixture
def published(organisation, other_organisation, provider, other_provider):
    """A: mentoring, ages 11–16, SEMH and EBSA, DY1 and DY2, 3 places, current. B: mentoring,
    ages 5–10, ASD, B63, 6 places, confirmed 40 days ago."""
    factories.admit(organisation, "mentoring")
    factories.admit(other_organisation, "mentoring")
    make_capacity(provider, organisation)
    make_capacity(
        other_provider,
        other_organisation,
        age_from=5,
        age_to=10,
        needs=("asd",),
        districts=("B63",),
        places_now=6,
        days_ago=40,
    )


def _rows(response) -> list[str]:
    return [
        row.select_one("td").get_text(strip=True) for row in soup(response).select("table tbody tr")
    ]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("", ["Organisation B Ltd", "Organisation A Ltd"]),  # most places first
        ("age=12", ["Organisation A Ltd"]),
        ("age=10", ["Organisation B Ltd"]),
        ("needs=semh&needs=ebsa", ["Organisation A Ltd"]),
        ("needs=semh&needs=asd", []),
        ("district=dy2", ["Organisation A Ltd"]),
        ("district=B63", ["Organisation B Ltd"]),
        ("places=4", ["Organisation B Ltd"]),
        ("confirmed_only=yes", ["Organisation A Ltd"]),
    ],
)
def test_the_filters(commissioner_client, published, query, found):
    response = commissioner_client.get(f"/capacity/search?{query}")
    assert response.status_code == 200
    assert _rows(response) == found


def test_the_lot_filter(commissioner_client, published, organisation, provider):
    factories.admit(organisation, "online-tuition")
    make_capacity(provider, organisation, "online-tuition", places_now=9)
    response = commissioner_client.get(f"/capacity/search?lot={lot_id('online-tuition')}")
    assert _rows(response) == ["Organisation A Ltd"]
    assert "Online tuition" in page_text(response)


def test_stale_capacity_is_shown_as_such(reviewer_client, published):
    page = page_text(reviewer_client.get("/capacity/search?district=B63"))
    assert "— out of date" in page
    assert "Out of date" in page


def test_a_provider_taken_off_the_lot_is_not_found(
    commissioner_client, published, other_organisation
):
    db.session.execute(
        update(Admission)
        .where(Admission.organisation_id == other_organisation.id)
        .values(status="suspended")
    )
    db.session.commit()
    assert _rows(commissioner_client.get("/capacity/search")) == ["Organisation A Ltd"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("age=abc", "age", "Age must be a whole number from 4 to 25"),
        ("age=99", "age", "Age must be a whole number from 4 to 25"),
        ("age=-3", "age", "Age must be a whole number from 4 to 25"),
        ("needs=semh&needs=witchcraft", "needs", "Select needs from the list"),
        ("district=DY1+1AA", "district", "Enter a postcode district, like DY1"),
        ("district=%3Cscript%3E", "district", "Enter a postcode district, like DY1"),
        ("places=lots", "places", "Fewest places must be a whole number from 0 to 1000"),
        ("lot=999999", "lot", "Select a type of service from the list"),
        ("lot=abc", "lot", "Select a type of service from the list"),
    ],
)
def test_filters_that_cannot_be_read_are_explained(
    commissioner_client, published, query, field, message
):
    response = commissioner_client.get(f"/capacity/search?{query}")
    assert response.status_code == 200
    assert page_errors(response) == {field: message}
    assert "Correct the filters to see results" in page_text(response)
    assert _rows(response) == []


def _many(count: int, start: int) -> None:
    for number in range(start, start + count):
        user = factories.make_user(f"capacity-{number}@example.org")
        organisation = factories.make_organisation(user, legal_name=f"Provider {number:03d} Ltd")
        factories.admit(organisation, "mentoring", documents=False)
        make_capacity(user, organisation, needs=("semh", "asd", "adhd"), districts=("DY1", "DY3"))


def test_the_search_makes_the_same_number_of_queries_whatever_it_finds(app, commissioner_client):
    factories.make_user("seed@example.org")
    _many(2, 0)
    url = "/capacity/search?needs=semh&district=DY1"
    few = queries_for(app, commissioner_client, url)
    _many(30, 2)
    assert queries_for(app, commissioner_client, url) == few


def test_pages_are_most_places_then_most_recently_confirmed_then_first_published(
    commissioner_client,
):
    """The page is chosen from the capacities in that order before it is joined to providers
    (listing.search_page): 52 capacities over two pages."""
    for number in range(52):
        user = factories.make_user(f"ordered-{number}@example.org")
        organisation = factories.make_organisation(user, legal_name=f"Provider {number:03d} Ltd")
        factories.admit(organisation, "mentoring", documents=False)
        # Places 4, 3, 2, 1 in turn; within each, three days (the later published the more
        # recently confirmed, within a day).
        make_capacity(user, organisation, places_now=4 - number % 4, days_ago=number % 3)
    found = _rows(commissioner_client.get("/capacity/search"))
    found += _rows(commissioner_client.get("/capacity/search?page=2"))
    expected = sorted(range(52), key=lambda number: (number % 4, number % 3, -number))
    assert found == [f"Provider {number:03d} Ltd" for number in expected]


def test_search_is_what_referrals_call(published, organisation):
    found = services.search(
        CapacityFilters(lot_id=lot_id(), age=12, needs=("semh",), district="dy1")
    )
    assert [capacity.organisation_id for capacity in found] == [organisation.id]
    band = services.matching(lot_id(), "8-10", [], None)
    assert [capacity.places_now for capacity in band] == [6]


def test_the_results_download_as_csv_and_xlsx(commissioner_client, published):
    csv = commissioner_client.get("/capacity/search/export?needs=semh")
    assert csv.status_code == 200
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].lstrip("\ufeff").startswith("Provider,Type of service,Places now")
    assert len(lines) == 2 and lines[1].startswith("Organisation A Ltd,Mentoring,3,5,11,16,")
    xlsx = commissioner_client.get("/capacity/search/export-xlsx?needs=semh")
    assert xlsx.status_code == 200
    assert xlsx.data[:2] == b"PK"


def test_a_download_with_filters_it_cannot_read_goes_back_to_the_search(
    commissioner_client, published
):
    response = commissioner_client.get("/capacity/search/export?age=abc")
    assert response.status_code == 302
    assert response.location == "/capacity/search?age=abc"


def test_each_row_lists_its_needs_and_districts_in_order(
    commissioner_client, organisation, provider
):
    """Read in one string each with the page's rows (listing.search_page), in the order the
    capacity's own lists keep: by need, then by district."""
    factories.admit(organisation, "mentoring")
    capacity = make_capacity(
        provider,
        organisation,
        needs=("speech_language", "adhd", "semh"),
        districts=("WV1", "DY10", "B63", "DY1"),
    )
    [row] = soup(commissioner_client.get("/capacity/search")).select("table tbody tr")
    cells = [cell.get_text(strip=True) for cell in row.select("td")]
    assert cells[5] == "; ".join(NEEDS[need.need] for need in capacity.needs)
    assert (
        cells[5]
        == "ADHD; Social, emotional and mental health (SEMH); Speech, language and communication"
    )
    assert cells[6] == "B63, DY1, DY10, WV1"


def test_capacity_with_no_needs_says_so(commissioner_client, organisation, provider):
    factories.admit(organisation, "mentoring")
    make_capacity(provider, organisation, needs=())
    [row] = soup(commissioner_client.get("/capacity/search")).select("table tbody tr")
    assert row.select("td")[5].get_text(strip=True) == "None named"


@pytest.mark.parametrize("page", ["3", "99", "2147483647"])
def test_a_page_past_the_end_shows_the_last(commissioner_client, page):
    """The page's one statement finds no row past the end to carry the count: the count is read
    alone and the last page shown, even for a page number past any integer."""
    _many(52, 0)
    response = commissioner_client.get(f"/capacity/search?page={page}")
    assert response.status_code == 200
    assert "52 results, showing 51 to 52" in page_text(response)
    last = _rows(commissioner_client.get("/capacity/search?page=2"))
    assert len(last) == 2 and _rows(response) == last


def test_a_page_past_the_end_of_nothing_found_says_nothing_matches(commissioner_client, published):
    response = commissioner_client.get("/capacity/search?needs=medical&page=4")
    assert response.status_code == 200
    assert "No capacity matches these filters" in page_text(response)
