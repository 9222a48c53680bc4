"""A provider applies to join the framework for two lots, from their organisation's page to a
submitted application, on a 320px-wide screen, with the keyboard alone, axe on every page.

The questionnaire is a short one (tests/applications/content/small.yaml) with a lot-specific
section, a question revealed under a radio, dates, a long answer and a repeating group: the
council's own would take too long page by page in a browser.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from portal.core.db import db
from portal.lots.services import ensure_starting_lots
from portal.questionnaires import services as questionnaires
from tests.applications.helpers import SMALL
from tests.browser.axe import check_accessibility
from tests.support import factories

WIDTH = 320
TABS = 80  # more than any page here has stops before its last control


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, as someone with a keyboard would."""
    for _ in range(TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def press(page: Page, target: Locator, key: str = "Enter") -> None:
    tab_to(page, target)
    page.keyboard.press(key)


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def arrive(page: Page, heading: str | re.Pattern) -> None:
    """The page has loaded with this h1, fits a phone's width and passes axe."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.url
    check_accessibility(page)


def save_and_continue(page: Page) -> None:
    press(page, page.get_by_role("button", name="Save and continue"))


def complete_section(page: Page) -> None:
    """On a section's check answers page: "Yes, I've completed this section", Continue."""
    arrive(page, "Check your answers")
    press(page, page.get_by_label("Yes, I've completed this section"), "Space")
    press(page, page.get_by_role("button", name="Continue"))
    arrive(page, "Apply to join the framework")


def open_task(page: Page, title: str) -> None:
    press(page, page.locator(".govuk-task-list").get_by_role("link", name=title))


def test_a_provider_applies_for_two_lots_with_the_keyboard_on_a_phone(
    page: Page, live_server, live_app
):
    with live_app.app_context():
        ensure_starting_lots()
        admin = factories.make_user("admin@council.example.org", role="admin", two_factor=True)
        version, _new = questionnaires.load_version(SMALL)
        questionnaires.publish_version(admin, version.id)
        db.session.commit()
        user = factories.make_user("sam@riverside.example.org", full_name="Sam Rivers")
        factories.make_organisation(user, legal_name="Riverside Mentoring CIC")
    page.set_viewport_size({"width": WIDTH, "height": 640})

    page.goto(f"{live_server}/sign-in")
    arrive(page, "Sign in")
    type_into(page, page.get_by_label("Email address"), user.email)
    type_into(page, page.get_by_label("Password", exact=True), factories.PASSWORD)
    press(page, page.get_by_role("button", name="Sign in"))
    arrive(page, "Your organisations")
    press(page, page.get_by_role("link", name="Riverside Mentoring CIC"))
    arrive(page, "Riverside Mentoring CIC")

    press(page, page.get_by_role("button", name="Apply to join the framework"))
    arrive(page, "Apply to join the framework")
    press(page, page.get_by_role("button", name="Start your application"))
    arrive(page, "Apply to join the framework")
    expect(page.locator("main")).to_contain_text("You have completed 0 of 4 sections.")

    # Lots: two of them, ticked with the space bar.
    open_task(page, "Lots you are applying for")
    arrive(page, "Which lots are you applying for?")
    press(page, page.get_by_label("Online tuition"), "Space")
    press(page, page.get_by_label("Mentoring", exact=True), "Space")
    save_and_continue(page)
    complete_section(page)
    expect(page.locator(".govuk-task-list")).to_contain_text("Mentoring")

    # About your organisation: a prefilled name, a question revealed under Yes, and dates,
    # the first time with a mistake.
    open_task(page, "About your organisation")
    arrive(page, "Legal name")
    expect(page.get_by_label("Legal name")).to_have_value("Riverside Mentoring CIC")
    save_and_continue(page)
    arrive(page, "Insurance")
    insurer = page.get_by_label("Name of your insurer")
    expect(insurer).to_be_hidden()  # revealed under Yes
    press(page, page.get_by_label("Yes"), "Space")
    expect(insurer).to_be_visible()
    type_into(page, page.get_by_label("Name of your insurer"), "Acme Mutual")
    save_and_continue(page)
    arrive(page, "Your cover")
    cover_starts = page.get_by_role("group", name="Cover start date")
    cover_ends = page.get_by_role("group", name="Cover end date")
    for group, date in ((cover_starts, "1 4 2026"), (cover_ends, "1 3 2026")):
        day, month, year = date.split()
        type_into(page, group.get_by_label("Day"), day)
        type_into(page, group.get_by_label("Month"), month)
        type_into(page, group.get_by_label("Year"), year)
    save_and_continue(page)
    arrive(page, "Your cover")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Cover end date must be after 1 April 2026")
    expect(cover_ends.get_by_label("Month")).to_have_value("3")  # what was typed is kept
    type_into(page, cover_ends.get_by_label("Year"), "2027")
    save_and_continue(page)
    complete_section(page)

    # Mentoring, asked because that lot was chosen.
    open_task(page, "Mentoring")
    arrive(page, "Describe how you mentor young people")
    type_into(
        page,
        page.get_by_label("Describe how you mentor young people"),
        "Weekly sessions at school.\nA named mentor for each young person.",
    )
    save_and_continue(page)
    complete_section(page)

    # References: a repeating group.
    open_task(page, "References")
    arrive(page, "Your referees")
    press(page, page.get_by_role("button", name="Add a referee"))
    arrive(page, "Add a referee")
    type_into(page, page.get_by_label("Full name"), "Jo Head")
    type_into(page, page.get_by_label("Email address"), "jo@school.example.org")
    save_and_continue(page)
    arrive(page, "Your referees")
    expect(page.locator(".govuk-summary-card")).to_contain_text("Jo Head")
    save_and_continue(page)
    complete_section(page)
    expect(page.locator("main")).to_contain_text("You have completed 4 of 5 sections.")

    # Check everything, sign the declaration and submit.
    open_task(page, "Declaration")
    arrive(page, "Check your answers before you submit")
    expect(page.locator("main")).to_contain_text("Online tuition, Mentoring")
    press(page, page.get_by_role("button", name="Continue to the declaration"))
    arrive(page, "Declaration")
    type_into(page, page.get_by_label("Your full name"), "Sam Rivers")
    type_into(page, page.get_by_label("Your role in the organisation"), "Director")
    press(page, page.get_by_label("I agree with this declaration"), "Space")
    press(page, page.get_by_role("button", name="Submit application"))
    arrive(page, "Application submitted")
    reference = page.locator(".govuk-panel__body strong")
    expect(reference).to_have_text(re.compile(r"^FLSF-\d{4}-00001$"))

    press(page, page.get_by_role("link", name="View or print what you submitted"))
    arrive(page, re.compile(r"^Application FLSF-\d{4}-00001$"))
    expect(page.locator("main")).to_contain_text("Acme Mutual")
    expect(page.locator("main")).to_contain_text("Agreed by Sam Rivers, Director")
    # Printed, it is the application alone.
    page.emulate_media(media="print")
    for chrome in (
        ".govuk-header",
        ".govuk-service-navigation",
        ".govuk-footer",
        ".govuk-back-link",
    ):
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
