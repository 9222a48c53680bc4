"""An award becomes a contract: confirming an award (at once, or after its standstill) makes a
draft for the winner on the winning quote's terms; a commissioner completes it and sends it;
the provider accepts it. Two confirmations at once make one contract."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.competitions.models import Competition
from portal.contracts.models import ACTIVE, DRAFT, FROM_AWARD, Contract
from portal.core.db import db
from portal.core.time import today
from tests.conftest import sign_in
from tests.contracts.contract_pages import (
    award_placement,
    contract,
    contracts,
    date_parts,
    end_standstill,
    hidden,
    versions,
)
from tests.support import factories
from tests.support.emails import emails_to, last_email_to
from tests.support.pages import page_errors, page_text


@pytest.fixture
def on_lot(organisation):
    factories.admit(organisation, "mentoring")
    return organisation


def test_an_award_without_standstill_makes_a_draft_on_the_winning_terms(
    commissioner_client, commissioner, provider_client, on_lot
):
    competition_id = award_placement(commissioner_client, commissioner, provider_client, on_lot)

    (made,) = contracts()
    competition = db.session.get(Competition, competition_id)
    assert (made.origin, made.status, made.competition_id) == (FROM_AWARD, DRAFT, competition_id)
    assert made.organisation_id == on_lot.id
    assert (made.unit, made.rate_pence, made.planned_units) == ("hour", 4000, 120)
    assert made.total_pence == 480_000
    assert made.placement_reference == "SEND-0421"
    assert made.start_on == competition.start_date
    assert made.team == "SEND"  # the first team
    assert made.sent_at is None and made.created_by_id == commissioner.id
    # Not yet the provider's to see: the commissioner completes it first.
    assert provider_client.get(f"/contracts/{made.id}").status_code == 404
    assert "You have no contracts yet" in page_text(provider_client.get("/contracts"))
    home = page_text(commissioner_client.get("/home"))
    assert f"Complete and send contract {made.reference}" in home


def test_a_commissioner_completes_and_sends_it_and_the_provider_accepts(
    commissioner_client, commissioner, provider_client, on_lot
):
    award_placement(commissioner_client, commissioner, provider_client, on_lot)
    (made,) = contracts()
    url = f"/contracts/{made.id}/complete"
    end = made.start_on.replace(year=made.start_on.year + 1)

    # The end date is asked for; a team that is not on the list is refused, and so is a share
    # held back above the limit.
    refused = commissioner_client.post(
        url, data=hidden(commissioner_client, url) | {"team": "SEND", "held_back_percent": "10"}
    )
    assert page_errors(refused) == {"end_on-day": "Enter the end date"}
    refused = commissioner_client.post(
        url,
        data=hidden(commissioner_client, url)
        | {"team": "Nobody", "held_back_percent": "40", **date_parts("end_on", end)},
    )
    assert page_errors(refused) == {
        "team": "Select the commissioning team",
        "held_back_percent": "Enter a share held back for outcomes between 0 and 30%",
    }
    assert contract(made.id).sent_at is None

    response = commissioner_client.post(
        url,
        data=hidden(commissioner_client, url)
        | {
            "team": "Virtual School",
            "held_back_percent": "15",
            "placement_reference": "SEND-0421",
            **date_parts("end_on", end),
        },
    )
    assert response.status_code == 302, page_errors(response)
    sent = contract(made.id)
    assert (sent.team, sent.end_on, sent.held_back_percent) == ("Virtual School", end, 15)
    assert sent.sent_at is not None
    assert versions(made.id)[0].end_on == end
    email = last_email_to("provider-a@example.org")
    assert email.subject == f"A contract to accept: {made.reference}"
    assert f"/contracts/{made.id}" in email.body
    # The page to complete it has gone.
    assert commissioner_client.get(url).status_code == 404

    home = page_text(provider_client.get("/home"))
    assert f"Accept contract {made.reference}" in home
    page = provider_client.get(f"/contracts/{made.id}")
    assert "Accept this contract" in page_text(page)
    accept = provider_client.post(
        f"/contracts/{made.id}/accept", data=hidden(provider_client, f"/contracts/{made.id}")
    )
    assert accept.status_code == 302
    assert contract(made.id).status == ACTIVE
    assert last_email_to(commissioner.email).subject == f"Contract accepted: {made.reference}"


def test_an_award_confirmed_after_its_standstill_makes_the_contract_then(
    commissioner_client, commissioner, provider_client, on_lot
):
    competition_id = award_placement(
        commissioner_client, commissioner, provider_client, on_lot, standstill="yes"
    )
    assert contracts() == []
    end_standstill(competition_id)
    response = commissioner_client.post(f"/competitions/{competition_id}/confirm-award")
    assert response.status_code == 302
    (made,) = contracts()
    # The placement asked for a start date: the contract starts then, not on confirmation.
    assert made.start_on == db.session.get(Competition, competition_id).start_date
    assert made.start_on > today()


def test_two_confirmations_at_once_make_one_contract(
    app, commissioner_client, commissioner, provider_client, on_lot
):
    competition_id = award_placement(
        commissioner_client, commissioner, provider_client, on_lot, standstill="yes"
    )
    end_standstill(competition_id)
    colleague = factories.make_user(
        "commissioner-2@council.example.org", role="commissioner", two_factor=True
    )
    colleague_client = sign_in(app.test_client(), colleague)
    url = f"/competitions/{competition_id}/confirm-award"
    db.session.commit()
    start = Barrier(2)

    def confirm(client):
        start.wait()
        return client.post(url)

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(confirm, [commissioner_client, colleague_client]))

    assert [r.status_code for r in responses] == [302, 302]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Contract.id))) == 1
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "contract.made")
        )
        == 1
    )
    assert (
        len([e for e in emails_to("provider-a@example.org") if "Award confirmed" in e.subject]) == 1
    )
