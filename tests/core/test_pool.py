"""Pooled database connections are checked before use only when they have sat idle: one the
server closed meanwhile (a restart, a proxy ending idle connections) is replaced before a
request sees it, and one in steady use costs no extra round trip."""

from __future__ import annotations

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import make_url

from portal.core import db as database
from tests.conftest import sign_in
from tests.support.fault_proxy import postgresql_only
from tests.support.pages import page_h1


def _pooled_backends(app) -> set[int]:
    """The server processes behind every connection `app`'s pool hands out from now on."""
    pids: set[int] = set()

    def checkout(dbapi_connection, _record, _proxy):
        pids.add(dbapi_connection.info.backend_pid)

    event.listen(app.extensions["db"], "checkout", checkout)
    return pids


def _server_closes(database_url: str, pids: set[int]) -> None:
    url = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


@postgresql_only
def test_a_connection_closed_while_idle_is_replaced_before_a_request_uses_it(
    make_app, provider, database_url, monkeypatch
):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    pids = _pooled_backends(app)
    client = sign_in(app.test_client(), provider)
    assert client.get("/home").status_code == 200

    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0)  # every pooled connection is "idle"
    _server_closes(database_url, pids)

    assert client.get("/home").status_code == 200


@postgresql_only
def test_a_connection_closed_while_in_use_fails_one_request_then_the_pool_recovers(
    make_app, provider, database_url, monkeypatch
):
    """Without the ping (the connection was used a moment ago) a connection the server closed
    fails its one request with the problem page, and the pool drops it: the next one works."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    pids = _pooled_backends(app)
    client = sign_in(app.test_client(), provider)
    assert client.get("/home").status_code == 200

    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 10**6)
    _server_closes(database_url, pids)

    failed = client.get("/home")
    assert failed.status_code == 500
    assert page_h1(failed) == "Sorry, there is a problem with the service"
    assert client.get("/home").status_code == 200
