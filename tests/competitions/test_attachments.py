"""The council's own files on a competition: a commissioner attaches them to a draft with every
upload's checks, removes them before publishing, and the invited providers download them through
the portal (council downloads audited). They are kept in the council's part of the store, which
`flask documents reconcile` keeps in step like every organisation's."""

from __future__ import annotations

import io
import json
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.competitions.models import CompetitionAttachment
from portal.core.db import db
from portal.core.extensions import object_store
from portal.core.time import utcnow
from portal.documents import files
from portal.documents.models import StoredFile
from tests.competitions import helpers
from tests.competitions.schema_check import problems
from tests.conftest import sign_in
from tests.documents import corpus
from tests.documents.helpers import client_of, post_file, read_object, run_command
from tests.support import factories
from tests.support.clamd import eicar
from tests.support.emails import last_email_to
from tests.support.pages import banner_text, page_errors, page_text

COUNCIL = "council/"
WRONG_TYPE = "The selected file must be a PDF, DOCX, XLSX, ODT, JPG or PNG"
HARMFUL_PDF = (
    "The selected PDF contains scripts, attached files or other content that could be harmful: "
    "save it as a new PDF without them (for example, print it to PDF) and try again"
)
VIRUS = (
    "Our virus checker found a problem with the selected file, so it has not been saved. "
    "Choose another file"
)


def _empty_the_council_store(app) -> None:
    with app.app_context():
        for key, _modified in list(object_store.list_objects(COUNCIL)):
            object_store.delete(key)


@pytest.fixture(autouse=True)
def _empty_council_store(app):
    """Ids are reused between tests, so the council's part of the store is emptied too: a test
    sees only the objects its own requests wrote."""
    _empty_the_council_store(app)
    yield
    _empty_the_council_store(app)


def council_keys() -> list[str]:
    return sorted(key for key, _modified in object_store.list_objects(COUNCIL))


def attach(client, competition_id: int, filename: str, content: bytes, **data):
    return post_file(
        client, f"/competitions/{competition_id}/attachments/new", data, filename, content
    )


def nothing_kept() -> dict:
    db.session.rollback()
    return {
        "attachments": db.session.scalar(select(func.count(CompetitionAttachment.id))),
        "files": db.session.scalar(
            select(func.count(StoredFile.id)).where(StoredFile.organisation_id.is_(None))
        ),
        "objects": council_keys(),
    }


NOTHING = {"attachments": 0, "files": 0, "objects": []}


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our test store
        return response.read()


@pytest.fixture
def draft(commissioner_client, commissioner, evaluator, on_lot) -> int:
    return helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )


def only_attachment() -> CompetitionAttachment:
    db.session.rollback()
    return db.session.scalars(select(CompetitionAttachment)).one()


def download_url(competition_id: int, attachment: CompetitionAttachment) -> str:
    return f"/competitions/{competition_id}/attachments/{attachment.id}"


