"""Rate limits on the account forms per machine, shared between app instances through Redis.
(The brakes per email address are in test_lockout.py.)"""

import uuid

import pytest
import redis

from tests.support.pages import page_h1

REDIS_URL = "redis://127.0.0.1:6379/0"
VICTIM = {"email": "victim@example.org"}


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def _assert_refused(response) -> None:
    assert response.status_code == 429
    assert page_h1(response) == "You have tried too many times"


def test_too_many_sign_ins_from_one_address(client, app_ctx):
    for number in range(20):
        attempt = {"email": f"person{number}@example.org", "password": ""}
        assert client.post("/sign-in", data=attempt).status_code == 200
    _assert_refused(client.post("/sign-in", data={"email": "another@example.org"}))
    assert client.get("/sign-in").status_code == 200
    other_address = client.post(
        "/sign-in", data={"email": "another@example.org"}, **_from("192.0.2.9")
    )
    assert other_address.status_code == 200


@pytest.mark.parametrize("page", ["/forgotten-password", "/register", "/verify-email"])
def test_too_many_emails_from_one_address(client, app_ctx, page):
    for number in range(10):
        assert client.post(page, data={"email": f"person{number}@"}).status_code == 200
    _assert_refused(client.post(page, data={"email": "another@"}))


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own, so nobody else's limits are touched; removed after."""
    prefix = f"portal-test-{uuid.uuid4().hex}"
    yield prefix
    connection = redis.Redis.from_url(REDIS_URL)
    keys = list(connection.scan_iter(f"*{prefix}*"))
    if keys:
        connection.delete(*keys)
    connection.close()


def _use_up_the_reset_limit(client) -> None:
    for number in range(10):
        response = client.post("/forgotten-password", data={"email": f"person{number}@example.org"})
        assert response.status_code == 302


def test_limits_are_shared_between_app_instances_through_redis(make_app, client, redis_prefix):
    first = make_app(REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=redis_prefix).test_client()
    second = make_app(REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=redis_prefix).test_client()
    _use_up_the_reset_limit(first)

    _assert_refused(second.post("/forgotten-password", data=VICTIM))
    connection = redis.Redis.from_url(REDIS_URL)
    assert list(connection.scan_iter(f"*{redis_prefix}*"))
    connection.close()
    # An instance that keeps its limits in its own memory has counted nothing.
    assert client.post("/forgotten-password", data=VICTIM).status_code == 302


def test_without_redis_each_app_instance_counts_alone(make_app):
    first = make_app().test_client()
    second = make_app().test_client()
    _use_up_the_reset_limit(first)
    _assert_refused(first.post("/forgotten-password", data=VICTIM))
    assert second.post("/forgotten-password", data=VICTIM).status_code == 302


def _behind_the_proxy(client_address: str) -> dict:
    # What the TLS proxy sends on: its own socket address, and the client's in X-Forwarded-For
    # after anything the client wrote there itself.
    return {
        "environ_base": {"REMOTE_ADDR": "10.0.0.1"},
        "headers": {"X-Forwarded-For": f"192.0.2.66, {client_address}"},
    }


@pytest.mark.parametrize(("trusted_proxies", "shared"), [(1, False), (0, True)])
def test_people_behind_a_trusted_proxy_get_an_allowance_each(make_app, trusted_proxies, shared):
    client = make_app(TRUSTED_PROXIES=trusted_proxies).test_client()
    for number in range(20):
        attempt = {"email": f"person{number}@example.org", "password": ""}
        assert (
            client.post("/sign-in", data=attempt, **_behind_the_proxy("203.0.113.1")).status_code
            == 200
        )
    _assert_refused(client.post("/sign-in", data=VICTIM, **_behind_the_proxy("203.0.113.1")))

    colleague = client.post("/sign-in", data=VICTIM, **_behind_the_proxy("203.0.113.2"))
    if shared:
        _assert_refused(colleague)
    else:
        assert colleague.status_code == 200
