"""The review page at scale: the answers flagged for the reviewer (failed pass/fail answers, and
chosen documents that need attention today) summarised at the top, each linked to and marked on
its question with a link to the next; a contents list to every section."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from portal.core.db import db
from portal.documents.models import Document
from tests.applications import journey
from tests.applications.helpers import publish, save, start
from tests.documents.helpers import upload
from tests.support.pages import soup
from tests.support.queries import queries_for

FLAGGED = Path(__file__).parent / "content" / "flagged.yaml"
OFFENCES = "Has anyone in your organisation been convicted of a serious offence?"
TAX = "Has your organisation failed to pay its taxes?"


def _submit(provider_client, organisation, admin, *, offences: str, tax: str) -> int:
    if admin is not None:
        publish(FLAGGED, admin)
    draft = start(provider_client, organisation)
    assert upload(provider_client, organisation, title="Our policy").status_code == 302
    policy = db.session.scalar(
        select(Document).where(
            Document.title == "Our policy", Document.organisation_id == organisation.id
        )
    )
    save(provider_client, draft, "exclusions", "offences", {"offences": offences})
    save(provider_client, draft, "exclusions", "tax", {"tax": tax})
    save(
        provider_client,
        draft,
        "safeguarding",
        "policy",
        {"safeguarding_document": str(policy.current.id)},
    )
    for section in ("exclusions", "safeguarding"):
        check = f"/applications/{draft}/{section}/check-answers"
        assert provider_client.post(check, data={"completed": "yes"}).status_code == 302
    assert journey.submit(provider_client, draft).status_code == 302
    return draft


@pytest.fixture
def flagged(provider_client, organisation, admin) -> int:
    return _submit(provider_client, organisation, admin, offences="yes", tax="yes")


def _text(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


def test_failed_answers_are_listed_at_the_top_and_marked_on_their_questions(
    reviewer_client, flagged
):
    page = soup(reviewer_client.get(f"/reviews/{flagged}"))

    summary = page.select_one(".app-flagged-summary")
    assert _text(summary).startswith("Answers to check 2 answers were flagged")
    assert [(_text(a), a["href"]) for a in summary.select("a")] == [
        (OFFENCES, "#question-offences"),
        (TAX, "#question-tax"),
    ]
    assert "Mandatory exclusion ground: a serious offence" in _text(summary)
    # Above every answer, so it is read first.
    assert page.select_one("#section-exclusions") is not None
    assert summary.find_next(id="section-exclusions") is not None

    for question, message in (
        ("offences", "Mandatory exclusion ground: a serious offence"),
        ("tax", "Discretionary exclusion ground: tax misconduct"),
    ):
        row = page.select_one(f"#question-{question}")
        assert "Flagged" in _text(row.select_one("dt"))
        assert message in _text(row.select_one("dd"))
    # Not flagged: the policy is current.
    assert "Flagged" not in _text(page.select_one("#question-safeguarding_document"))


def test_next_flagged_answer_links_walk_the_flags_then_return_to_the_summary(
    reviewer_client, flagged
):
    page = soup(reviewer_client.get(f"/reviews/{flagged}"))

    def onward(question: str) -> tuple[str, str]:
        (link,) = page.select_one(f"#question-{question}").select('a[href^="#"]')
        shown = "".join(link.find_all(string=True, recursive=False)).strip()
        return shown, link["href"]

    assert onward("offences") == ("Next flagged answer", "#question-tax")
    assert onward("tax") == ("Back to the answers to check", "#flagged-answers")


def test_the_contents_list_links_to_every_section_and_every_in_page_link_lands(
    reviewer_client, flagged
):
    page = soup(reviewer_client.get(f"/reviews/{flagged}"))

    contents = page.select_one("nav.app-contents")
    assert [_text(a) for a in contents.select("a")] == [
        "Answers to check (2)",
        "Council note",
        "The organisation",
        "Exclusion grounds",
        "Safeguarding",
        "Declaration",
        "DBS register when submitted",
    ]
    ids = {element["id"] for element in page.select("[id]")}
    in_page = [a["href"] for a in page.select('a[href^="#"]')]
    assert [href for href in in_page if href[1:] not in ids] == []
    for a in contents.select("a"):
        assert page.select_one(a["href"]).name == "h2"


def test_nothing_flagged_shows_no_summary(reviewer_client, provider_client, organisation, admin):
    clean = _submit(provider_client, organisation, admin, offences="no", tax="no")

    page = soup(reviewer_client.get(f"/reviews/{clean}"))

    assert page.select_one(".app-flagged-summary") is None
    assert "Answers to check" not in _text(page.select_one("nav.app-contents"))


def test_the_review_page_makes_the_same_queries_with_flags_or_without(
    app,
    reviewer_client,
    provider_client,
    organisation,
    other_provider_client,
    other_organisation,
    admin,
):
    flagged = _submit(provider_client, organisation, admin, offences="yes", tax="yes")
    clean = _submit(other_provider_client, other_organisation, None, offences="no", tax="no")
    reviewer_client.get(f"/reviews/{clean}")  # the questionnaire is read once and cached

    assert queries_for(app, reviewer_client, f"/reviews/{flagged}") == queries_for(
        app, reviewer_client, f"/reviews/{clean}"
    )
