"""Open data: the OCDS 1.1 release package of a published, awarded or cancelled competition, at
a stable address, valid against the OCDS schemas shipped in tests/competitions/ocds/, with no
personal data."""

from __future__ import annotations

import json

import pytest

from tests.competitions import helpers
from tests.competitions.schema_check import problems


def _package(client, competition_id: int) -> dict:
    response = client.get(f"/competitions/{competition_id}/release-package")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


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


def test_an_awarded_competition_is_a_valid_award_release_without_personal_data(
    client,
    published,
    provider_client,
    other_provider_client,
    commissioner_client,
    evaluator_client,
    provider,
    other_provider,
):
    helpers.quote_and_submit(provider_client, published, ["A1", "A2"], "1000.50")
    helpers.quote_and_submit(other_provider_client, published, ["B1", "B2"], "1250")
    helpers.pass_deadline(published)
    quote_ids = sorted(
        q.id for q in (helpers.quote_of(published, o) for o in (1, 2)) if q is not None
    )
    for each in (commissioner_client, evaluator_client):
        each.post(f"/competitions/{published}/declaration", data={"has_conflict": "no"})
        helpers.score_all(each, published, quote_ids, {q: [3, 3] for q in quote_ids})
        each.post(f"/competitions/{published}/evaluation/submit")
    helpers.moderate_all(commissioner_client, published, {q: [3, 3] for q in quote_ids})
    commissioner_client.post(f"/competitions/{published}/moderation/close")
    url = f"/competitions/{published}/award"
    commissioner_client.post(
        url,
        data=helpers.hidden(commissioner_client, url)
        | {"winner": str(quote_ids[0]), "standstill": "no"},
    )
    package = _package(client, published)
    assert problems(package) == []
    (release,) = package["releases"]
    assert release["tag"] == ["award"]
    (award,) = release["awards"]
    assert award["status"] == "active"
    assert award["value"] == {"amount": 1000.5, "currency": "GBP"}
    assert release["tender"]["numberOfTenderers"] == 2
    text = json.dumps(package)
    for personal in (provider.full_name, other_provider.full_name, provider.email, "DY1 1AA"):
        assert personal not in text


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
    (release,) = package["releases"]
    assert release["tag"] == ["tenderCancellation"]
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
