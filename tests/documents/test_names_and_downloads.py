"""Every route that keeps a file keeps its name in one tidy form (no folders, no leading dots, no
control characters, the extension kept, short enough for S3's 2 KB of metadata on AWS too); and
every route that hands a file over sends the person to a link whose answer, from the real
object store, saves the file as an attachment typed as bare bytes, whatever it was stored as."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

import pytest
from sqlalchemy import select

from portal.competitions.models import CompetitionAttachment, QuoteAttachment
from portal.core.db import db
from portal.core.extensions import object_store
from portal.documents.models import Document, StoredFile
from portal.integrations.object_store import content_disposition
from portal.staff_checks.models import StaffCheck
from tests.competitions import helpers as competitions
from tests.conftest import sign_in
from tests.documents import corpus
from tests.documents.helpers import post_file
from tests.staff_checks.helpers import add as add_staff_check
from tests.support import factories
from tests.support.pages import page_errors, soup

# Sent in the form's Content-Disposition -> kept and sent back. A backslash there escapes the
# next character, so a path's are sent doubled; a lone one is dropped by the parser, which is
# how "..\\.hidden.pdf" used to arrive as "...hidden.pdf" and keep its dots.
NAMES = {
    "a Windows path to a hidden file": ("C:\\\\Users\\\\jo\\\\..\\\\.hidden.pdf", "hidden.pdf"),
    "lone backslashes and leading dots": ("..\\..\\.hidden.pdf", "hidden.pdf"),
    "a mixed path": ("..\\\\a/b\\\\.\\\\..policy.pdf", "policy.pdf"),
    "dots and spaces around the name": ("  . policy. .pdf", "policy.pdf"),
    "a trailing dot after the extension": ("policy.pdf.", "policy.pdf"),
    "only dots before the extension": ("....pdf", "file.pdf"),
    "control characters before a dot": ("\x00\x1b.\u202e.policy.pdf", "policy.pdf"),
    # 300 emoji: 4 bytes each, 12 percent-encoded; the metadata keeps 85 and the extension.
    "a long name of emoji": ("\U0001f600" * 300 + ".pdf", "\U0001f600" * 85 + ".pdf"),
    # 3 bytes each, 9 encoded.
    "a long name in Chinese": ("安全政策" * 100 + ".pdf", ("安全政策" * 100)[:113] + ".pdf"),
    "a long name in ASCII": ("a" * 400 + ".pdf", "a" * 196 + ".pdf"),
    "a long accented name": ("é" * 300 + ".pdf", "é" * 170 + ".pdf"),
}

S3_METADATA_LIMIT = 2048


@dataclass
class Routes:
    """People and things to upload to and download from, made through the pages."""

    provider_client: object
    commissioner_client: object
    evaluator_client: object
    organisation_id: int
    competition_id: int
    document_id: int | None = None
    staff_check_id: int | None = None
    published: bool = False


@pytest.fixture
def routes(app, provider_client, commissioner_client, commissioner, organisation, app_ctx):
    factories.admit(organisation, "mentoring")
    evaluator = factories.make_user(
        "evaluator@council.example.org", full_name="Eve Evaluator", role="reviewer", two_factor=True
    )
    db.session.commit()
    evaluator_client = sign_in(app.test_client(), evaluator)
    competition_id = competitions.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    add_staff_check(provider_client, organisation)
    return Routes(
        provider_client,
        commissioner_client,
        evaluator_client,
        organisation.id,
        competition_id,
        staff_check_id=db.session.scalar(select(StaffCheck.id)),
    )


def _newest(model):
    db.session.rollback()
    return db.session.scalars(select(model).order_by(model.id.desc())).first()


def _posted(response) -> None:
    assert response.status_code == 302, page_errors(response)


def upload_document(routes: Routes, filename: str) -> str:
    org = routes.organisation_id
    _posted(
        post_file(
            routes.provider_client,
            f"/documents/organisations/{org}/upload?kind=other",
            {"title": "Ofsted report"},
            filename,
            corpus.pdf(),
        )
    )
    document = _newest(Document)
    routes.document_id = document.id
    return f"/documents/organisations/{org}/{document.id}/versions/{document.current.id}/download"


def replace_document(routes: Routes, filename: str) -> str:
    if routes.document_id is None:
        upload_document(routes, "first.pdf")
    org, document_id = routes.organisation_id, routes.document_id
    _posted(
        post_file(
            routes.provider_client,
            f"/documents/organisations/{org}/{document_id}/replace",
            {},
            filename,
            corpus.pdf(),
        )
    )
    version = db.session.get(Document, document_id).current
    return f"/documents/organisations/{org}/{document_id}/versions/{version.id}/download"


def upload_certificate_copy(routes: Routes, filename: str) -> str:
    base = f"/staff-checks/organisations/{routes.organisation_id}/{routes.staff_check_id}"
    _posted(
        post_file(routes.provider_client, f"{base}/certificate-copy", {}, filename, corpus.pdf())
    )
    return f"{base}/certificate-copy/download"


def attach_to_competition(routes: Routes, filename: str) -> str:
    competition_id = routes.competition_id
    _posted(
        post_file(
            routes.commissioner_client,
            f"/competitions/{competition_id}/attachments/new",
            {},
            filename,
            corpus.pdf(),
        )
    )
    return f"/competitions/{competition_id}/attachments/{_newest(CompetitionAttachment).id}"


def attach_to_quote(routes: Routes, filename: str) -> str:
    competition_id = routes.competition_id
    if not routes.published:
        _posted(competitions.publish(routes.commissioner_client, competition_id))
        routes.published = True
    _posted(
        post_file(
            routes.provider_client,
            f"/competitions/{competition_id}/quote/files",
            {},
            filename,
            corpus.pdf(),
        )
    )
    return f"/competitions/{competition_id}/quote/files/{_newest(QuoteAttachment).id}"


# Every route that keeps a file (the walk below finds every form that sends one), and how to
# reach it.
UPLOADS = {
    "documents.upload": (upload_document, "provider_client"),
    "documents.replace": (replace_document, "provider_client"),
    "staff_checks.upload_copy": (upload_certificate_copy, "provider_client"),
    "competitions.attach": (attach_to_competition, "commissioner_client"),
    "competitions.upload": (attach_to_quote, "provider_client"),
}


def _fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our test store
        return response.read(), response.headers


def _assert_forced_headers(location: str, kept: str) -> None:
    body, headers = _fetch(location)
    assert body == corpus.pdf()
    assert headers["Content-Type"] == "application/octet-stream"
    disposition = headers["Content-Disposition"]
    assert disposition == content_disposition(kept)
    assert disposition.startswith("attachment; ")
    assert unquote(disposition.rpartition("filename*=UTF-8''")[2]) == kept


@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
def test_every_route_that_keeps_a_file_keeps_a_clean_name_and_hands_it_back_safely(
    routes, endpoint
):
    store, client_name = UPLOADS[endpoint]
    client = getattr(routes, client_name)
    for case, (sent, kept) in NAMES.items():
        download = store(routes, sent)

        stored = _newest(StoredFile)
        assert stored.original_filename == kept, case
        assert not kept.startswith(".")
        metadata = object_store.head(stored.object_key)["metadata"]
        assert unquote(metadata["filename"]) == kept, case
        assert sum(len(k) + len(v) for k, v in metadata.items()) <= S3_METADATA_LIMIT
        assert quote(kept, safe="") == metadata["filename"]
        response = client.get(download)
        assert response.status_code == 302, (case, response.status)
        _assert_forced_headers(response.location, kept)


def _values(routes: Routes) -> dict[str, int]:
    """The ids the routes take, as far as they exist yet."""
    db.session.rollback()
    quote_attachment = _newest(QuoteAttachment)
    values = {
        "organisation_id": routes.organisation_id,
        "document_id": routes.document_id,
        "version_id": db.session.get(Document, routes.document_id).current.id,
        "staff_check_id": routes.staff_check_id,
        "competition_id": routes.competition_id,
        "competition_attachment_id": _newest(CompetitionAttachment).id,
    }
    if quote_attachment is not None:
        values |= {"quote_id": quote_attachment.quote_id, "attachment_id": quote_attachment.id}
    return values


def _pages(client, url: str):
    """The page at `url`, and those its GET forms lead to (the first choice of each)."""
    response = client.get(url)
    yield response
    if response.status_code != 200 or response.mimetype != "text/html":
        return
    for form in soup(response).find_all("form"):
        if (form.get("method") or "get").lower() != "get":
            continue
        query = {}
        for field in form.find_all("input"):
            if field.get("name") and field.get("type") not in ("submit", "button"):
                query.setdefault(field["name"], field.get("value", ""))
        yield client.get(urlsplit(form.get("action") or url).path, query_string=query)


def _walk(app, routes: Routes, found: dict[str, set]) -> None:
    """Ask for every GET route the ids fill as each of the people: note every form that sends
    a file and every answer that sends someone to the store (checking the headers its link
    forces)."""
    values = _values(routes)
    clients = (routes.provider_client, routes.commissioner_client, routes.evaluator_client)
    store_address = app.config["S3_ENDPOINT_URL"]
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.arguments or rule.arguments - set(values):
            continue
        url = adapter.build(rule.endpoint, {name: values[name] for name in rule.arguments})
        for client in clients:
            for response in _pages(client, url):
                if response.status_code == 302 and response.location.startswith(store_address):
                    found["handed over"].add(rule.endpoint)
                    key = unquote(urlsplit(response.location).path).split("/", 2)[2]
                    stored = db.session.scalars(
                        select(StoredFile).where(StoredFile.object_key == key)
                    ).one()
                    _assert_forced_headers(response.location, stored.original_filename)
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                for form in soup(response).find_all("form"):
                    if form.find("input", attrs={"type": "file"}):
                        action = urlsplit(form.get("action") or url).path
                        found["takes files"].add(adapter.match(action, method="POST")[0])


def test_every_route_that_takes_or_hands_over_a_file_is_covered(app, routes):
    """Walked at each stage a file can be added or read: the draft competition, the open one,
    and after its deadline. Every form that sends a file must go to a route in UPLOADS (and so
    have its names tested above); every route that sends someone to the store must be one of
    the downloads named here, and its link must force the headers."""
    found = {"takes files": set(), "handed over": set()}
    for endpoint in ("documents.upload", "staff_checks.upload_copy", "competitions.attach"):
        UPLOADS[endpoint][0](routes, f"{endpoint}.pdf")
    _walk(app, routes, found)  # the draft
    attach_to_quote(routes, "quote.pdf")
    _walk(app, routes, found)  # open for quotes
    competitions.quote_and_submit(
        routes.provider_client, routes.competition_id, ["Weekly", "Daily"], "100"
    )
    competitions.pass_deadline(routes.competition_id)
    declared = routes.evaluator_client.post(
        f"/competitions/{routes.competition_id}/declaration", data={"has_conflict": "no"}
    )
    _posted(declared)
    _walk(app, routes, found)  # past the deadline

    # The CSV imports read a file's rows and keep no file: no name, nothing to download.
    csv_imports = {"staff_checks.import_register", "kpi_returns.upload"}
    assert found["takes files"] - csv_imports == set(UPLOADS)
    assert found["handed over"] == {
        "documents.download",
        "staff_checks.download_copy",
        "competitions.attachment",
        "competitions.provider_download",
        "competitions.council_download",
    }
