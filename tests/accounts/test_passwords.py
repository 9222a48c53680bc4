"""Forgotten passwords, resetting one from an emailed link, and changing one while signed in."""

import pytest

from portal.accounts.services import RESET_PASSWORD
from portal.outbox.models import OutboxEmail
from tests.accounts.helpers import (
    aged_token,
    assert_errors,
    assert_password_not_kept,
    audit_actions,
    count,
    user_by_email,
)
from tests.conftest import sign_in
from tests.support import factories
from tests.support.emails import emails_to, last_email_to, link_in
from tests.support.pages import banner_text, field_value, page_errors, page_h1, page_text

NEW_PASSWORD = "kettle meadow lighthouse"


def _reset_link(client, email: str) -> str:
    client.post("/forgotten-password", data={"email": email})
    return link_in(last_email_to(email), "/reset-password/")


def _signs_in(app, email: str, password: str) -> bool:
    response = app.test_client().post("/sign-in", data={"email": email, "password": password})
    return response.status_code == 302


def test_the_reset_page_says_the_same_whether_or_not_there_is_an_account(client, provider):
    pages = []
    for address in (provider.email, "nobody@example.org"):
        response = client.post("/forgotten-password", data={"email": address})
        assert response.location == "/check-your-email?reset=1"
        pages.append(page_text(client.get(response.location)).replace(address, "ADDRESS"))
    assert pages[0] == pages[1]
    assert "If there is an account with this address" in pages[0]
    assert last_email_to(provider.email).subject == "Reset your password"
    assert emails_to("nobody@example.org") == []


@pytest.mark.parametrize(
    ("address", "error"),
    [
        ("", "Enter your email address"),
        (
            "provider-a.example.org",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("a@" + "b" * 260 + ".org", "Email address must be 254 characters or fewer"),
    ],
)
def test_asking_for_a_reset_with_a_bad_address(client, provider, address, error):
    response = client.post("/forgotten-password", data={"email": address})
    assert response.status_code == 200
    assert_errors(response, {"email": error})
    assert field_value(response, "email") == address
    assert count(OutboxEmail) == 0


def test_reset_a_forgotten_password(app, client, provider, other_provider):
    email, other_email = provider.email, other_provider.email
    elsewhere = sign_in(app.test_client(), provider)
    link = _reset_link(client, email)

    form = client.get(link)
    assert page_h1(form) == "Choose a new password"
    response = client.post(link, data={"password": NEW_PASSWORD})
    assert response.location == "/password-reset"
    assert page_h1(client.get("/password-reset")) == "Your password has been reset"

    assert _signs_in(app, email, NEW_PASSWORD)
    assert not _signs_in(app, email, factories.PASSWORD)
    assert elsewhere.get("/account").location.startswith("/sign-in")
    assert last_email_to(email).subject == "Your password has been changed"
    assert audit_actions(email)[-2:] == ["account.password_reset", "account.signed_in"]
    # Nobody else's password changed.
    assert _signs_in(app, other_email, factories.PASSWORD)


def test_a_reset_link_works_once(app, client, provider):
    email = provider.email
    link = _reset_link(client, email)
    client.post(link, data={"password": NEW_PASSWORD})

    again = client.get(link)
    assert again.status_code == 400
    assert page_h1(again) == "This link does not work"
    reused = client.post(link, data={"password": "another fresh passphrase"})
    assert reused.status_code == 400
    assert _signs_in(app, email, NEW_PASSWORD)


def test_only_the_newest_password_matters_to_older_links(app, client, provider):
    first = _reset_link(client, provider.email)
    second = _reset_link(client, provider.email)
    client.post(second, data={"password": NEW_PASSWORD})
    assert client.get(first).status_code == 400


def test_a_reset_link_expires_after_an_hour(app, client, provider):
    email = provider.email
    link = _reset_link(client, email)
    token = link.rsplit("/", 1)[1]
    old_link = "/reset-password/" + aged_token(app, RESET_PASSWORD, token, 3601)

    response = client.post(old_link, data={"password": NEW_PASSWORD})
    assert response.status_code == 400
    assert page_h1(response) == "This link has expired"
    assert _signs_in(app, email, factories.PASSWORD)


def test_a_reset_unlocks_the_account_and_confirms_the_address(app, client, app_ctx):
    factories.make_user("waiting@example.org", verified=False)
    for _ in range(5):
        wrong = {"email": "waiting@example.org", "password": "wrong guess"}
        locked = client.post("/sign-in", data=wrong)
    assert page_errors(locked)["email"].startswith(
        "You have entered the wrong details too many times"
    )

    client.post(_reset_link(client, "waiting@example.org"), data={"password": NEW_PASSWORD})
    assert user_by_email("waiting@example.org").email_verified_at is not None
    assert _signs_in(app, "waiting@example.org", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("", "Enter a new password"),
        ("short one", "Password must be 12 characters or more"),
        ("x" * 129, "Password must be 128 characters or fewer"),
        ("iloveyou1234", "Password is too common. Choose a password that is harder to guess"),
        ("provider-a@example.org", "Password must not be your name or email address"),
    ],
)
def test_a_bad_new_password_changes_nothing(app, client, provider, password, error):
    email, password_hash = provider.email, provider.password_hash
    link = _reset_link(client, email)
    emails_before = count(OutboxEmail)
    response = client.post(link, data={"password": password})
    assert response.status_code == 200
    assert_errors(response, {"password": error})
    assert_password_not_kept(response)
    assert user_by_email(email).password_hash == password_hash
    assert count(OutboxEmail) == emails_before
    assert audit_actions(email) == []
    # The link still works for a better password.
    assert client.post(link, data={"password": NEW_PASSWORD}).location == "/password-reset"


