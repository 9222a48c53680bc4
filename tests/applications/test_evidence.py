"""An evidence question: the provider chooses one of their organisation's usable documents of
the kind asked for (or goes to upload one); a submission freezes the version chosen, and that
document can no longer be deleted."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.applications.models import ApplicationSubmission
from portal.core.db import db
from portal.core.time import today
from portal.documents.models import Document, DocumentUse
from tests.applications import journey
from tests.applications.helpers import CONTENT, page_url, publish, save, start, stored
from tests.documents.helpers import replace, upload
from tests.support.pages import page_errors, page_text, soup

EVIDENCE = CONTENT / "evidence.yaml"
SECTION, PAGE = "safeguarding", "policy"


@pytest.fixture
def draft(provider_client, organisation, admin) -> int:
    publish(EVIDENCE, admin)
    return start(provider_client, organisation)


def _document(title: str) -> Document:
    db.session.rollback()
    return db.session.scalar(select(Document).where(Document.title == title))


def _uploaded(client, organisation, title, **fields) -> Document:
    response = upload(client, organisation, title=title, **fields)
    assert response.status_code == 302, page_errors(response)
    return _document(title)


@pytest.fixture
def ours(provider_client, organisation) -> Document:
    return _uploaded(provider_client, organisation, "Our safeguarding policy")


def _choices(response) -> dict[str, str]:
    """The radios offered: {value: label}."""
    html = soup(response)
    return {
        radio["value"]: html.select_one(f"label[for='{radio['id']}']").get_text(strip=True)
        for radio in html.select("input[name='safeguarding_document']")
    }


def test_the_page_lists_only_the_organisations_usable_documents_of_the_kind(
    provider_client, other_provider_client, organisation, other_organisation, draft, ours
):
    _uploaded(other_provider_client, other_organisation, "Their safeguarding policy")
    _uploaded(provider_client, organisation, "Our insurance", kind="insurance_certificate")
    expired = _uploaded(provider_client, organisation, "Old safeguarding policy")
    expired.current.expiry_date = today() - timedelta(days=1)
    db.session.commit()

    response = provider_client.get(page_url(draft, SECTION, PAGE))

    assert response.status_code == 200
    assert _choices(response) == {str(ours.current.id): "Our safeguarding policy"}
    assert "Version 1" in page_text(response)
    link = soup(response).find("a", string="Upload a new safeguarding and child protection policy")
    assert link["href"] == (
        f"/documents/organisations/{organisation.id}/upload?kind=safeguarding_policy"
        f"&return_to=/applications/{draft}/safeguarding/policy"
        "&question=safeguarding_document"
    )
    assert link.get("target") is None


def test_with_no_documents_the_page_says_so_and_links_to_upload(
    provider_client, organisation, draft
):
    response = provider_client.get(page_url(draft, SECTION, PAGE))

    assert _choices(response) == {}
    assert "You have not uploaded an in-date document of this kind yet." in page_text(response)
    assert soup(response).find("a", string="Upload a new safeguarding and child protection policy")


def test_choosing_a_document_saves_its_version_and_check_answers_shows_it(
    provider_client, draft, ours
):
    response = save(
        provider_client, draft, SECTION, PAGE, {"safeguarding_document": str(ours.current.id)}
    )

    assert response.status_code == 302
    assert stored(draft) == {"safeguarding_document": ours.current.id}
    check = provider_client.get(f"/applications/{draft}/safeguarding/check-answers")
    assert "Our safeguarding policy, version 1" in page_text(check)
    again = provider_client.get(page_url(draft, SECTION, PAGE))
    assert soup(again).select_one("input[name='safeguarding_document'][checked]")["value"] == (
        str(ours.current.id)
    )


def test_nothing_chosen_is_an_error(provider_client, draft, ours):
    response = save(provider_client, draft, SECTION, PAGE, {})

    assert response.status_code == 200
    assert page_errors(response) == {
        "safeguarding_document": "Select a safeguarding and child protection policy document, "
        "or upload one"
    }
    assert stored(draft) == {}


@pytest.mark.parametrize("tampered", ["theirs", "not a number", "expired"])
def test_a_document_not_offered_is_refused_and_nothing_is_stored(
    provider_client, other_provider_client, organisation, other_organisation, draft, ours, tampered
):
    theirs = _uploaded(other_provider_client, other_organisation, "Their safeguarding policy")
    old = _uploaded(provider_client, organisation, "Old safeguarding policy")
    old.current.expiry_date = today() - timedelta(days=1)
    db.session.commit()
    value = {
        "theirs": str(theirs.current.id),
        "not a number": "1 OR 1=1",
        "expired": str(old.current.id),
    }[tampered]

    response = save(provider_client, draft, SECTION, PAGE, {"safeguarding_document": value})

    assert response.status_code == 400
    assert stored(draft) == {}


def test_submitting_freezes_the_document_and_it_cannot_then_be_deleted(
    provider_client, organisation, draft, ours
):
    version = ours.current
    save(provider_client, draft, SECTION, PAGE, {"safeguarding_document": str(version.id)})
    check = f"/applications/{draft}/safeguarding/check-answers"
    assert provider_client.post(check, data={"completed": "yes"}).status_code == 302

    response = journey.submit(provider_client, draft)

    assert response.location == f"/applications/{draft}/confirmation"
    db.session.rollback()
    [submission] = db.session.scalars(select(ApplicationSubmission)).all()
    assert submission.snapshot["answers"]["safeguarding_document"] == version.id
    assert submission.snapshot["documents"] == {
        str(version.id): {
            "version_id": version.id,
            "document_id": ours.id,
            "kind": "safeguarding_policy",
            "title": "Our safeguarding policy",
            "version": 1,
            "filename": "policy.pdf",
            "expiry_date": None,
        }
    }
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(DocumentUse)
            .where(
                DocumentUse.document_version_id == version.id,
                DocumentUse.application_submission_id == submission.id,
            )
        )
        == 1
    )

    delete_url = f"/documents/organisations/{organisation.id}/{ours.id}/delete"
    refused = provider_client.post(delete_url, data={})
    assert refused.status_code == 200
    assert "an application you submitted uses it" in page_text(refused)
    assert _document("Our safeguarding policy") is not None

    assert replace(provider_client, _document("Our safeguarding policy")).status_code == 302
    copy = provider_client.get(f"/applications/{draft}/submitted-answers")
    assert "Our safeguarding policy, version 1" in page_text(copy)
