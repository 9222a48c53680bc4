"""A mini-competition in a real browser, axe on every page: a commissioner drafts and publishes
it to a lot of three providers; one asks a question that all see answered; two submit (one
revises), one declines; the commissioner extends the deadline with a reason and the providers
see it; the deadline passes (the test moves it, no waiting); two evaluators
declare and score; the lead moderates; the commissioner awards; both bidders read their
assessment summaries."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from portal.competitions.services.common import format_deadline
from portal.core.db import db
from portal.core.time import LONDON, utcnow
from tests.browser.axe import check_accessibility
from tests.browser.people import arrive, fill_deadline, heading, sign_in
from tests.competitions import helpers
from tests.competitions.conftest import evaluator, on_lot  # noqa: F401


def open_competition(page: Page, base: str, title: str, heading_text: str = "Opportunities"):
    page.goto(f"{base}/competitions")
    arrive(page, heading_text)
    page.get_by_role("link", name=title).click()
    arrive(page, title)


def quote(page: Page, answers: list[str], price: str, title: str) -> None:
    arrive(page, "Your quote")
    for number, answer in enumerate(answers, start=1):
        page.locator("textarea").nth(number - 1).fill(answer)
    page.locator("#price").fill(price)
    page.get_by_role("button", name="Save and check your quote").click()
    arrive(page, "Check and submit your quote")
    page.get_by_role("button", name="Submit quote").click()
    arrive(page, title)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your quote has been submitted"
    )


def score_quotes(page: Page, base: str, competition_id: int, scores: dict[str, list[int]]):
    page.goto(f"{base}/competitions/{competition_id}")
    arrive(page, TITLE)
    page.get_by_role("link", name="Your evaluation").click()
    arrive(page, "Declare any conflict of interest")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Make declaration").click()
    arrive(page, "Evaluation")
    for name, values in scores.items():
        page.get_by_role("link", name=f"Read and score the quote from {name}").click()
        arrive(page, f"Score {name}")
        for number, value in enumerate(values, start=1):
            page.get_by_role("group", name=f"Your score for question {number}").get_by_label(
                f"{value} – ", exact=False
            ).check()
            page.get_by_label(f"Your comment on question {number}").fill(f"Met {value} fully")
        page.get_by_role("button", name="Save scores").click()
        arrive(page, "Evaluation")
    page.get_by_role("button", name="Submit your scores").click()
    arrive(page, "Evaluation")


TITLE = "Supported internships for 2027"


def test_a_mini_competition_in_the_browser(
    page: Page,
    new_page,
    live_server,
    commissioner,
    evaluator,  # noqa: F811
    on_lot,  # noqa: F811
):
    base = live_server
    people = {
        "commissioner": (commissioner.email, commissioner.totp_secret),
        "evaluator": (evaluator.email, evaluator.totp_secret),
    }
    evaluator_name = evaluator.full_name
    db.session.commit()

    # The commissioner drafts the mini-competition.
    sign_in(page, base, *people["commissioner"])
    page.get_by_role("link", name="Competitions", exact=True).click()
    arrive(page, "Competitions")
    page.get_by_role("link", name="Create a mini-competition").click()
    arrive(page, "Create a mini-competition")
    page.get_by_label("Type of service").select_option(label="Mentoring")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill("A year of supported internships for 12 young people.")
    page.get_by_label("Requirements").fill("Job coaching and an employer placement.")
    page.get_by_label("Total price").check()
    page.get_by_label("Quality weight").fill("60")
    page.get_by_label("Price weight").fill("40")
    start = (utcnow() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    fill_deadline(page, "clarification", start)
    fill_deadline(page, "submission", start + timedelta(days=5))
    page.get_by_role("button", name="Save draft").click()
    arrive(page, TITLE)
    for text in ("How will you find employers?", "How will you support each intern?"):
        page.get_by_role("link", name="Add a question").click()
        arrive(page, "Add a question")
        page.get_by_label("Question").fill(text)
        page.get_by_label("Weight").fill("30")
        page.get_by_label("Word limit").fill("200")
        page.get_by_role("button", name="Add question").click()
        arrive(page, TITLE)
    page.get_by_role("link", name="Name the evaluators").click()
    arrive(page, "Evaluators")
    evaluators = page.get_by_role("group", name="Evaluators")
    evaluators.get_by_label(commissioner.full_name, exact=False).check()
    evaluators.get_by_label(evaluator_name, exact=False).check()
    page.get_by_role("group", name="Lead evaluator").get_by_label(commissioner.full_name).check()
    page.get_by_role("button", name="Save evaluators").click()
    arrive(page, TITLE)
    page.get_by_role("link", name="Publish", exact=True).click()
    expect(heading(page)).to_contain_text("Publish MC-")
    check_accessibility(page)
    expect(page.locator("main")).to_contain_text("Organisation C Ltd")
    page.get_by_role("button", name="Publish and invite providers").click()
    arrive(page, TITLE)
    competition_id = int(page.url.rsplit("/", 1)[1])

    # Provider A asks a question.
    a, b, c = new_page(), new_page(), new_page()
    for tab, email in (
        (a, "provider-a@example.org"),
        (b, "provider-b@example.org"),
        (c, "provider-c@example.org"),
    ):
        sign_in(tab, base, email)
        open_competition(tab, base, TITLE)
    a.get_by_role("link", name="Ask a question").click()
    arrive(a, "Ask a question")
    a.get_by_label("Your question").fill("Can interns start in June?")
    a.get_by_role("button", name="Send question").click()
    arrive(a, TITLE)

    # The commissioner answers it to all.
    page.reload()
    arrive(page, TITLE)
    page.get_by_role("link", name="Answer question 1").click()
    arrive(page, "Answer a question")
    page.get_by_label("Answer", exact=True).fill("Yes, from 1 June.")
    page.get_by_role("button", name="Publish answer to all invited providers").click()
    arrive(page, TITLE)
    for tab in (a, b, c):
        tab.reload()
        arrive(tab, TITLE)
        expect(tab.locator("main")).to_contain_text("Yes, from 1 June.")

    # A submits, then revises; B submits; C declines.
    a.get_by_role("link", name="Start your quote").click()
    quote(a, ["Employers we know well", "Weekly coaching"], "1250", TITLE)
    a.get_by_role("link", name="Change your quote").click()
    quote(a, ["Employers we know well", "Weekly coaching and reviews"], "1000", TITLE)
    expect(a.locator("main")).to_contain_text("You submitted version 2")
    b.get_by_role("link", name="Start your quote").click()
    quote(b, ["A wide network", "Daily coaching"], "1250", TITLE)
    c.get_by_role("link", name="Tell the council you will not quote").click()
    arrive(c, "Decline to quote")
    c.get_by_label("Why are you not quoting?").fill("No capacity this year")
    c.get_by_role("button", name="Tell the council you will not quote").click()
    arrive(c, TITLE)

    page.reload()
    arrive(page, TITLE)
    expect(page.locator("main")).to_contain_text("2 of 3 invited providers have submitted")

    # The commissioner gives everyone a day longer, and says why; the providers see it.
    page.get_by_role("link", name="Extend the deadline").click()
    expect(heading(page)).to_contain_text("Extend the deadline for MC-")
    check_accessibility(page)
    later = start + timedelta(days=6)
    local = later.astimezone(LONDON)
    page.locator("#submission_date-day").fill(str(local.day))
    page.locator("#submission_date-month").fill(str(local.month))
    page.locator("#submission_date-year").fill(str(local.year))
    page.get_by_label("Time quotes close").fill(f"{local:%H:%M}")
    page.get_by_label("Reason for the extension").fill("The employers' fair moved a day.")
    page.get_by_role("button", name="Extend the deadline").click()
    arrive(page, TITLE)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The deadline has been extended and every provider invited has been emailed"
    )
    c.reload()
    arrive(c, TITLE)
    expect(c.locator("main")).to_contain_text(f"Quotes close at {format_deadline(later)}.")

    # The deadline passes.
    helpers.pass_deadline(competition_id)

    # Two evaluators declare and score, independently.
    reviewer_tab = new_page()
    sign_in(reviewer_tab, base, *people["evaluator"])
    score_quotes(
        reviewer_tab,
        base,
        competition_id,
        {"Organisation A Ltd": [3, 2], "Organisation B Ltd": [4, 3]},
    )
    score_quotes(
        page, base, competition_id, {"Organisation A Ltd": [3, 3], "Organisation B Ltd": [4, 2]}
    )

    # The lead moderates.
    for name, agreed in (("Organisation A Ltd", [3, 3]), ("Organisation B Ltd", [4, 2])):
        page.get_by_role("link", name=f"Agree scores for {name}").click()
        arrive(page, f"Agree scores for {name}")
        for number, value in enumerate(agreed, start=1):
            page.get_by_role("group", name=f"Agreed score for question {number}").get_by_label(
                f"{value} – ", exact=False
            ).check()
            page.get_by_label(f"Reason for the agreed score for question {number}").fill(
                f"The panel agreed {value}"
            )
        page.get_by_role("button", name="Save agreed scores").click()
        arrive(page, "Evaluation")
    page.get_by_role("button", name="Close moderation").click()
    arrive(page, "Evaluation")

    # The commissioner reads the ranking and awards.
    page.goto(f"{base}/competitions/{competition_id}")
    arrive(page, TITLE)
    page.get_by_role("link", name="Results and ranking").click()
    arrive(page, "Results")
    expect(page.locator("tbody tr").first).to_contain_text("Organisation A Ltd")
    page.get_by_role("link", name="Award").click()
    expect(heading(page)).to_contain_text("Award MC-")
    check_accessibility(page)
    page.get_by_label("No, confirm the award now").check()
    page.get_by_role("button", name="Award").click()
    arrive(page, TITLE)
    expect(page.locator("main")).to_contain_text("Awarded to Organisation A Ltd")

    # Both bidders read their assessment summaries.
    for tab, words in ((a, "Your quote won"), (b, "Your quote ranked 2 of 2")):
        tab.reload()
        arrive(tab, TITLE)
        tab.get_by_role("link", name="Read your assessment summary").click()
        arrive(tab, "Your assessment summary")
        expect(tab.locator("main")).to_contain_text(words)
        expect(tab.locator("main")).to_contain_text("The panel agreed")
