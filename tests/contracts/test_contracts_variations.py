"""Variations and termination of an active contract: extend, change the volume, change the
rate, each a new version with its reason, who approved it and the new total, shown on the
contract's page; a stale page, a value that changes nothing, bad values and an end before a
month already delivered are refused, nothing half-written. Terminating needs a reason."""

from __future__ import annotations

from datetime import date

import pytest

from portal.contracts.models import ACTIVE, CHANGE_RATE, CHANGE_VOLUME, EXTEND, Delivery
from portal.core.db import db
from tests.contracts.contract_pages import contract, date_parts, hidden, releases, versions
from tests.contracts.helpers import make_active_contract
from tests.support.pages import page_errors, page_text


@pytest.fixture
def active(organisation, commissioner):
    # £45 a session for 60 sessions (£2,700), 4 January to 16 July 2027, 10% held back.
    return make_active_contract(organisation, user=commissioner)


def _vary(client, contract_id: int, kind: str, **values):
    url = f"/contracts/{contract_id}/variations/new?kind={kind}"
    return client.post(url, data=hidden(client, url) | values)


def test_each_variation_is_a_version_with_its_reason_approval_and_total(
    commissioner_client, commissioner, active
):
    response = _vary(
        commissioner_client,
        active.id,
        "extend",
        **date_parts("end_on", date(2027, 9, 30)),
        reason="The school asked for the summer term as well",
    )
    assert response.location == f"/contracts/{active.id}", page_errors(response)
    _vary(commissioner_client, active.id, "volume", planned_units="80", reason="More sessions")
    _vary(commissioner_client, active.id, "rate", rate="£50", reason="Annual uplift agreed")

    now = contract(active.id)
    assert (now.end_on, now.planned_units, now.rate_pence) == (date(2027, 9, 30), 80, 5000)
    assert (now.total_pence, now.version_number, now.status) == (400_000, 4, ACTIVE)
    kept = versions(active.id)
    assert [(v.number, v.kind, v.total_pence) for v in kept] == [
        (1, "original", 270_000),
        (2, EXTEND, 270_000),
        (3, CHANGE_VOLUME, 360_000),
        (4, CHANGE_RATE, 400_000),
    ]
    assert {v.approved_by_id for v in kept[1:]} == {commissioner.id}
    page = page_text(commissioner_client.get(f"/contracts/{active.id}"))
    for words in (
        "The school asked for the summer term as well",
        "More sessions",
        "Annual uplift agreed",
        "£4,000",
        "Approved by",
    ):
        assert words in page


def test_a_stale_page_is_refused(app, commissioner_client, active):
    url = f"/contracts/{active.id}/variations/new?kind=volume"
    stale = hidden(commissioner_client, url)
    _vary(commissioner_client, active.id, "rate", rate="£50", reason="Uplift")
    response = commissioner_client.post(url, data=stale | {"planned_units": "90", "reason": "More"})
    assert page_errors(response) == {
        "submit": "This contract has just been changed by someone else. Check it again"
    }
    assert contract(active.id).planned_units == 60
    assert len(versions(active.id)) == 2


@pytest.mark.parametrize(
    ("kind", "values", "field", "message"),
    [
        ("volume", {"planned_units": ""}, "planned_units", "Enter the new planned volume"),
        (
            "volume",
            {"planned_units": "0"},
            "planned_units",
            "Enter a planned volume between 1 and 100,000",
        ),
        (
            "volume",
            {"planned_units": "many"},
            "planned_units",
            "New planned volume must be a whole number, like 40",
        ),
        (
            "volume",
            {"planned_units": "60"},
            "planned_units",
            "Enter a different value: this is what the contract says now",
        ),
        ("rate", {"rate": "-4"}, "rate", "New rate must be more than £0"),
        ("rate", {"rate": "£200,000"}, "rate", "Enter a rate between 1p and £100,000"),
        (
            "rate",
            {"rate": "forty"},
            "rate",
            "New rate must be an amount of money, like £45 or £45.50",
        ),
        ("extend", {}, "end_on-day", "Enter the new end date"),
        (
            "extend",
            date_parts("end_on", date(2026, 12, 1)),
            "end_on-day",
            "The end date must be the same as or after the start date",
        ),
        (
            "extend",
            {"end_on": ["40", "1", "2027"]},
            "end_on-day",
            "New end date must be a real date",
        ),
    ],
)
def test_bad_values_are_refused(commissioner_client, active, kind, values, field, message):
    response = _vary(commissioner_client, active.id, kind, reason="A reason", **values)
    assert page_errors(response) == {field: message}
    assert len(versions(active.id)) == 1
    assert contract(active.id).version_number == 1


