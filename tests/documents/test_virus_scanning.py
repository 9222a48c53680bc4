"""Virus scanning with a real clamd: clean files are marked clean, EICAR is refused and nothing
of it kept; while the scanner is away uploads wait, unusable, until `flask documents scan`."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.documents.models import Document
from tests.documents import corpus
from tests.documents.helpers import (
    NOTHING_SAVED,
    client_of,
    keys_in_store,
    only_document,
    row_counts,
    run_command,
    upload,
)
from tests.support.emails import emails_to
from tests.support.pages import page_errors, page_text

VIRUS = (
    "Our virus checker found a problem with the selected file, so it has not been saved. "
    "Choose another file"
)


def test_a_clean_file_is_marked_clean(scanning_app, provider, organisation, reviewer):
    client = client_of(scanning_app, provider)

    upload(client, organisation, "policy.docx")

    stored = only_document().current.file
    assert stored.scan_state == "clean"
    assert stored.scanned_at is not None
    page = client_of(scanning_app, reviewer).get(f"/documents/organisations/{organisation.id}")
    assert "Virus checked" in page_text(page)


def test_the_eicar_test_file_is_refused_and_nothing_kept(scanning_app, provider, organisation):
    client = client_of(scanning_app, provider)

    response = upload(client, organisation, "policy.docx", corpus.docx_with_eicar())

    assert page_errors(response) == {"file": VIRUS}
    assert row_counts() == NOTHING_SAVED
    assert keys_in_store(organisation) == []


def test_without_a_scanner_documents_are_marked_not_scanned(provider_client, organisation):
    upload(provider_client, organisation, "policy.docx", corpus.docx_with_eicar())

    assert only_document().current.file.scan_state == "not_scanned"


def test_while_the_scanner_is_away_an_upload_waits_then_is_scanned(
    scanner_away_app, scanning_app, provider, organisation
):
    client = client_of(scanner_away_app, provider)
    upload(client, organisation, "policy.pdf")
    document = only_document()
    assert document.current.file.scan_state == "pending"
    page = client.get(f"/documents/organisations/{organisation.id}/{document.id}")
    assert "Waiting for virus check" in page_text(page)
    download = f"/documents/organisations/{organisation.id}/{document.id}/versions/"
    download += f"{document.current.id}/download"
    assert client.get(download).status_code == 404

    assert run_command(scanner_away_app, "documents", "scan") == (
        "0 clean, 0 rejected, 1 still pending.\n"
    )
    output = run_command(scanning_app, "documents", "scan")

    assert output == "1 clean, 0 rejected, 0 still pending.\n"
    assert only_document().current.file.scan_state == "clean"
    assert client.get(download).status_code == 302
    assert (
        run_command(scanning_app, "documents", "scan") == "0 clean, 0 rejected, 0 still pending.\n"
    )


def test_a_virus_found_later_is_deleted_and_the_provider_told(
    scanner_away_app, scanning_app, provider, organisation
):
    client = client_of(scanner_away_app, provider)
    upload(client, organisation, "policy.docx", corpus.docx_with_eicar())
    key = only_document().current.file.object_key

    output = run_command(scanning_app, "documents", "scan")

    assert output == "0 clean, 1 rejected, 0 still pending.\n"
    stored = only_document().current.file
    assert stored.scan_state == "rejected"
    assert stored.removed_reason == "virus"
    assert stored.scan_signature == "Eicar-Test-Signature.UNOFFICIAL"
    assert keys_in_store(organisation) == []
    assert key not in keys_in_store(organisation)
    (email,) = emails_to(provider.email)
    assert "we found a virus and deleted the file" in email.subject
    assert "policy.docx" in email.body
    page = client.get(f"/documents/organisations/{organisation.id}/{only_document().id}")
    assert "Virus found" in page_text(page)
    assert "Upload a clean copy" in page_text(page)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "file.removed"))
    assert event.after["reason"] == "virus"


def test_files_kept_without_a_scanner_are_scanned_once_one_is_configured(
    provider_client, scanning_app, provider, organisation
):
    """Where the council accepted unscanned files (ALLOW_UNSCANNED_FILES), they are checked
    as soon as a scanner is set: a virus among them is deleted and the provider told."""
    upload(provider_client, organisation, "policy.pdf")
    upload(provider_client, organisation, "policy.docx", corpus.docx_with_eicar(), kind="other")
    assert {document.current.file.scan_state for document in _documents()} == {"not_scanned"}

    output = run_command(scanning_app, "documents", "scan")

    assert output == "1 clean, 1 rejected, 0 still pending.\n"
    states = {d.current.file.original_filename: d.current.file.scan_state for d in _documents()}
    assert states == {"policy.pdf": "clean", "policy.docx": "rejected"}
    assert len(keys_in_store(organisation)) == 1
    (email,) = emails_to(provider.email)
    assert "we found a virus and deleted the file" in email.subject
    assert run_command(scanning_app, "documents", "scan") == (
        "0 clean, 0 rejected, 0 still pending.\n"
    )


def _documents():
    db.session.rollback()
    return db.session.scalars(select(Document).order_by(Document.id)).all()


class SlowScanner:
    """A real TCP server where clamd should be, that takes the file and then never answers,
    or answers "stream: OK" a byte at a time: a scanner that has hung, or a link to it that
    barely moves. Each answer byte comes within the per-call timeout a socket has."""

    def __init__(self, answer: bytes | None) -> None:
        self.answer = answer
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)  # to notice stop(): closing does not wake accept()
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.connections: list[socket.socket] = []
        self.threads = [threading.Thread(target=self._serve)]
        self.threads[0].start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _address = self.listener.accept()
            except TimeoutError:
                continue
            self.connections.append(connection)
            self.threads.append(threading.Thread(target=self._answer, args=(connection,)))
            self.threads[-1].start()

    def _answer(self, connection: socket.socket) -> None:
        with connection.makefile("rb") as reader:
            command = reader.read(len(b"zINSTREAM\0"))
            # Chunks until the zero-length one; the portal may give up and hang up part way.
            while command and len(header := reader.read(4)) == 4:
                length = struct.unpack("!L", header)[0]
                if not length:
                    break
                reader.read(length)
        for byte in self.answer or b"":
            if self.stopping.wait(0.4):
                return
            try:
                connection.sendall(bytes([byte]))
            except OSError:  # the portal stopped waiting and hung up
                return

    def stop(self) -> None:
        self.stopping.set()
        for connection in self.connections:
            with contextlib.suppress(OSError):  # the portal may have hung up already
                connection.shutdown(socket.SHUT_RDWR)  # wakes a thread still reading
        for thread in self.threads:
            thread.join()
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture(params=["never answers", "answers a byte at a time"])
def slow_scanner(request):
    answer = None if request.param == "never answers" else b"stream: OK\0"
    server = SlowScanner(answer)
    yield server
    server.stop()


def test_a_slow_scanner_leaves_the_upload_pending_well_inside_the_worker_timeout(
    make_app, scanning_app, slow_scanner, provider, organisation
):
    """gunicorn stops a worker after WORKER_TIMEOUT_SECONDS; the whole scan, from connecting
    to the verdict, gets at most a third of it (CLAMD_TIMEOUT_SECONDS, here 1), however the
    scanner dawdles. The upload is kept, waiting for its virus check and unusable, and
    `flask documents scan` checks it later."""
    app = make_app(CLAMD_HOST="127.0.0.1", CLAMD_PORT=slow_scanner.port, CLAMD_TIMEOUT_SECONDS=1)
    client = client_of(app, provider)

    response = upload(client, organisation, "policy.pdf")

    assert response.status_code == 302
    document = only_document()
    assert document.current.file.scan_state == "pending"
    page = client.get(response.location)
    assert "Waiting for virus check" in page_text(page)
    download = f"/documents/organisations/{organisation.id}/{document.id}/versions/"
    download += f"{document.current.id}/download"
    assert client.get(download).status_code == 404

    assert run_command(scanning_app, "documents", "scan") == (
        "1 clean, 0 rejected, 0 still pending.\n"
    )
    assert client.get(download).status_code == 302
