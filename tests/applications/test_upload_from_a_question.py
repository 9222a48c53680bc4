"""An upload started from an evidence question ("Upload a new ...") comes back to that question
with the new document chosen, rather than leaving the provider on the document's page. The
way back is checked: only the organisation's own application question pages that ask for the
kind uploaded, never another site."""

from urllib.parse import quote

import pytest
from sqlalchemy import select

from portal.core.db import db
from portal.documents.models import Document
from tests.applications.helpers import CONTENT, page_url, publish, start
from tests.documents import corpus
from tests.documents.helpers import FIELDS, post_file
from tests.support.pages import page_errors, page_text, soup

EVIDENCE = CONTENT / "evidence.yaml"
SECTION, PAGE, QUESTION = "safeguarding", "policy", "safeguarding_document"


@pytest.fixture
def draft(provider_client, organisation, admin) -> int:
    publish(EVIDENCE, admin)
    return start(provider_client, organisation)


def _upload_at(client, url: str, kind: str = "safeguarding_policy"):
    return post_file(client, url, FIELDS[kind](), "policy.pdf", corpus.GOOD["policy.pdf"]())


def _only_document() -> Document:
    db.session.rollback()
    [document] = db.session.scalars(select(Document)).all()
    return document


def test_an_upload_from_the_question_returns_to_it_with_the_document_chosen(provider_client, draft):
    question = provider_client.get(page_url(draft, SECTION, PAGE))
    link = soup(question).find("a", string="Upload a new safeguarding and child protection policy")
    form = provider_client.get(link["href"])
    assert soup(form).select_one(".govuk-back-link")["href"] == (
        f"{page_url(draft, SECTION, PAGE)}#{QUESTION}"
    )
    action = soup(form).select_one("form[enctype]")["action"]

    response = _upload_at(provider_client, action)

    version = _only_document().current
    assert response.status_code == 302, page_errors(response)
    assert response.location == (
        f"{page_url(draft, SECTION, PAGE)}?document={version.id}#{QUESTION}"
    )
    back = provider_client.get(response.location)
    assert "has been uploaded and chosen below" in page_text(back)
    chosen = soup(back).select_one(f"input[name='{QUESTION}'][checked]")
    assert chosen["value"] == str(version.id)


# Ways back that must not be followed: the upload ends on the document's own page.
REFUSED = [
    "https://attacker.example/applications/1/safeguarding/policy",
    "//attacker.example/applications/1/safeguarding/policy",
    "/\\attacker.example",
    "javascript:alert(1)",
    "/documents",  # on this site, but not a question page
    "{draft_page}?next=https://attacker.example",  # the question page with more on it
    "{other_page}",  # another organisation's application
    "/applications/{draft}/about/identity",  # a page that asks for no document
]


def test_only_the_organisations_own_question_page_is_a_way_back(
    provider_client, other_provider_client, other_organisation, organisation, draft
):
    other = start(other_provider_client, other_organisation)
    own = page_url(draft, SECTION, PAGE)
    cases = [(own, True)] + [
        (r.format(draft=draft, draft_page=own, other_page=page_url(other, SECTION, PAGE)), False)
        for r in REFUSED
    ]
    for return_to, followed in cases:
        url = (
            f"/documents/organisations/{organisation.id}/upload?kind=safeguarding_policy"
            f"&return_to={quote(return_to, safe='')}&question={QUESTION}"
        )
        form = provider_client.get(url)
        assert ("return_to" in soup(form).select_one("form[enctype]")["action"]) is followed

        response = _upload_at(provider_client, url)

        assert response.status_code == 302, page_errors(response)
        db.session.rollback()
        document = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
        on_its_page = f"/documents/organisations/{organisation.id}/{document.id}"
        assert (response.location != on_its_page) is followed, return_to


def test_a_way_back_to_a_question_for_another_kind_is_ignored(provider_client, organisation, draft):
    url = (
        f"/documents/organisations/{organisation.id}/upload?kind=insurance_certificate"
        f"&return_to={quote(page_url(draft, SECTION, PAGE), safe='')}&question={QUESTION}"
    )

    response = _upload_at(provider_client, url, kind="insurance_certificate")

    document = _only_document()
    assert response.location == f"/documents/organisations/{organisation.id}/{document.id}"