def test_a_reason_is_needed_and_must_not_name_a_child(commissioner_client, active):
    response = _vary(commissioner_client, active.id, "volume", planned_units="70", reason="")
    assert page_errors(response) == {"reason": "Enter the reason for the variation"}
    response = _vary(
        commissioner_client,
        active.id,
        "volume",
        planned_units="70",
        reason="Kacey Brown needs more",
    )
    assert "must not include a name" in page_errors(response)["reason"]
    assert len(versions(active.id)) == 1


def test_an_end_before_a_month_already_delivered_is_refused(commissioner_client, active):
    db.session.add(Delivery(contract_id=active.id, month=date(2027, 3, 1), units_delivered=12))
    db.session.commit()
    response = _vary(
        commissioner_client,
        active.id,
        "extend",
        **date_parts("end_on", date(2027, 2, 26)),
        reason="Shorter",
    )
    assert page_errors(response) == {
        "end_on-day": (
            "The end date must not be before March 2027: that month's delivery has been recorded"
        )
    }
    response = _vary(commissioner_client, active.id, "volume", planned_units="10", reason="Fewer")
    assert page_errors(response) == {
        "planned_units": "The planned volume must not be below the 12 already delivered"
    }
    # Within the delivered month is allowed.
    response = _vary(
        commissioner_client,
        active.id,
        "extend",
        **date_parts("end_on", date(2027, 3, 19)),
        reason="Ends early",
    )
    assert response.status_code == 302, page_errors(response)


def test_only_an_active_contract_is_varied(commissioner_client, organisation, commissioner):
    draft = make_active_contract(organisation, user=commissioner, active=False)
    assert (
        commissioner_client.get(f"/contracts/{draft.id}/variations/new?kind=rate").status_code
        == 404
    )
    assert (
        commissioner_client.get(f"/contracts/{draft.id}/variations/new?kind=other").status_code
        == 404
    )


def test_a_variation_over_the_threshold_is_published(commissioner_client, active):
    # The threshold is £5,000 by default: £2,700 to £4,000 is not published...
    _vary(commissioner_client, active.id, "rate", rate="£66.66", reason="Uplift")
    assert releases(active.id) == []
    # ...£4,000 to £12,000 is.
    _vary(commissioner_client, active.id, "volume", planned_units="180", reason="A longer plan")
    (release,) = releases(active.id)
    assert release.tag == "contractAmendment"
    assert release.body["contracts"][0]["value"] == {"amount": 11998.8, "currency": "GBP"}


def test_terminating_needs_a_reason_and_is_published(commissioner_client, provider_client, active):
    url = f"/contracts/{active.id}/terminate"
    refused = commissioner_client.post(url, data=hidden(commissioner_client, url) | {"reason": ""})
    assert page_errors(refused) == {"reason": "Enter a reason"}
    assert contract(active.id).status == ACTIVE
    response = commissioner_client.post(
        url, data=hidden(commissioner_client, url) | {"reason": "The placement ended early"}
    )
    assert response.location == f"/contracts/{active.id}"
    ended = contract(active.id)
    assert ended.status == "terminated" and ended.termination_reason == "The placement ended early"
    assert [r.tag for r in releases(active.id)] == ["contractTermination"]
    page = page_text(provider_client.get(f"/contracts/{active.id}"))
    assert "Terminated" in page and "The placement ended early" in page
    assert commissioner_client.get(url).status_code == 404


def test_a_contract_past_its_end_date_shows_as_ended_and_an_extension_revives_it(
    commissioner_client, organisation, commissioner
):
    lapsed = make_active_contract(
        organisation, user=commissioner, start_on=date(2025, 1, 6), end_on=date(2025, 3, 28)
    )
    assert "Ended" in page_text(commissioner_client.get(f"/contracts/{lapsed.id}"))
    assert lapsed.reference in page_text(commissioner_client.get("/contracts?status=ended"))
    assert lapsed.reference not in page_text(commissioner_client.get("/contracts?status=active"))
    response = _vary(
        commissioner_client,
        lapsed.id,
        "extend",
        **date_parts("end_on", date(2099, 1, 1)),
        reason="Continues",
    )
    assert response.status_code == 302, page_errors(response)
    commissioner_client.get(response.location)  # where its success message is shown
    assert lapsed.reference not in page_text(commissioner_client.get("/contracts?status=ended"))
    assert lapsed.reference in page_text(commissioner_client.get("/contracts?status=active"))
