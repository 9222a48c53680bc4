"""Acceptance: the provider accepts a contract it was sent (active, audited, the commissioner
told, published), or a commissioner records its acceptance on paper with why. A provider sees
only its own organisations' contracts: anyone else's id is not found."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.contracts.models import ACTIVE, DRAFT
from portal.core.db import db
from tests.contracts.contract_pages import contract, contracts, hidden, make_direct, releases
from tests.support import factories
from tests.support.emails import emails_to, last_email_to
from tests.support.pages import page_errors, page_text


@pytest.fixture
def sent(commissioner_client, organisation):
    factories.admit(organisation, "mentoring")
    response = make_direct(commissioner_client, organisation)
    assert response.status_code == 302, page_errors(response)
    (made,) = contracts()
    return made


def test_the_provider_accepts_and_the_commissioner_is_told(provider_client, commissioner, sent):
    url = f"/contracts/{sent.id}"
    assert "Waiting for the provider to accept" in page_text(provider_client.get("/contracts"))
    response = provider_client.post(f"{url}/accept", data=hidden(provider_client, url))
    assert response.location == url
    accepted = contract(sent.id)
    assert accepted.status == ACTIVE and accepted.accepted_by_id is not None
    email = last_email_to(commissioner.email)
    assert email.subject == f"Contract accepted: {sent.reference}"
    assert "Alex Provider accepted it" in email.body
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contract.accepted")
    ).all()
    assert event.after == {"status": "active"}
    assert [release.tag for release in releases(sent.id)] == ["contract"]
    page = page_text(provider_client.get(url))
    assert "Active" in page and "Accept this contract" not in page


def test_accepting_twice_accepts_once(provider_client, commissioner, sent):
    url = f"/contracts/{sent.id}"
    data = hidden(provider_client, url)
    provider_client.post(f"{url}/accept", data=data)
    again = provider_client.post(f"{url}/accept", data=data)
    assert again.location == url  # the same page's second click goes where the first led
    assert len([e for e in emails_to(commissioner.email) if "accepted" in e.subject]) == 1
    assert len(releases(sent.id)) == 1


def test_a_stale_page_cannot_accept(provider_client, commissioner_client, sent):
    url = f"/contracts/{sent.id}"
    stale = hidden(provider_client, url)
    # The commissioner withdraws it meanwhile.
    terminate = f"{url}/terminate"
    commissioner_client.post(
        terminate, data=hidden(commissioner_client, terminate) | {"reason": "Sent in error"}
    )
    response = provider_client.post(f"{url}/accept", data=stale)
    assert page_errors(response) == {
        "submit": "This contract has just been changed by someone else. Check it again"
    }
    assert contract(sent.id).status == "terminated"


def test_another_organisations_contract_is_not_found(other_provider_client, sent):
    url = f"/contracts/{sent.id}"
    assert other_provider_client.get(url).status_code == 404
    assert other_provider_client.post(f"{url}/accept", data={}).status_code == 404
    assert "You have no contracts yet" in page_text(other_provider_client.get("/contracts"))
    assert other_provider_client.get("/contracts/99999").status_code == 404
    assert contract(sent.id).status == DRAFT


def test_a_commissioner_records_acceptance_on_paper_with_a_reason(commissioner_client, sent):
    url = f"/contracts/{sent.id}/record-acceptance"
    refused = commissioner_client.post(url, data=hidden(commissioner_client, url) | {"reason": ""})
    assert page_errors(refused) == {"reason": "Enter a reason"}
    refused = commissioner_client.post(
        url, data=hidden(commissioner_client, url) | {"reason": "Signed by Mrs Jones at the school"}
    )
    assert "must not include a name" in page_errors(refused)["reason"]
    assert contract(sent.id).status == DRAFT

    response = commissioner_client.post(
        url,
        data=hidden(commissioner_client, url)
        | {"reason": "The provider has no internet access this week; signed copy on file"},
    )
    assert response.location == f"/contracts/{sent.id}"
    accepted = contract(sent.id)
    assert accepted.status == ACTIVE
    assert accepted.accepted_on_paper_reason.startswith("The provider has no internet")
    assert "on paper" in page_text(commissioner_client.get(f"/contracts/{sent.id}"))
    assert commissioner_client.get(url).status_code == 404
