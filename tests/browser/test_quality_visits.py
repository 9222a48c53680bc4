"""A quality visit in a real browser, axe on every page: a reviewer plans a visit from the
quality page, records it against the checklist (one item partly met), adds the action the
finding calls for and publishes the findings; the provider, on a 320px screen with the keyboard
alone, answers the action with a document from its library and marks it done; the reviewer
accepts it, and the provider sees it closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import REVIEWER
from portal.core.db import db
from portal.core.time import today
from portal.quality.services import checklists
from tests.browser.people import fill_date, landed, sign_in
from tests.browser.test_provider_journey import fits_width
from tests.contracts.outcome_helpers import clean_document
from tests.support import factories

PARTLY = "first_day_calling"
ACTION = "Call about every unexplained absence the same morning"


@pytest.fixture
def on_lot(organisation):
    factories.admit(organisation, "mentoring")
    return organisation


def press(page: Page, locator) -> None:
    """Reach `locator` and act on it with the keyboard alone: focus, then Enter."""
    locator.focus()
    page.keyboard.press("Enter")


def test_a_visit_from_planning_to_a_closed_action(
    page: Page, new_page, live_server, live_app, on_lot
):
    base = live_server
    reviewer = factories.make_user(
        "quality-officer@council.example.org", role=REVIEWER, two_factor=True
    )
    document = clean_document(on_lot, "First-day calling procedure")
    items = list(checklists.load_file(checklists.SHIPPED).items)
    name, document_id = on_lot.display_name, document.id
    db.session.commit()

    # The reviewer plans an announced visit from the quality page.
    sign_in(page, base, reviewer.email, reviewer.totp_secret)
    page.get_by_role("link", name="Quality", exact=True).click()
    landed(page, "Quality")
    page.get_by_role("button", name="Plan a visit").click()
    landed(page, "Which provider will you visit?")
    page.get_by_label("Which provider will you visit?").select_option(label=name)
    page.get_by_role("button", name="Continue").click()
    landed(page, f"Plan a visit to {name}")
    page.get_by_label("Announced: the provider is told of the visit now").check()
    page.get_by_label("On site").check()
    page.get_by_label("Mentoring").check()
    page.get_by_label("Sites to visit (optional)").fill("1 High Street, Anytown")
    fill_date(page, "planned_on", today())
    page.get_by_role("button", name="Plan visit").click()
    landed(page, f"Visit to {name}", "The visit to")

    # It records the visit: every item met but first-day calling, partly met.
    page.get_by_role("button", name="Record the visit").click()
    landed(page, f"Record the visit to {name}")
    fill_date(page, "visited_on", today())
    for item_id in items:
        grade = "partly_met" if item_id == PARTLY else "met"
        page.locator(f"input[name=grade_{item_id}][value={grade}]").check()
    page.locator(f"#notes_{PARTLY}").fill("Absences were followed up the next day.")
    page.get_by_label("Summary for the provider").fill("Well run; absence follow-up is slow.")
    page.get_by_role("button", name="Save the visit's record").click()
    landed(page, f"Visit to {name}", "Its judgement is requires improvement")

    # The action the finding calls for, then the findings published.
    page.get_by_role("link", name="Add an action for An unexplained absence").click()
    landed(page, "Add an action for the provider")
    page.get_by_label("What must be done").fill(ACTION)
    page.get_by_label("Who at the provider will do it").fill("Centre manager")
    fill_date(page, "due_on", today() + timedelta(days=30))
    page.get_by_role("button", name="Add action").click()
    landed(page, f"Visit to {name}", f"The action ‘{ACTION}’ has been added")
    page.get_by_role("button", name="Publish findings to the provider").click()
    landed(page, f"Visit to {name}", "The findings have been published to the provider")

    # The provider answers on a phone, with the keyboard alone.
    provider = new_page()
    provider.set_viewport_size({"width": 320, "height": 640})
    sign_in(provider, base, "provider-a@example.org")
    press(provider, provider.get_by_role("link", name="Answer the findings of the visit on"))
    landed(provider, f"Visit to {name}")
    assert fits_width(provider, 320)
    press(provider, provider.get_by_role("link", name=ACTION))
    landed(provider, ACTION)
    assert fits_width(provider, 320)
    press(provider, provider.get_by_role("button", name="Answer and mark as done"))
    landed(provider, "Answer the action")
    assert fits_width(provider, 320)
    provider.get_by_label("What you have done").focus()
    provider.keyboard.type("The duty worker now calls at 10am and emails the school.")
    provider.locator(f"input[name=document_id][value='{document_id}']").focus()
    provider.keyboard.press("Space")
    expect(provider.locator(f"input[name=document_id][value='{document_id}']")).to_be_checked()
    press(provider, provider.get_by_role("button", name="Mark as done"))
    landed(provider, ACTION, "You have marked the action as done")
    assert fits_width(provider, 320)

    # The reviewer finds it waiting, reads the evidence and accepts it.
    page.goto(f"{base}/quality")
    landed(page, "Quality")
    page.get_by_role("link", name=ACTION).click()
    landed(page, ACTION)
    expect(page.get_by_role("link", name="First-day calling procedure")).to_be_visible()
    page.get_by_role("button", name="Accept and close the action").click()
    landed(page, ACTION, "The action has been accepted and closed")

    provider.goto(f"{base}/quality")
    landed(provider, "Quality visits and actions")
    expect(provider.locator("table").filter(has_text=ACTION)).to_contain_text("Closed")
    assert fits_width(provider, 320)
