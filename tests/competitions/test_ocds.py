"""Open data: the OCDS 1.1 release package of a published competition, holding every release made
about it as it was first published, and its record package, at stable addresses, valid against
the OCDS schemas shipped in tests/competitions/ocds/, with no personal data. An award is published
with its whole value (rate times the units bought), the rate as the item's unit price."""

from __future__ import annotations

import json

import pytest

from tests.competitions import helpers
from tests.competitions.schema_check import problems
from tests.support.pages import field_value, page_errors


def _package(client, competition_id: int, kind: str = "release") -> dict:
    response = client.get(f"/competitions/{competition_id}/{kind}-package")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def _award(clients, competition_id: int, quotes: list[tuple], standstill: str = "no") -> None:
    """Quotes from each (client, answers, price), then evaluation, moderation and the award to
    the first provider's quote."""
    commissioner_client, evaluator_client = clients
    for client, answers, price in quotes:
        helpers.quote_and_submit(client, competition_id, answers, price)
    helpers.pass_deadline(competition_id)
    quote_ids = sorted(
        q.id for q in (helpers.quote_of(competition_id, o) for o in (1, 2)) if q is not None
    )
    for each in (commissioner_client, evaluator_client):
        each.post(f"/competitions/{competition_id}/declaration", data={"has_conflict": "no"})
        helpers.score_all(each, competition_id, quote_ids, {q: [3, 3] for q in quote_ids})
        each.post(f"/competitions/{competition_id}/evaluation/submit")
    helpers.moderate_all(commissioner_client, competition_id, {q: [3, 3] for q in quote_ids})
    commissioner_client.post(f"/competitions/{competition_id}/moderation/close")
    url = f"/competitions/{competition_id}/award"
    response = commissioner_client.post(
        url,
        data=helpers.hidden(commissioner_client, url)
        | {"winner": str(quote_ids[0]), "standstill": standstill},
    )
    assert response.status_code == 302


@pytest.fixture
def published(commissioner_client, commissioner, evaluator, on_lot):
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    return competition_id


def test_a_draft_or_one_cancelled_unpublished_has_no_release(commissioner_client, client, on_lot):
    competition_id = helpers.create(commissioner_client)
    assert client.get(f"/competitions/{competition_id}/release-package").status_code == 404
    url = f"/competitions/{competition_id}/cancel"
    response = commissioner_client.post(
        url, data=helpers.hidden(commissioner_client, url) | {"reason": "Not needed"}
    )
    assert response.status_code == 302
    assert client.get(f"/competitions/{competition_id}/release-package").status_code == 404


def test_a_published_competition_is_a_valid_tender_release(client, published):
    package = _package(client, published)
    assert problems(package) == []
    (release,) = package["releases"]
    assert release["tag"] == ["tender"]
    assert release["tender"]["status"] == "active"
    assert package["uri"].endswith(f"/competitions/{published}/release-package")
    # Before the deadline, nothing about the quotes, not even how many.
    assert "numberOfTenderers" not in release["tender"]


def test_an_awarded_competition_keeps_its_tender_release_as_published(
    client,
    published,
    provider_client,
    other_provider_client,
    commissioner_client,
    evaluator_client,
    provider,
    other_provider,
):
    (tender,) = _package(client, published)["releases"]
    _award(
        (commissioner_client, evaluator_client),
        published,
        [(provider_client, ["A1", "A2"], "1000.50"), (other_provider_client, ["B1", "B2"], "1250")],
    )
    package = _package(client, published)
    assert problems(package) == []
    # The tender as it was published (still "active", no count of quotes), then the award and
    # its confirmation (no standstill), oldest first, each with its own id.
    assert package["releases"][0] == tender
    assert [each["tag"] for each in package["releases"]] == [["tender"], ["award"], ["awardUpdate"]]
    assert len({each["id"] for each in package["releases"]}) == 3
    award_release, confirmed = package["releases"][1:]
    assert [award["status"] for award in (award_release["awards"] + confirmed["awards"])] == [
        "pending",
        "active",
    ]
    (award,) = confirmed["awards"]
    # A total price: the award is worth the price, for one piece of work.
    assert award["value"] == {"amount": 1000.5, "currency": "GBP"}
    assert confirmed["tender"]["numberOfTenderers"] == 2
    text = json.dumps(package)
    for personal in (provider.full_name, other_provider.full_name, provider.email, "DY1 1AA"):
        assert personal not in text


