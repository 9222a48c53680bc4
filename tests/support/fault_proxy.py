"""A TCP proxy to put between the portal and a server it needs (PostgreSQL, S3, SMTP), which a
test can tell to pass traffic, stall it (connections stay open, nothing gets through, as when a
server or the network in between hangs), drop it (every connection is cut and new ones are
refused, as when a server goes away) or lose the answer to the next COMMIT (PostgreSQL commits,
then the connection is cut before the portal hears so)."""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TypeVar
from urllib.parse import urlsplit

import pytest
from flask import has_app_context
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from portal.core.db import db

T = TypeVar("T")

PASS = "pass"
STALL = "stall"
DROP = "drop"


class FaultProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = PASS
        self._flowing = threading.Event()
        self._flowing.set()
        self._closed = False
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        # Set by `cut_after_commit`; `commit_cut` is set once an answer to a COMMIT was lost.
        self._commit_armed = threading.Event()
        self.commit_cut = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, name="fault-proxy", daemon=True).start()

    # What a test calls -------------------------------------------------------------------

    def pass_traffic(self) -> None:
        self.mode = PASS
        self._flowing.set()

    def stall(self) -> None:
        self.mode = STALL
        self._flowing.clear()

    def drop(self) -> None:
        """Cut every open connection; connections made from now on are closed at once."""
        self.mode = DROP
        self._flowing.set()  # release stalled pumps so they see the drop and end
        self._cut_all()

    def cut_after_commit(self) -> None:
        """Pass the next COMMIT a client sends on to the server, and when the server answers it,
        cut that connection instead of passing the answer back. The COMMIT is seen in the
        protocol's plain text: the client must connect without TLS (`sslmode=disable`)."""
        self._commit_armed.set()

    def close(self) -> None:
        self._closed = True
        self._flowing.set()
        self._listener.close()
        self._cut_all()

    # The proxy itself --------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == DROP:
                client.close()
                continue
            threading.Thread(target=self._open, args=(client,), daemon=True).start()

    def _open(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.target, timeout=10)
            server.settimeout(None)
        except OSError:
            client.close()
            return
        with self._lock:
            self._sockets.update((client, server))
        commit_sent = threading.Event()  # this connection's COMMIT awaits its answer
        for source, sink, outbound in ((client, server, True), (server, client, False)):
            threading.Thread(
                target=self._pump, args=(source, sink, outbound, commit_sent), daemon=True
            ).start()

    def _pump(
        self,
        source: socket.socket,
        sink: socket.socket,
        outbound: bool,
        commit_sent: threading.Event,
    ) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                # A stall holds what was read until traffic passes again (or is dropped).
                self._flowing.wait()
                if self.mode == DROP or self._closed:
                    break
                if not outbound and commit_sent.is_set():
                    self.commit_cut.set()  # the server has answered the COMMIT: cut, unsent
                    break
                if outbound and self._commit_armed.is_set() and b"COMMIT\x00" in data:
                    self._commit_armed.clear()
                    commit_sent.set()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._cut(source)
            self._cut(sink)

    def _cut(self, sock: socket.socket) -> None:
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        with self._lock:
            self._sockets.discard(sock)

    def _cut_all(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            self._cut(sock)


@contextmanager
def fault_proxy(target_host: str, target_port: int) -> Iterator[FaultProxy]:
    proxy = FaultProxy(target_host, target_port)
    try:
        yield proxy
    finally:
        proxy.close()


# Fixtures (registered in tests/conftest.py) ---------------------------------------------------

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgresql")

# A TCP fault needs a database reached over TCP: see the `postgresql` marker in tests/conftest.py.
postgresql_only = pytest.mark.postgresql


@pytest.fixture
def database_proxy(database_url) -> Iterator[FaultProxy]:
    """A fault proxy in front of the test database; `proxy.url` is the database through it."""
    url = make_url(database_url)
    with fault_proxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxy.url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        yield proxy


@pytest.fixture
def store_proxy(s3_server) -> Iterator[FaultProxy]:
    """A fault proxy in front of the test object store; `proxy.url` is its endpoint."""
    endpoint = urlsplit(s3_server.endpoint_url)
    with fault_proxy(endpoint.hostname, endpoint.port) as proxy:
        proxy.url = f"http://127.0.0.1:{proxy.port}"
        yield proxy


@contextmanager
def database_locked(database_url: str) -> Iterator[None]:
    """Another connection holding a lock every request needs: the users and outbox tables on
    PostgreSQL, the whole database on SQLite."""
    if has_app_context():
        # The test's own reads hold locks too: end its transaction first.
        db.session.commit()
    if ON_POSTGRESQL:
        engine = create_engine(database_url)
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(
                    "LOCK TABLE users, outbox_emails IN ACCESS EXCLUSIVE MODE"
                )
                yield
                connection.rollback()
        finally:
            engine.dispose()
    else:
        connection = sqlite3.connect(make_url(database_url).database, isolation_level=None)
        try:
            connection.execute("BEGIN EXCLUSIVE")
            yield
            connection.rollback()
        finally:
            connection.close()


def answer(call: Callable[[], T], *, within: float = 60) -> T:
    """Run `call` (a request) in a thread and return what it returned. `within` is a generous
    bound that stops a hanging request from hanging the suite, not a measure of speed: the
    portal's own timeouts end a request long before it."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = call()
        except BaseException as error:  # handed to the test below
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(within)
    if thread.is_alive():
        raise AssertionError(f"no answer within {within:g} seconds: the request hung")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
