"""The connection to PostgreSQL is lost while it commits an upload: PostgreSQL has committed the
record, but the portal never hears so. The upload must not delete the object the committed
record names (a document listed with no file); `reconcile` deletes an object only once no record
names it. The fault is real: a TCP proxy between the portal and PostgreSQL passes the COMMIT on,
lets PostgreSQL answer, and then cuts the connection instead of passing the answer back."""

from __future__ import annotations

import contextlib
import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy.engine import make_url

from portal.core.time import utcnow
from portal.documents import files
from tests.documents import corpus
from tests.documents.helpers import (
    client_of,
    keys_in_store,
    only_document,
    read_object,
    upload,
)

pytestmark = pytest.mark.postgresql  # a real TCP fault: see tests/conftest.py


class CommitCutter:
    """A TCP proxy to PostgreSQL. Once armed, the next COMMIT a client sends reaches PostgreSQL,
    and when PostgreSQL answers, both connections are cut: the client never hears the answer."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.armed = threading.Event()
        self.cut = threading.Event()
        self.stopping = threading.Event()
        self.sockets: list[socket.socket] = []
        self.threads = [threading.Thread(target=self._serve)]
        self.threads[0].start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _address = self.listener.accept()
            except TimeoutError:
                continue
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            commit_sent = threading.Event()
            for args in ((client, server, commit_sent, True), (server, client, commit_sent, False)):
                self.threads.append(threading.Thread(target=self._pump, args=args))
                self.threads[-1].start()

    def _pump(self, source, sink, commit_sent: threading.Event, to_database: bool) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if not to_database and commit_sent.is_set():
                    # PostgreSQL has answered the COMMIT: cut, answer unsent.
                    self.cut.set()
                    break
                if to_database and self.armed.is_set() and b"COMMIT\x00" in data:
                    self.armed.clear()
                    commit_sent.set()
                sink.sendall(data)
        for each in (source, sink):
            with contextlib.suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self.stopping.set()
        for each in self.sockets:
            with contextlib.suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)
        for thread in self.threads:
            thread.join()
        self.listener.close()
        for each in self.sockets:
            each.close()


@pytest.fixture
def commit_cutter(database_url):
    url = make_url(database_url)
    proxy = CommitCutter(url.host or "127.0.0.1", url.port or 5432)
    # Plain text, so that the proxy can see the COMMIT go by.
    proxied = url.set(host="127.0.0.1", port=proxy.port).update_query_dict(
        {"sslmode": "disable", "gssencmode": "disable"}
    )
    proxy.url = proxied.render_as_string(hide_password=False)
    yield proxy
    proxy.stop()


def test_an_upload_whose_commit_is_lost_keeps_its_file(
    make_app, commit_cutter, provider, organisation
):
    # Errors reach the client as the portal's error page, as in production.
    app = make_app(DATABASE_URL=commit_cutter.url, TESTING=False)
    client = client_of(app, provider)
    commit_cutter.armed.set()

    response = upload(client, organisation, "policy.pdf")

    assert commit_cutter.cut.is_set()
    assert response.status_code == 500
    # PostgreSQL committed: the document is there, and so is its file.
    stored = only_document().current.file
    assert keys_in_store(organisation) == [stored.object_key]
    assert read_object(stored.object_key) == corpus.pdf()
    # Reconcile, an hour on, finds nothing to delete: the record names the object.
    report = files.reconcile(now=utcnow() + timedelta(hours=2))
    assert (report.orphans_deleted, report.missing) == ([], [])
    assert keys_in_store(organisation) == [stored.object_key]
