"""Open data about contracts: a "contract" release when one becomes active, a
"contractAmendment" for a variation over the threshold, a "contractTermination" when it is
terminated; each stored as first published, valid against the official OCDS schemas, with no
child's data (no placement reference, no title as typed, no reasons in words)."""

from __future__ import annotations

import json

import pytest

from portal.contracts.models import DIRECT_GROUNDS
from portal.core.db import db
from portal.settings.models import FrameworkSetting
from tests.competitions.schema_check import problems
from tests.contracts.contract_pages import (
    award_placement,
    contracts,
    date_parts,
    hidden,
    make_direct,
)
from tests.support import factories


@pytest.fixture
def on_lot(organisation):
    factories.admit(organisation, "mentoring")
    return organisation


def _package(client, contract_id: int) -> dict:
    response = client.get(f"/contracts/{contract_id}/release-package")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def _accept(provider_client, contract_id: int) -> None:
    url = f"/contracts/{contract_id}"
    assert (
        provider_client.post(f"{url}/accept", data=hidden(provider_client, url)).status_code == 302
    )


def test_a_direct_call_off_is_published_when_accepted_varied_and_terminated(
    client, commissioner_client, provider_client, on_lot
):
    make_direct(commissioner_client, on_lot, title="Mentoring for SEND-0421")
    (made,) = contracts()
    # A draft is not published.
    assert client.get(f"/contracts/{made.id}/release-package").status_code == 404
    _accept(provider_client, made.id)
    first = _package(client, made.id)
    assert problems(first) == []

    # Over the threshold (set to £100 here): £2,700 to £4,500.
    db.session.add(FrameworkSetting(key="OCDS_VARIATION_THRESHOLD_POUNDS", value=100))
    db.session.commit()
    url = f"/contracts/{made.id}/variations/new?kind=volume"
    commissioner_client.post(
        url, data=hidden(commissioner_client, url) | {"planned_units": "100", "reason": "More"}
    )
    url = f"/contracts/{made.id}/terminate"
    commissioner_client.post(
        url, data=hidden(commissioner_client, url) | {"reason": "Moved out of the area"}
    )

    package = _package(client, made.id)
    assert problems(package) == []
    releases = package["releases"]
    assert [r["tag"] for r in releases] == [
        ["contract"],
        ["contractAmendment"],
        ["contractTermination"],
    ]
    # The first release is served exactly as it was first published.
    assert releases[0] == first["releases"][0]
    contract_release = releases[0]
    assert contract_release["ocid"] == f"ocds-flsf00-{made.reference}"
    assert contract_release["tender"]["procurementMethod"] == "direct"
    assert contract_release["tender"]["procurementMethodRationale"] == DIRECT_GROUNDS["urgent_need"]
    assert contract_release["contracts"][0]["value"] == {"amount": 2700, "currency": "GBP"}
    assert releases[1]["contracts"][0]["value"] == {"amount": 4500, "currency": "GBP"}
    assert releases[2]["contracts"][0]["status"] == "terminated"
    # Nothing about the child: not the reference, the title typed, or any reason.
    text = json.dumps(package)
    for private in ("SEND-0421", "Excluded last week", "Moved out of the area", "More"):
        assert private not in text


def test_a_contract_from_an_award_shares_the_competitions_ocid(
    client, commissioner_client, commissioner, provider_client, on_lot
):
    competition_id = award_placement(commissioner_client, commissioner, provider_client, on_lot)
    (made,) = contracts()
    url = f"/contracts/{made.id}/complete"
    end = made.start_on.replace(year=made.start_on.year + 1)
    commissioner_client.post(
        url,
        data=hidden(commissioner_client, url)
        | {"team": "SEND", "held_back_percent": "0", **date_parts("end_on", end)},
    )
    _accept(provider_client, made.id)
    package = _package(client, made.id)
    assert problems(package) == []
    (release,) = package["releases"]
    award = client.get(f"/competitions/{competition_id}/release-package").get_json()
    assert release["ocid"] == award["releases"][0]["ocid"]
    assert release["contracts"][0]["awardID"] == award["releases"][-1]["awards"][0]["id"]
    assert release["contracts"][0]["items"][0]["unit"]["value"] == {"amount": 40, "currency": "GBP"}
    assert "SEND-0421" not in json.dumps(package)
