"""A document chosen as evidence in a draft is checked again at submit: if it has expired, been
replaced by a newer version or been deleted since, submitting is refused, the declaration page
links to the question, and the question says why and asks for the document again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.applications.models import ApplicationSubmission
from portal.core.db import db
from portal.core.time import format_date, today
from portal.documents.models import Document
from tests.applications import journey
from tests.applications.helpers import (
    CONTENT,
    application,
    assert_error,
    page_url,
    publish,
    save,
    start,
)
from tests.documents.helpers import replace, upload
from tests.support.pages import soup

SECTION, PAGE, QUESTION = "safeguarding", "policy", "safeguarding_document"
TITLE = "Our safeguarding policy"


@pytest.fixture
def draft(provider_client, organisation, admin) -> int:
    """A draft with our policy chosen as evidence and every section completed."""
    publish(CONTENT / "evidence.yaml", admin)
    draft = start(provider_client, organisation)
    assert upload(provider_client, organisation, title=TITLE).status_code == 302
    save(provider_client, draft, SECTION, PAGE, {QUESTION: str(_policy().current.id)})
    check = f"/applications/{draft}/{SECTION}/check-answers"
    assert provider_client.post(check, data={"completed": "yes"}).status_code == 302
    return draft


def _policy() -> Document:
    db.session.rollback()
    return db.session.scalar(select(Document).where(Document.title == TITLE))


def _summary(response) -> list[tuple[str, str]]:
    """The error summary as (message, link)."""
    return [
        (link.get_text(" ", strip=True), link["href"])
        for link in soup(response).select(".govuk-error-summary__list a")
    ]


def _submissions() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(ApplicationSubmission))


def _refused_with(provider_client, draft, message: str) -> None:
    """Submitting is refused, linking to the question, which says `message` beside it."""
    response = journey.submit(provider_client, draft)

    assert response.status_code == 200
    question_url = page_url(draft, SECTION, PAGE)
    assert _summary(response) == [(message, f"{question_url}#{QUESTION}")]
    assert _submissions() == 0
    assert application(draft).status == "draft"
    assert_error(provider_client.get(question_url), QUESTION, message)


def test_a_document_replaced_since_it_was_chosen_must_be_chosen_again(provider_client, draft):
    assert replace(provider_client, _policy()).status_code == 302

    _refused_with(
        provider_client,
        draft,
        f"You have uploaded a new version of ‘{TITLE}’ since you chose it. "
        "Select the document again",
    )

    new_version = _policy().current
    save(provider_client, draft, SECTION, PAGE, {QUESTION: str(new_version.id)})
    response = journey.submit(provider_client, draft)
    assert response.location == f"/applications/{draft}/confirmation"
    db.session.rollback()
    [submission] = db.session.scalars(select(ApplicationSubmission)).all()
    assert submission.snapshot["answers"][QUESTION] == new_version.id
    assert submission.snapshot["documents"][str(new_version.id)]["version"] == 2


def test_a_document_expired_since_it_was_chosen_is_refused(provider_client, draft):
    policy = _policy()
    expired_on = today() - timedelta(days=1)
    policy.current.expiry_date = expired_on
    db.session.commit()

    _refused_with(
        provider_client,
        draft,
        f"‘{TITLE}’ expired on {format_date(expired_on)}. Upload a new version, then select it "
        "again",
    )


def test_a_document_deleted_since_it_was_chosen_is_refused(provider_client, organisation, draft):
    delete = f"/documents/organisations/{organisation.id}/{_policy().id}/delete"
    assert provider_client.post(delete, data={}).status_code == 302

    _refused_with(
        provider_client,
        draft,
        "The document you chose has been deleted. Select another document, or upload one",
    )


def test_a_document_still_usable_is_not_flagged(provider_client, draft):
    question = provider_client.get(page_url(draft, SECTION, PAGE))
    assert soup(question).select_one(".govuk-error-summary") is None

    response = journey.submit(provider_client, draft)

    assert response.location == f"/applications/{draft}/confirmation"