def test_an_hourly_award_is_published_at_its_whole_value_with_the_rate_in_its_item(
    client,
    commissioner,
    evaluator,
    on_lot,
    provider_client,
    other_provider_client,
    commissioner_client,
    evaluator_client,
):
    form = helpers.mini_competition_form(price_basis="hourly", planned_units="200")
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner, form
    )
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    (tender,) = _package(client, competition_id)["releases"]
    assert tender["tender"]["items"][0]["quantity"] == 200
    _award(
        (commissioner_client, evaluator_client),
        competition_id,
        [(provider_client, ["A1", "A2"], "39.60"), (other_provider_client, ["B1", "B2"], "45")],
    )
    package = _package(client, competition_id)
    assert problems(package) == []
    (award,) = package["releases"][-1]["awards"]
    assert award["value"] == {"amount": 7920, "currency": "GBP"}
    (item,) = award["items"]
    assert item["quantity"] == 200
    assert item["unit"] == {
        "name": "Price per hour",
        "value": {"amount": 39.6, "currency": "GBP"},
    }


def test_a_price_per_unit_needs_the_number_the_council_will_buy(commissioner_client, on_lot):
    for typed, message in (
        ("", "Enter how many hours, days or placements the council will buy"),
        ("0", "Number to buy must be a whole number from 1 to 100000"),
        ("100001", "Number to buy must be a whole number from 1 to 100000"),
    ):
        form = helpers.mini_competition_form(price_basis="daily", planned_units=typed)
        response = commissioner_client.post("/competitions/new?kind=mini_competition", data=form)
        assert response.status_code == 200
        assert page_errors(response) == {"planned_units": message}
        # What was typed stays on the page.
        assert field_value(response, "title") == form["title"]


def test_the_record_package_links_every_release_under_one_ocid(
    client, published, commissioner_client
):
    url = f"/competitions/{published}/cancel"
    response = commissioner_client.post(
        url, data=helpers.hidden(commissioner_client, url) | {"reason": "Not needed"}
    )
    assert response.status_code == 302
    releases = _package(client, published)["releases"]
    record_package = _package(client, published, "record")
    assert problems(record_package, "record-package-schema.json") == []
    assert record_package["packages"] == [_package(client, published)["uri"]]
    (record,) = record_package["records"]
    assert record["ocid"] == releases[0]["ocid"]
    assert [
        (each["url"].rsplit("#", 1)[1], each["date"], each["tag"]) for each in record["releases"]
    ] == [(each["id"], each["date"], each["tag"]) for each in releases]
    assert [each["tag"] for each in record["releases"]] == [["tender"], ["tenderCancellation"]]
    assert client.get("/competitions/999999/record-package").status_code == 404


def test_a_cancelled_placement_request_says_nothing_of_the_child(
    commissioner_client, commissioner, client, on_lot
):
    competition_id = helpers.create(commissioner_client, "placement_request")
    helpers.name_evaluators(commissioner_client, competition_id, [commissioner], commissioner)
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    url = f"/competitions/{competition_id}/cancel"
    response = commissioner_client.post(
        url, data=helpers.hidden(commissioner_client, url) | {"reason": "Need met elsewhere"}
    )
    assert response.status_code == 302
    package = _package(client, competition_id)
    assert problems(package) == []
    release = package["releases"][-1]
    assert [each["tag"] for each in package["releases"]] == [["tender"], ["tenderCancellation"]]
    assert release["tender"]["status"] == "cancelled"
    text = json.dumps(package)
    for detail in ("SEND-0421", "DY1", "Anxiety", "calm, consistent mentor"):
        assert detail not in text


def test_the_checker_refuses_what_the_schema_refuses():
    good = {
        "uri": "https://example.org/p",
        "version": "1.1",
        "publishedDate": "2027-03-05T12:00:00Z",
        "publisher": {"name": "Council"},
        "releases": [
            {
                "ocid": "ocds-x-1",
                "id": "1",
                "date": "2027-03-05T12:00:00Z",
                "tag": ["tender"],
                "initiationType": "tender",
                "tender": {"id": "1", "status": "active"},
            }
        ],
    }
    assert problems(good) == []
    bad = json.loads(json.dumps(good))
    del bad["publisher"]["name"]
    bad["version"] = "one"
    bad["releases"][0]["tag"] = ["finished"]
    bad["releases"][0]["date"] = "5 March 2027"
    bad["releases"][0]["tender"]["status"] = "open"
    del bad["releases"][0]["ocid"]
    found = problems(bad)
    assert len(found) == 6, found
