"""A referral in a real browser, axe on every page: a commissioner records a referral, sees the
provider whose published capacity matches it, and makes the placement request the referral's
page starts (filled in from the referral), which matches it. The placement request is then
quoted for, scored and awarded, and the contract completed, sent and accepted, through the
pages' requests (as tests/contracts does: the browser part is the referral); the referral has
started, and the time-to-place dashboard counts it. The public page about the pathway opens
for anyone."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from portal.accounts.models import COMMISSIONER
from portal.core.db import db
from portal.core.time import today
from tests.browser.axe import check_accessibility
from tests.browser.people import fill_date, landed, sign_in
from tests.contracts.contract_pages import award_placement, contracts
from tests.contracts.contract_pages import date_parts as contract_date_parts
from tests.contracts.contract_pages import hidden as contract_hidden
from tests.referrals.helpers import give_capacity
from tests.support import factories
from tests.support.pages import page_errors


def test_a_referral_is_matched_by_capacity_placed_and_counted(
    page: Page,
    new_page,
    live_server,
    commissioner,
    commissioner_client,
    provider_client,
    organisation,
):
    base = live_server
    factories.admit(organisation, "mentoring")
    give_capacity(organisation)  # SEMH and EBSA, in DY1 and DY2, ages 11 to 18
    colleague = factories.make_user(
        "commissioner-2@council.example.org", role=COMMISSIONER, two_factor=True
    )
    staff = (colleague.email, colleague.totp_secret)
    db.session.commit()

    # The public page, for anyone, from the start page.
    visitor = new_page()
    visitor.goto(f"{base}/")
    check_accessibility(visitor)
    visitor.get_by_role("link", name="How referrals for a place work").click()
    landed(visitor, "How referrals for a place work")

    # The commissioner records a referral.
    sign_in(page, base, *staff)
    page.get_by_role("link", name="Referrals", exact=True).click()
    landed(page, "Referrals")
    page.get_by_role("button", name="Record a referral").click()
    landed(page, "Record a referral")
    page.get_by_label("Type of service").select_option(label="Mentoring")
    page.get_by_label("Age band").select_option(label="14 to 16")
    page.get_by_label("Social, emotional and mental health (SEMH)").check()
    page.get_by_label("Emotionally-based school avoidance (EBSA)").check()
    page.get_by_label("Summary of needs").fill("Tommy Brown has not attended since half term.")
    page.get_by_label("Postcode district").fill("DY1")
    page.get_by_label("Urgent", exact=True).check()
    page.get_by_label("SEND", exact=True).check()
    page.get_by_label("Team or school asking for the place").fill("Inclusion team")
    fill_date(page, "required_start", today() + timedelta(days=14))
    page.get_by_role("button", name="Save referral").click()
    # A name is refused beside its field, with what was typed kept.
    landed(page, "Record a referral")
    expect(page.locator(".govuk-error-summary")).to_contain_text("must not include a name")
    page.get_by_label("Summary of needs").fill("Has not attended since half term; anxious.")
    page.get_by_role("button", name="Save referral").click()
    reference = f"RF-{today().year}-0001"
    landed(page, f"Referral {reference}", f"Referral {reference} has been recorded")
    expect(page.get_by_role("region", name="Providers with matching capacity")).to_contain_text(
        "Organisation A Ltd"
    )

    # The placement request the referral's page starts, filled in from it.
    page.get_by_role("button", name="Make a placement request").click()
    landed(page, "Create a placement request")
    expect(page.get_by_label("Council reference code")).to_have_value(reference)
    expect(page.get_by_label("Area")).to_have_value("DY1")
    page.get_by_label("Description").fill("Mentoring twice a week near home.")
    page.get_by_label("Requirements").fill("An experienced mentor; sessions in the community.")
    page.get_by_label("Hours a week").fill("4")
    page.get_by_label("Price per hour").check()
    page.locator("#planned_units").fill("120")
    fill_date(page, "clarification_date", today() + timedelta(days=5))
    page.locator("#clarification_time").fill("12pm")
    fill_date(page, "submission_date", today() + timedelta(days=10))
    page.locator("#submission_time").fill("12pm")
    page.get_by_role("button", name="Save draft").click()
    landed(page, "Placement for referral", "saved as a draft")
    competition_id = int(page.url.rsplit("/", 1)[1])

    page.goto(f"{base}/referrals")
    landed(page, "Referrals")
    page.get_by_role("link", name=reference).click()
    landed(page, f"Referral {reference}")
    expect(page.locator("main")).to_contain_text("Matched")
    # Its details can still be changed, or it can be closed: both pages pass axe.
    page.get_by_role("link", name="Change the details").click()
    landed(page, f"Change referral {reference}")
    expect(page.get_by_label("Postcode district")).to_have_value("DY1")
    page.go_back()
    landed(page, f"Referral {reference}")
    page.get_by_role("link", name="Close the referral").click()
    landed(page, f"Close referral {reference}")
    page.go_back()
    landed(page, f"Referral {reference}")

    # Awarded, completed, sent and accepted through the pages' requests.
    award_placement(
        commissioner_client, commissioner, provider_client, organisation,
        competition_id=competition_id,
    )  # fmt: skip
    (made,) = contracts()
    contract_id, contract_reference, start = made.id, made.reference, made.start_on
    db.session.commit()  # the live server writes next: hold no lock on SQLite
    url = f"/contracts/{contract_id}/complete"
    response = commissioner_client.post(
        url,
        data=contract_hidden(commissioner_client, url)
        | {
            "team": "SEND",
            "held_back_percent": "10",
            "placement_reference": reference,
            **contract_date_parts("end_on", start + timedelta(days=90)),
        },
    )
    assert response.status_code == 302, page_errors(response)
    contract_page = f"/contracts/{contract_id}"
    accepted = provider_client.post(
        f"{contract_page}/accept", data=contract_hidden(provider_client, contract_page)
    )
    assert accepted.status_code == 302
    db.session.commit()

    page.reload()
    landed(page, f"Referral {reference}")
    expect(page.locator("main")).to_contain_text("Started on")
    expect(page.locator("main")).to_contain_text(f"contract {contract_reference}")

    # The dashboard counts it, within the target.
    page.get_by_role("link", name="Referrals", exact=True).first.click()
    landed(page, "Referrals")
    page.get_by_role("link", name="Time to place").click()
    landed(page, "Time to place")
    expect(page.locator("main")).to_contain_text("1 placed")
    expect(page.locator("main")).to_contain_text("100% placed within 10 school days")