def test_invited_providers_download_the_councils_file_and_others_get_404(
    app,
    draft,
    commissioner_client,
    commissioner,
    provider_client,
    other_provider_client,
    reviewer_client,
    reviewer,
):
    response = attach(commissioner_client, draft, "Specification – 2027.pdf", corpus.pdf())
    assert response.status_code == 302, page_errors(response)
    assert "‘Specification – 2027.pdf’ has been attached" in banner_text(
        commissioner_client.get(response.location)
    )
    attachment = only_attachment()
    stored = attachment.file
    # The council's file: no organisation's, under the council's prefix.
    assert stored.organisation_id is None
    assert stored.purpose == "council_document"
    assert council_keys() == [stored.object_key]
    assert stored.object_key.startswith("council/doc/")
    assert read_object(stored.object_key) == corpus.pdf()
    assert stored.uploaded_by_id == commissioner.id
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "competition.file_attached")
    ).one()
    assert event.after["filename"] == "Specification – 2027.pdf"

    # Before publication no provider can reach it, invited later or not.
    url = download_url(draft, attachment)
    assert provider_client.get(url).status_code == 404
    assert helpers.publish(commissioner_client, draft).status_code == 302

    page = provider_client.get(f"/competitions/{draft}")
    assert "Specification – 2027.pdf" in page_text(page)
    response = provider_client.get(url)
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store"
    assert parse_qs(urlsplit(response.location).query)["X-Amz-Expires"] == ["60"]
    assert _fetch(response.location) == corpus.pdf()
    assert other_provider_client.get(url).status_code == 302  # B is on the lot too

    # A provider on another lot was not invited: 404, as for a competition that is not there.
    outsider = factories.make_user("outsider@example.org", full_name="Oz Outsider")
    factories.admit(
        factories.make_organisation(outsider, legal_name="Elsewhere Ltd"), "online-tuition"
    )
    db.session.commit()
    outsider_client = sign_in(app.test_client(), outsider)
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.get(f"/competitions/{draft}").status_code == 404
    # The file's id under another competition: 404, even to the council.
    other = helpers.create(commissioner_client)
    assert reviewer_client.get(
        f"/competitions/{other}/attachments/{attachment.id}"
    ).status_code == (404)

    # Providers' downloads are not audited; the council's are.
    downloads = select(AuditEvent).where(AuditEvent.action == "file.downloaded")
    assert db.session.scalars(downloads).all() == []
    response = reviewer_client.get(url)
    assert response.status_code == 302
    (event,) = db.session.scalars(downloads).all()
    assert (event.actor_id, event.object_type, event.object_id) == (
        reviewer.id,
        "competition",
        draft,
    )
    assert event.organisation_id is None
    assert event.after == {"file_id": stored.id, "filename": "Specification – 2027.pdf"}


def test_a_file_is_removed_from_a_draft_and_from_the_store(draft, commissioner_client):
    attach(commissioner_client, draft, "pricing.xlsx", corpus.xlsx())
    attach(commissioner_client, draft, "specification.docx", corpus.docx())
    db.session.rollback()
    first, second = db.session.scalars(
        select(CompetitionAttachment).order_by(CompetitionAttachment.id)
    ).all()
    removed_key, kept_key = first.file.object_key, second.file.object_key
    removed_file_id = first.file_id
    assert council_keys() == sorted([removed_key, kept_key])

    response = commissioner_client.post(
        f"/competitions/{draft}/attachments/{first.id}/remove", data={}
    )

    assert response.status_code == 302
    page = commissioner_client.get(response.location)
    assert "The file has been removed" in banner_text(page)
    page = commissioner_client.get(response.location)  # past the banners of the uploads
    assert "pricing.xlsx" not in page_text(page)
    assert "specification.docx" in page_text(page)
    assert only_attachment().id == second.id
    assert council_keys() == [kept_key]
    assert nothing_kept()["files"] == 1
    assert db.session.scalars(
        select(AuditEvent.before).where(AuditEvent.action == "competition.file_removed")
    ).one() == {"file_id": removed_file_id, "filename": "pricing.xlsx"}


def test_once_published_the_files_can_no_longer_be_changed(draft, commissioner_client):
    attach(commissioner_client, draft, "specification.pdf", corpus.pdf())
    attachment = only_attachment()
    assert helpers.publish(commissioner_client, draft).status_code == 302

    response = commissioner_client.post(
        f"/competitions/{draft}/attachments/{attachment.id}/remove", data={}
    )

    assert "Only a draft can be changed" in page_text(commissioner_client.get(response.location))
    assert only_attachment().id == attachment.id
    assert len(council_keys()) == 1
    assert commissioner_client.get(f"/competitions/{draft}/attachments/new").status_code == 404
    assert attach(commissioner_client, draft, "late.pdf", corpus.pdf()).status_code == 404
    assert nothing_kept()["attachments"] == 1


