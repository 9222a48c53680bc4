"""When the database stalls, drops or cannot be reached, every request ends in seconds with the
portal's own pages: /healthz says what is down, and people (signed in or not) get the problem
page, which needs nothing from the database.

The stalls and drops go through a real TCP proxy between the portal and PostgreSQL
(tests/support/fault_proxy.py); the unreachable database and lock waits run on both databases.
"""

from __future__ import annotations

from tests.conftest import sign_in
from tests.core.test_healthz import _unreachable_database
from tests.support.fault_proxy import answer, database_locked, postgresql_only
from tests.support.pages import page_h1, page_text

PROBLEM = "Sorry, there is a problem with the service"

# Short limits keep the stalled tests quick; the defaults are checked in tests/core/test_config.
QUICK_TIMEOUTS = {
    "PROPAGATE_EXCEPTIONS": False,
    "DATABASE_CONNECT_TIMEOUT_SECONDS": 2,
    "DATABASE_STATEMENT_TIMEOUT_SECONDS": 1,
    "DATABASE_LOCK_TIMEOUT_SECONDS": 1,
}


def _assert_problem_page(response) -> None:
    assert response.status_code == 500
    assert page_h1(response) == PROBLEM
    # Who was signed in could not be read: the header offers sign-in rather than guessing.
    assert "Sign out" not in page_text(response)


def _signed_in_on(app, client):
    """A client of `app` carrying the session cookie of `client` (signed with the same key)."""
    name = app.config["SESSION_COOKIE_NAME"]
    other = app.test_client()
    other.set_cookie(name, client.get_cookie(name).value)
    return other


# /healthz -------------------------------------------------------------------------------------


@postgresql_only
def test_healthz_says_the_database_is_down_when_it_stalls(make_app, database_proxy):
    app = make_app(DATABASE_URL=database_proxy.url, **QUICK_TIMEOUTS)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # a pooled connection, then the stall
    database_proxy.stall()

    response = answer(lambda: client.get("/healthz"))

    assert response.status_code == 503
    assert response.get_data(as_text=True) == "down: database"


@postgresql_only
def test_healthz_uses_its_own_limit_not_the_statement_timeout(make_app, database_proxy):
    app = make_app(DATABASE_URL=database_proxy.url, HEALTHZ_TIMEOUT_SECONDS=1)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    database_proxy.stall()

    # The default statement timeout (15 s, twice: the ping and the new connection) is beyond a
    # load balancer's health-check timeout; /healthz gives each part a second or two.
    response = answer(lambda: client.get("/healthz"), within=12)

    assert response.status_code == 503


def test_healthz_says_the_object_store_is_down_when_it_stalls(make_app, store_proxy):
    app = make_app(S3_ENDPOINT_URL=store_proxy.url, HEALTHZ_TIMEOUT_SECONDS=1)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    store_proxy.stall()

    # Uploads wait up to 10 s for the store, with a retry; a health check answers well inside a
    # load balancer's own timeout.
    response = answer(lambda: client.get("/healthz"), within=8)

    assert response.status_code == 503
    assert response.get_data(as_text=True) == "down: object store"


# Pages ----------------------------------------------------------------------------------------


@postgresql_only
def test_a_signed_in_page_gives_the_problem_page_when_the_database_stalls(
    make_app, database_proxy, provider
):
    app = make_app(DATABASE_URL=database_proxy.url, **QUICK_TIMEOUTS)
    client = sign_in(app.test_client(), provider)
    database_proxy.stall()

    _assert_problem_page(answer(lambda: client.get("/home")))


@postgresql_only
def test_a_signed_in_page_gives_the_problem_page_when_the_database_drops(
    make_app, database_proxy, provider
):
    app = make_app(DATABASE_URL=database_proxy.url, **QUICK_TIMEOUTS)
    client = sign_in(app.test_client(), provider)
    database_proxy.drop()

    _assert_problem_page(answer(lambda: client.get("/home")))
    _assert_problem_page(answer(lambda: client.post("/documents/organisations/1/upload")))


@postgresql_only
def test_the_portal_recovers_when_the_database_answers_again(make_app, database_proxy, provider):
    app = make_app(DATABASE_URL=database_proxy.url, **QUICK_TIMEOUTS)
    client = sign_in(app.test_client(), provider)
    database_proxy.stall()
    _assert_problem_page(answer(lambda: client.get("/home")))

    database_proxy.pass_traffic()

    assert client.get("/home").status_code in (200, 302)
    assert client.get("/healthz").status_code == 200


def test_signed_in_people_get_the_problem_page_when_the_database_is_unreachable(
    make_app, provider_client, database_url, tmp_path
):
    app = make_app(DATABASE_URL=_unreachable_database(database_url, tmp_path), **QUICK_TIMEOUTS)
    client = _signed_in_on(app, provider_client)

    for response in (
        client.get("/home"),
        client.get("/documents/organisations/1"),
        client.post("/sign-out"),
        client.get("/no-such-page"),
    ):
        if response.status_code == 404:
            assert page_h1(response) == "Page not found"
        else:
            _assert_problem_page(response)


def test_a_request_waiting_for_a_lock_gives_the_problem_page(
    make_app, provider_client, database_url
):
    app = make_app(**QUICK_TIMEOUTS)
    client = _signed_in_on(app, provider_client)

    with database_locked(database_url):
        response = answer(lambda: client.get("/home"))

    _assert_problem_page(response)
