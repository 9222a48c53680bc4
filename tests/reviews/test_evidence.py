"""What a reviewer reads of the documents a provider chose as evidence: each one's name,
version, dates and status today beside the question, with a download link that is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.time import format_date
from portal.documents.models import Document
from tests.applications import journey
from tests.applications.helpers import CONTENT, publish, save, start
from tests.documents.helpers import date_parts, in_days, replace, upload
from tests.support.pages import soup

SECTION, PAGE, QUESTION = "safeguarding", "policy", "safeguarding_document"
TITLE = "Our safeguarding policy"


def _policy() -> Document:
    db.session.rollback()
    return db.session.scalar(select(Document).where(Document.title == TITLE))


@pytest.fixture
def submitted(provider_client, organisation, admin) -> int:
    """Organisation A's application with its safeguarding policy chosen, submitted: its id."""
    publish(CONTENT / "evidence.yaml", admin)
    draft = start(provider_client, organisation)
    review_by = date_parts(in_days(300))
    response = upload(provider_client, organisation, title=TITLE, review_date=review_by)
    assert response.status_code == 302
    save(provider_client, draft, SECTION, PAGE, {QUESTION: str(_policy().current.id)})
    check = f"/applications/{draft}/{SECTION}/check-answers"
    assert provider_client.post(check, data={"completed": "yes"}).status_code == 302
    assert journey.submit(provider_client, draft).status_code == 302
    return draft


def _evidence_row(client, application_id: int):
    page = client.get(f"/reviews/{application_id}")
    assert page.status_code == 200
    return soup(page).select_one(f"#question-{QUESTION}")


def test_a_reviewer_reads_the_chosen_document_and_downloads_it(
    reviewer_client, reviewer, submitted
):
    row = _evidence_row(reviewer_client, submitted)
    text = " ".join(row.get_text(" ", strip=True).split())

    assert "Which safeguarding and child protection policy should we read?" in text
    assert TITLE in text
    assert "Version 1: policy.pdf" in text
    assert f"Review due {format_date(in_days(300))}" in text
    assert "Status today: Current" in text
    download = row.find("a", href=lambda href: href and href.endswith("/download"))
    assert download.get_text(" ", strip=True).startswith(TITLE)

    response = reviewer_client.get(download["href"])

    assert response.status_code == 302
    assert "X-Amz-Signature" in response.location
    downloads = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "file.downloaded")
    ).all()
    assert [(event.actor_id, event.after["filename"]) for event in downloads] == [
        (reviewer.id, "policy.pdf")
    ]


def test_a_document_replaced_since_shows_what_was_chosen_and_that_it_was_replaced(
    reviewer_client, provider_client, submitted
):
    assert replace(provider_client, _policy()).status_code == 302

    row = _evidence_row(reviewer_client, submitted)
    text = " ".join(row.get_text(" ", strip=True).split())

    assert "Version 1: policy.pdf" in text
    assert "Version 2 has been uploaded since" in text
    version_1 = _policy().versions[0]
    assert row.find("a", href=lambda href: href and href.endswith(f"/{version_1.id}/download"))