def test_attaching_twice_from_the_same_page_keeps_one_file(draft, commissioner_client):
    page = commissioner_client.get(f"/competitions/{draft}/attachments/new")
    submission_id = page.get_data(as_text=True).split('name="submission_id" value="')[1][:22]

    for _ in range(2):
        response = attach(
            commissioner_client, draft, "spec.pdf", corpus.pdf(), submission_id=submission_id
        )
        assert response.status_code == 302

    assert nothing_kept()["attachments"] == 1
    assert len(council_keys()) == 1


BAD_FILES = {
    "an executable renamed .pdf": ("spec.pdf", corpus.executable, WRONG_TYPE),
    "a PDF that runs JavaScript": ("spec.pdf", corpus.pdf_with_javascript, HARMFUL_PDF),
    "a DOCX with a macro": (
        "spec.docx",
        corpus.docx_with_macro,
        "The selected file contains macros: save it as a DOCX without macros and try again",
    ),
    "a PNG named .pdf": (
        "spec.pdf",
        corpus.png,
        "The selected file is a PNG but its name ends in .pdf: rename it to end in .png or "
        "choose another file",
    ),
    "an empty file": ("spec.pdf", lambda: b"", "The selected file is empty"),
}


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_with_the_reason_and_nothing_is_kept(
    draft, commissioner_client, case
):
    filename, content, message = case

    response = attach(commissioner_client, draft, filename, content())

    assert response.status_code == 200
    assert page_errors(response) == {"file": message}
    assert nothing_kept() == NOTHING


def test_no_file_chosen(draft, commissioner_client):
    response = commissioner_client.post(
        f"/competitions/{draft}/attachments/new",
        data={"file": (io.BytesIO(b""), "")},
        content_type="multipart/form-data",
    )
    assert page_errors(response) == {"file": "Select a file"}


def test_a_zip_bomb_is_refused(draft, commissioner_client, tmp_path_factory):
    bomb = corpus.zip_bomb(tmp_path_factory.getbasetemp() / "bomb.docx")

    response = attach(commissioner_client, draft, "spec.docx", bomb.read_bytes())

    assert page_errors(response) == {
        "file": "The selected file unpacks to more than 300MB: choose a smaller file"
    }
    assert nothing_kept() == NOTHING


def test_a_file_over_the_limit_is_refused(draft, commissioner_client, tmp_path):
    big = corpus.over_limit(tmp_path / "big.pdf", 25)

    response = attach(commissioner_client, draft, "big.pdf", big.read_bytes())

    assert page_errors(response) == {"file": "The selected file must be smaller than 25MB"}
    assert nothing_kept() == NOTHING


def test_a_request_too_large_to_read_gets_the_page_again_with_the_error(draft, commissioner_client):
    response = commissioner_client.post(
        f"/competitions/{draft}/attachments/new",
        input_stream=io.BytesIO(b"0" * (27 * 1024 * 1024)),
        content_length=27 * 1024 * 1024,
        content_type="multipart/form-data; boundary=x",
    )

    assert response.status_code == 413
    assert page_errors(response) == {"file": "The selected file must be smaller than 25MB"}
    assert nothing_kept() == NOTHING


def _commissioner_on(app, evaluator):
    """A commissioner of their own signed in to `app` (a code is good for one sign-in only),
    with a draft ready to publish: the client and the draft's id."""
    user = factories.make_user(
        "scanning-commissioner@council.example.org", role="commissioner", two_factor=True
    )
    client = client_of(app, user)
    return client, user, helpers.ready_mini_competition(client, [user, evaluator], user)


def test_a_virus_is_refused_and_nothing_kept(make_app, clamd_server, evaluator, on_lot):
    scanning = make_app(CLAMD_SOCKET=str(clamd_server.socket_path))
    client, _user, draft = _commissioner_on(scanning, evaluator)

    response = attach(client, draft, "spec.docx", corpus.docx_with_eicar())

    assert page_errors(response) == {"file": VIRUS}
    assert nothing_kept() == NOTHING
    response = attach(client, draft, "spec.docx", corpus.docx())
    assert response.status_code == 302
    assert only_attachment().file.scan_state == "clean"


