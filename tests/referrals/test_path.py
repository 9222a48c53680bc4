"""A referral's path: a placement request made for it matches it, the contract from its award
sent to the provider offers it, the provider's acceptance starts it (on the contract's start
date); a direct call-off naming it offers it at once; a cancelled placement request or a
withdrawn contract puts it back to wait for a match. Each move is audited and emailed to the
referrer. The referral's page shows the capacity matching it and links to the placement
request it would make, filled in from the referral."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from portal.referrals.models import MATCHED, OFFERED, RECEIVED, STARTED
from portal.referrals.services.measures import school_days
from tests.competitions import helpers as competitions
from tests.contracts.contract_pages import award_placement, contracts, make_direct
from tests.contracts.contract_pages import date_parts as contract_date_parts
from tests.contracts.contract_pages import hidden as contract_hidden
from tests.referrals.helpers import give_capacity, hidden, record, referral, referral_events
from tests.support import factories
from tests.support.emails import emails_to, link_in
from tests.support.pages import field_value, page_errors, page_text, soup


def _complete_and_send(client, contract_id: int, end) -> None:
    url = f"/contracts/{contract_id}/complete"
    response = client.post(
        url,
        data=contract_hidden(client, url)
        | {
            "team": "SEND",
            "held_back_percent": "10",
            "placement_reference": "SEND-0421",
            **contract_date_parts("end_on", end),
        },
    )
    assert response.status_code == 302, page_errors(response)


def test_a_referral_is_matched_offered_and_started_through_a_placement_request(
    commissioner_client, commissioner, provider_client, on_lot
):
    referral_id = record(commissioner_client, reference="SEND-0421")
    competition_id = award_placement(commissioner_client, commissioner, provider_client, on_lot)
    matched = referral(referral_id)
    assert (matched.status, matched.competition_id) == (MATCHED, competition_id)
    assert matched.matched_at is not None

    (made,) = contracts()
    assert referral(referral_id).status == MATCHED  # a draft not yet sent offers nothing
    assert "0 placed" in page_text(commissioner_client.get("/referrals/dashboard"))
    _complete_and_send(commissioner_client, made.id, made.start_on.replace(year=2099))
    offered = referral(referral_id)
    assert (offered.status, offered.contract_id) == (OFFERED, made.id)

    accept = provider_client.post(
        f"/contracts/{made.id}/accept",
        data=contract_hidden(provider_client, f"/contracts/{made.id}"),
    )
    assert accept.status_code == 302
    started = referral(referral_id)
    assert (started.status, started.started_on) == (STARTED, made.start_on)
    # The school days it took are stored as it starts, and the dashboard counts it on its next
    # view (the database keeps the counts it adds up: ReferralDayCount).
    assert started.school_days_to_start == school_days(started.received_on, made.start_on)
    assert "1 placed" in page_text(commissioner_client.get("/referrals/dashboard"))
    assert referral_events() == [
        "referral.recorded",
        "referral.matched",
        "referral.offered",
        "referral.started",
    ]
    emails = emails_to(commissioner.email)
    subjects = [email.subject for email in emails]
    for status in ("matched", "offered", "started"):
        assert f"Referral SEND-0421: {status}" in subjects
    (started_email,) = [email for email in emails if email.subject.endswith(": started")]
    assert link_in(started_email, "/referrals/") == f"/referrals/{referral_id}"
    assert f"Contract {made.reference} was accepted" in started_email.body
    page = page_text(commissioner_client.get(f"/referrals/{referral_id}"))
    assert "Started on" in page and f"contract {made.reference}" in page


def test_a_direct_call_off_naming_the_referral_offers_it_at_once(
    commissioner_client, commissioner, on_lot
):
    referral_id = record(commissioner_client, reference="SEND-0421")
    response = make_direct(commissioner_client, on_lot)
    assert response.status_code == 302, page_errors(response)
    (made,) = contracts()
    offered = referral(referral_id)
    assert (offered.status, offered.contract_id) == (OFFERED, made.id)
    assert offered.matched_at == offered.offered_at
    assert referral_events() == ["referral.recorded", "referral.offered"]

    url = f"/contracts/{made.id}/terminate"
    response = commissioner_client.post(
        url,
        data=contract_hidden(commissioner_client, url) | {"reason": "The school found a place."},
    )
    assert response.status_code == 302, page_errors(response)
    again = referral(referral_id)
    assert (again.status, again.contract_id, again.offered_at) == (RECEIVED, None, None)
    assert referral_events()[-1] == "referral.received"


def test_a_cancelled_placement_request_puts_the_referral_back_to_wait(
    commissioner_client, commissioner
):
    referral_id = record(commissioner_client, reference="SEND-0421")
    competition_id = competitions.create(commissioner_client, "placement_request")
    assert referral(referral_id).status == MATCHED
    url = f"/competitions/{competition_id}/cancel"
    response = commissioner_client.post(
        url, data=competitions.hidden(commissioner_client, url) | {"reason": "Made in error."}
    )
    assert response.status_code == 302, page_errors(response)
    assert (referral(referral_id).status, referral(referral_id).competition_id) == (RECEIVED, None)


def test_a_closed_referral_is_left_alone(commissioner_client, on_lot):
    referral_id = record(commissioner_client, reference="SEND-0421")
    url = f"/referrals/{referral_id}/close"
    commissioner_client.post(
        url, data=hidden(commissioner_client, url) | {"reason": "Needs met at school."}
    )
    assert make_direct(commissioner_client, on_lot).status_code == 302
    assert referral(referral_id).status == "closed"
    assert referral(referral_id).contract_id is None


def test_stale_capacity_and_other_districts_are_shown_when_asked_for(
    commissioner_client, organisation, other_organisation
):
    factories.admit(organisation, "mentoring")
    factories.admit(other_organisation, "mentoring")
    give_capacity(organisation, confirmed_days_ago=45)
    give_capacity(other_organisation, districts=("B63",), ages=(16, 25))
    referral_id = record(commissioner_client)
    url = f"/referrals/{referral_id}"
    assert "No provider's published capacity matches" in page_text(commissioner_client.get(url))
    with_stale = page_text(commissioner_client.get(f"{url}?stale=yes"))
    assert "Organisation A Ltd" in with_stale and "Organisation B Ltd" not in with_stale
    assert "Not confirmed recently" in with_stale
    # Ages 16 to 25 overlap the band 14 to 16: a child of 16 could be placed there.
    anywhere = page_text(commissioner_client.get(f"{url}?anywhere=yes"))
    assert "Organisation B Ltd" in anywhere and "Organisation A Ltd" not in anywhere
    older = record(commissioner_client, age_band="5-7")
    assert "Organisation B Ltd" not in page_text(
        commissioner_client.get(f"/referrals/{older}?anywhere=yes")
    )


def test_the_page_shows_matching_capacity_and_prefills_the_placement_request(
    commissioner_client, reviewer_client, organisation, other_organisation
):
    factories.admit(organisation, "mentoring")
    factories.admit(other_organisation, "mentoring")
    give_capacity(organisation)  # SEMH and EBSA, DY1 and DY2, 11 to 18
    give_capacity(other_organisation, needs=("semh",))  # not EBSA: not a match
    referral_id = record(commissioner_client)
    page = commissioner_client.get(f"/referrals/{referral_id}")
    text = page_text(page)
    assert "Organisation A Ltd" in text and "Organisation B Ltd" not in text

    link = soup(page).select_one("a.govuk-button[href^='/competitions/new']")["href"]
    query = parse_qs(urlsplit(link).query)
    assert query["reference_code"] == [referral(referral_id).reference]
    assert query["needs"] == ["semh", "ebsa"]
    form = commissioner_client.get(link)
    assert field_value(form, "reference_code") == referral(referral_id).reference
    assert field_value(form, "area") == "DY1"
    assert "calm, consistent mentor" in field_value(form, "needs_summary")
    assert soup(form).find("option", selected=True, string="14 to 16") is not None

    direct = soup(page).select_one("a[href^='/contracts/new']")["href"]
    # A reviewer reads the referral and its matches, and is offered nothing to do.
    read_only = reviewer_client.get(f"/referrals/{referral_id}")
    assert "Organisation A Ltd" in page_text(read_only)
    assert soup(read_only).select_one("a[href^='/competitions/new']") is None
    form = commissioner_client.get(direct)
    assert field_value(form, "placement_reference") == referral(referral_id).reference