def test_change_password_signs_out_other_sessions_only(app, provider_client, provider):
    email, session_version = provider.email, provider.session_version
    elsewhere = sign_in(app.test_client(), provider)
    response = provider_client.post(
        "/account/change-password",
        data={"current_password": factories.PASSWORD, "password": NEW_PASSWORD},
    )
    assert response.location == "/account?changed=1"
    page = provider_client.get(response.location)
    assert "Your password has been changed. Other devices have been signed out." in banner_text(
        page
    )

    assert provider_client.get("/home").status_code == 200
    assert elsewhere.get("/home").location.startswith("/sign-in")
    assert user_by_email(email).session_version == session_version + 1
    assert _signs_in(app, email, NEW_PASSWORD)
    assert last_email_to(email).subject == "Your password has been changed"
    assert audit_actions(email)[-2:] == ["account.password_changed", "account.signed_in"]


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        (
            {"current_password": "", "password": ""},
            {"current_password": "Enter your current password", "password": "Enter a new password"},
        ),
        (
            {"current_password": "not my password", "password": NEW_PASSWORD},
            {"current_password": "Your current password is not correct"},
        ),
        (
            {"current_password": factories.PASSWORD, "password": "too short"},
            {"password": "Password must be 12 characters or more"},
        ),
        (
            {"current_password": factories.PASSWORD, "password": "password1234"},
            {"password": "Password is too common. Choose a password that is harder to guess"},
        ),
    ],
)
def test_change_password_with_bad_input_changes_nothing(
    app, provider_client, provider, typed, errors
):
    email, password_hash = provider.email, provider.password_hash
    session_version = provider.session_version
    elsewhere = sign_in(app.test_client(), provider)
    response = provider_client.post("/account/change-password", data=typed)
    assert response.status_code == 200
    assert_errors(response, errors)
    assert_password_not_kept(response, "current_password")
    assert_password_not_kept(response, "password")
    user = user_by_email(email)
    assert user.password_hash == password_hash
    assert user.session_version == session_version
    assert elsewhere.get("/home").status_code == 200
    assert "account.password_changed" not in audit_actions(email)
    assert emails_to(email) == []