def test_a_file_waiting_for_its_virus_check_stops_publication_until_checked(
    make_app, clamd_server, tmp_path, evaluator, on_lot
):
    away = make_app(CLAMD_SOCKET=str(tmp_path / "no-clamd.sock"))
    client, commissioner, draft = _commissioner_on(away, evaluator)
    attach(client, draft, "spec.docx", corpus.docx())
    assert only_attachment().file.scan_state == "pending"

    page = client.get(f"/competitions/{draft}")
    assert "‘spec.docx’ is waiting for its virus check: wait, or remove it" in page_text(page)
    assert "spec.docx (waiting for virus check)" in page_text(page)
    response = helpers.publish(client, draft)
    assert "‘spec.docx’ is waiting for its virus check" in page_text(response)

    # The scanner is back and finds a virus: the commissioner who attached it is told.
    infected = only_attachment().file
    object_store.put_stream(
        infected.object_key,
        io.BytesIO(eicar()),
        content_type="application/pdf",
        metadata={},
    )
    scanning = make_app(CLAMD_SOCKET=str(clamd_server.socket_path))
    run_command(scanning, "documents", "scan")
    assert only_attachment().file.scan_state == "rejected"
    assert council_keys() == []
    email = last_email_to(commissioner.email)
    assert email.subject == "spec.docx: we found a virus and deleted the file"
    page = client.get(f"/competitions/{draft}")
    assert "Remove ‘spec.docx’: it cannot be downloaded" in page_text(page)


def test_reconcile_looks_after_the_councils_part_of_the_store(app, draft, commissioner_client):
    attach(commissioner_client, draft, "kept.pdf", corpus.pdf())
    attach(commissioner_client, draft, "lost.pdf", corpus.pdf())
    db.session.rollback()
    kept, lost = db.session.scalars(
        select(CompetitionAttachment).order_by(CompetitionAttachment.id)
    ).all()
    kept_key, lost_key, lost_id = kept.file.object_key, lost.file.object_key, lost.file.id
    object_store.delete(lost_key)
    orphan = object_store.council_document_key()
    object_store.put_stream(
        orphan, io.BytesIO(corpus.pdf()), content_type="application/pdf", metadata={}
    )

    output = run_command(app, "documents", "reconcile")

    assert f"Left {orphan}: no record yet, but it may be an upload in progress." in output
    assert (
        f"Missing object {lost_key} of file {lost_id} ('lost.pdf', the council): marked missing."
        in output
    )
    assert db.session.get(StoredFile, lost_id).removed_reason == "missing"
    report = files.reconcile(now=utcnow() + timedelta(hours=2))
    db.session.commit()
    assert report.orphans_deleted == [orphan]
    assert council_keys() == [kept_key]


def test_the_open_data_release_describes_the_published_files_without_linking_them(
    draft, commissioner_client, client
):
    attach(commissioner_client, draft, "Specification – 2027.pdf", corpus.pdf())
    assert helpers.publish(commissioner_client, draft).status_code == 302
    attachment = only_attachment()

    package = client.get(f"/competitions/{draft}/release-package").get_json()

    assert problems(package) == []
    (release,) = package["releases"]
    (document,) = release["tender"]["documents"]
    assert document == {
        "id": f"MC-{draft}-file-{attachment.id}",
        "documentType": "biddingDocuments",
        "title": "Specification – 2027.pdf",
        "format": "application/pdf",
        "datePublished": release["tender"]["tenderPeriod"]["startDate"],
        "language": "en",
    }
    # The file itself is for invited providers only: no address to it is published.
    assert "/attachments/" not in json.dumps(package)
