"""Signing in and out: wrong details, lockout, unconfirmed addresses, where you land, idle
sessions."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from portal.accounts.models import AddressBrake
from portal.core.db import db
from portal.core.time import utcnow
from tests.accounts.helpers import (
    assert_errors,
    assert_password_not_kept,
    audit_actions,
)
from tests.conftest import sign_in
from tests.support import factories
from tests.support.emails import emails_to, last_email_to, link_in
from tests.support.pages import banner_text, field_value, page_errors, page_h1, page_text

WRONG_DETAILS = {"email": "Enter a correct email address and password"}


def _sign_in(client, email, password=factories.PASSWORD, **kwargs):
    return client.post("/sign-in", data={"email": email, "password": password}, **kwargs)


def _is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_sign_in_and_out(client, provider):
    response = _sign_in(client, provider.email)
    assert response.status_code == 302
    assert response.location == "/home"
    assert _is_signed_in(client)

    signed_out = client.post("/sign-out")
    assert signed_out.location == "/signed-out"
    assert page_h1(client.get("/signed-out")) == "You have signed out"
    assert not _is_signed_in(client)
    assert audit_actions(provider.email) == ["account.signed_in", "account.signed_out"]


def test_the_address_is_matched_whatever_its_case(client, provider):
    assert _sign_in(client, "  Provider-A@Example.org").status_code == 302


@pytest.mark.parametrize(
    ("email", "password", "errors"),
    [
        ("", "", {"email": "Enter your email address", "password": "Enter your password"}),
        (
            "provider-a",
            "anything at all",
            {"email": "Enter an email address in the correct format, like name@example.com"},
        ),
        ("provider-a@example.org", "not the password", WRONG_DETAILS),
        ("nobody@example.org", factories.PASSWORD, WRONG_DETAILS),
    ],
)
def test_wrong_details_are_explained(client, provider, email, password, errors):
    response = _sign_in(client, email, password)
    assert response.status_code == 200
    assert_errors(response, errors)
    assert field_value(response, "email") == email
    assert_password_not_kept(response)
    assert not _is_signed_in(client)
    assert audit_actions(provider.email) == []


def test_repeated_wrong_passwords_lock_the_account(make_app, provider):
    client = make_app(LOCKOUT_ATTEMPTS=3, LOCKOUT_MINUTES=20).test_client()
    for _ in range(2):
        assert page_errors(_sign_in(client, provider.email, "not the password")) == WRONG_DETAILS
    locked = _sign_in(client, provider.email, "not the password")
    lock_message = (
        "You have entered the wrong details too many times. "
        "Wait 20 minutes, then try again or reset your password"
    )
    assert_errors(locked, {"email": lock_message})

    refused = _sign_in(client, provider.email)
    assert_errors(refused, {"email": lock_message})
    assert not _is_signed_in(client)
    assert audit_actions(provider.email) == ["account.locked"]

    # Once the lock has run out, the right password works again.
    db.session.execute(update(AddressBrake).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert _sign_in(client, provider.email).status_code == 302
    assert _is_signed_in(client)


def test_a_correct_sign_in_clears_earlier_failures(make_app, provider):
    client = make_app(LOCKOUT_ATTEMPTS=3).test_client()
    for _ in range(2):
        _sign_in(client, provider.email, "not the password")
    _sign_in(client, provider.email)
    client.post("/sign-out")
    # The count started again: two more wrong passwords do not lock the account.
    for _ in range(2):
        assert page_errors(_sign_in(client, provider.email, "not the password")) == WRONG_DETAILS


def test_an_unconfirmed_address_cannot_sign_in_and_gets_a_new_link(client, app_ctx):
    factories.make_user("waiting@example.org", verified=False)
    response = _sign_in(client, "waiting@example.org")
    assert page_errors(response) == {
        "email": "You need to confirm your email address before you can sign in. "
        "We have sent you a new link"
    }
    assert not _is_signed_in(client)

    client.get(link_in(last_email_to("waiting@example.org"), "/verify-email/"))
    assert _sign_in(client, "waiting@example.org").status_code == 302
    assert _is_signed_in(client)
    assert audit_actions("waiting@example.org") == ["account.email_verified", "account.signed_in"]


def test_an_unconfirmed_address_with_the_wrong_password_gets_no_link(client, app_ctx):
    factories.make_user("waiting@example.org", verified=False)
    assert page_errors(_sign_in(client, "waiting@example.org", "not the password")) == WRONG_DETAILS
    assert emails_to("waiting@example.org") == []


def test_sign_in_returns_to_the_page_asked_for(client, provider):
    asked = client.get("/account")
    assert asked.location == "/sign-in?next=/account"
    response = _sign_in(client, provider.email, query_string={"next": "/account"})
    assert response.location == "/account"


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example", "/\\evil.example", "evil.example/home"],
)
def test_sign_in_never_sends_you_to_another_site(client, provider, target):
    response = _sign_in(client, provider.email, query_string={"next": target})
    assert response.location == "/home"


def test_an_idle_session_is_signed_out(make_app, provider):
    app = make_app(SESSION_IDLE_MINUTES=1)
    client = sign_in(app.test_client(), provider)

    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 50
    assert _is_signed_in(client)

    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 61
    response = client.get("/account")
    assert response.location == "/sign-in"
    page = client.get("/sign-in")
    assert (
        "You have been signed out because you were inactive for 1 minute. Sign in again."
        in banner_text(page)
    )
    assert not _is_signed_in(client)


def test_sign_in_needs_the_form_from_this_site(make_app, provider):
    """With CSRF protection on, as in production, a sign-in posted from elsewhere is refused."""
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    refused = _sign_in(client, provider.email)
    assert refused.status_code == 400
    assert page_h1(refused) == "Your session has expired"

    token = field_value(client.get("/sign-in"), "csrf_token")
    response = client.post(
        "/sign-in",
        data={"email": provider.email, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert "Your account" in page_text(client.get("/account"))


def test_signed_in_people_are_sent_home_from_the_sign_in_page(provider_client):
    assert provider_client.get("/sign-in").location == "/home"
