"""Replacing a document adds a version and keeps the history; deleting removes a document and
its files, unless a submitted application used it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from portal.applications.models import Application, ApplicationSubmission
from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.documents import services
from portal.questionnaires import services as questionnaires
from tests.documents import corpus
from tests.documents.helpers import (
    NOTHING_SAVED,
    keys_in_store,
    only_document,
    read_object,
    replace,
    row_counts,
    upload,
)
from tests.support.pages import page_errors, page_h1, page_text, soup

QUESTIONNAIRE = Path(questionnaires.__file__).parent / "content" / "v1.yaml"


def test_a_new_version_becomes_current_and_the_old_one_stays(provider_client, organisation):
    upload(provider_client, organisation, "policy.pdf")
    document = only_document()
    first_key = document.current.file.object_key

    response = replace(provider_client, document, "policy.docx")

    assert response.location == f"/documents/organisations/{organisation.id}/{document.id}"
    document = only_document()
    assert [version.number for version in document.versions] == [1, 2]
    assert document.current.file.original_filename == "policy.docx"
    assert read_object(first_key) == corpus.pdf()
    assert sorted(keys_in_store(organisation)) == sorted(
        version.file.object_key for version in document.versions
    )
    page = provider_client.get(response.location)
    assert "Version 2 of ‘Safeguarding and child protection policy’ has been uploaded" in (
        page_text(page)
    )
    history = [row.select("td")[0].get_text(strip=True) for row in soup(page).select("tbody tr")]
    assert history == ["2", "1"]
    downloads = [a["href"] for a in soup(page).select("tbody a")]
    assert len(downloads) == 2
    assert provider_client.get(downloads[1]).status_code == 302
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["document.uploaded", "document.replaced"]


def test_a_bad_new_version_leaves_the_document_as_it_was(provider_client, organisation):
    upload(provider_client, organisation, "policy.pdf")
    document = only_document()

    response = replace(provider_client, document, "policy.docx", corpus.docx_with_macro())

    assert page_errors(response) == {
        "file": "The selected file contains macros: save it as a DOCX without macros and try again"
    }
    assert row_counts() == {"documents": 1, "document_versions": 1, "stored_files": 1}
    assert keys_in_store(organisation) == [document.current.file.object_key]


def test_a_member_who_is_not_an_owner_can_upload_and_replace(app, organisation):
    from tests.conftest import sign_in
    from tests.support import factories

    member = factories.make_user("member@example.org", full_name="Mo Member")
    factories.add_member(organisation, member)
    client = sign_in(app.test_client(), member)

    upload(client, organisation, "policy.pdf")
    replace(client, only_document(), "policy.odt")

    assert [version.number for version in only_document().versions] == [1, 2]


def test_council_staff_can_read_but_not_change(reviewer_client, provider_client, organisation):
    upload(provider_client, organisation, "policy.pdf")
    document = only_document()
    base = f"/documents/organisations/{organisation.id}"

    page = reviewer_client.get(f"{base}/{document.id}")
    assert page.status_code == 200
    assert "Upload a new version" not in page_text(page)
    assert "Not scanned" in page_text(page)
    assert reviewer_client.get(f"{base}/{document.id}/replace").status_code == 403
    assert reviewer_client.post(f"{base}/{document.id}/delete").status_code == 403
    assert reviewer_client.get(f"{base}/upload").status_code == 403


def test_deleting_a_draft_removes_it_from_the_database_and_the_store(provider_client, organisation):
    upload(provider_client, organisation, "policy.pdf")
    replace(provider_client, only_document(), "policy.docx")
    document = only_document()
    url = f"/documents/organisations/{organisation.id}/{document.id}/delete"

    confirm = provider_client.get(url)
    assert page_h1(confirm) == (
        "Are you sure you want to delete ‘Safeguarding and child protection policy’?"
    )
    response = provider_client.post(url)

    assert response.location == f"/documents/organisations/{organisation.id}"
    assert row_counts() == NOTHING_SAVED
    assert keys_in_store(organisation) == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "document.deleted"))
    assert event.after["title"] == "Safeguarding and child protection policy"


def _submitted_application(organisation, user) -> ApplicationSubmission:
    version, _new = questionnaires.load_version(QUESTIONNAIRE)
    application = Application(
        organisation_id=organisation.id,
        questionnaire_version_id=version.id,
        status="submitted",
        created_by_id=user.id,
    )
    db.session.add(application)
    db.session.flush()
    submission = ApplicationSubmission(
        application_id=application.id, number=1, declaration={}, snapshot={}
    )
    db.session.add(submission)
    db.session.flush()
    return submission


def test_a_document_a_submitted_application_used_cannot_be_deleted(
    provider_client, organisation, provider
):
    upload(provider_client, organisation, "policy.pdf")
    document = only_document()
    submission = _submitted_application(organisation, provider)
    services.record_use(submission.id, [document.current.id])
    db.session.commit()
    url = f"/documents/organisations/{organisation.id}/{document.id}/delete"

    page = provider_client.get(url)
    assert page_h1(page) == "You cannot delete ‘Safeguarding and child protection policy’"
    response = provider_client.post(url)

    assert page_errors(response) == {
        "submit": "You cannot delete this document because an application you submitted uses "
        "it. Upload a new version instead"
    }
    assert row_counts()["documents"] == 1
    assert len(keys_in_store(organisation)) == 1
    # It can still be replaced, and the version the application used stays readable.
    replace(provider_client, only_document(), "policy.docx")
    first = only_document().versions[0]
    assert read_object(first.file.object_key) == corpus.pdf()
