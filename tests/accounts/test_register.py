"""A provider creates an account and confirms their email address."""

import pytest

from portal.accounts.models import PROVIDER, User
from portal.accounts.services import VERIFY_EMAIL
from portal.outbox.models import OutboxEmail
from tests.accounts.helpers import (
    aged_token,
    assert_errors,
    assert_password_not_kept,
    audit_actions,
    count,
    user_by_email,
)
from tests.support import factories
from tests.support.emails import emails_to, last_email_to, link_in
from tests.support.pages import field_value, page_h1, page_text

DETAILS = {
    "full_name": "Sam Tutor",
    "email": "sam@example.org",
    "password": "lantern orchard pebble",
}


def test_register_confirm_and_sign_in(client, app_ctx):
    response = client.post("/register", data=DETAILS)
    assert response.status_code == 302
    assert response.location == "/check-your-email"
    page = client.get("/check-your-email")
    assert page_h1(page) == "Check your email"
    assert "We have sent an email to sam@example.org" in page_text(page)

    user = user_by_email("sam@example.org")
    assert user.full_name == "Sam Tutor"
    assert user.role == PROVIDER
    assert user.password_hash.startswith("$argon2id$")
    assert user.email_verified_at is None

    email = last_email_to("sam@example.org")
    assert email.subject == "Confirm your email address"
    confirmed = client.get(link_in(email, "/verify-email/"))
    assert confirmed.status_code == 200
    assert page_h1(confirmed) == "Email address confirmed"
    assert user_by_email("sam@example.org").email_verified_at is not None

    signed_in = client.post(
        "/sign-in", data={"email": "sam@example.org", "password": DETAILS["password"]}
    )
    assert signed_in.status_code == 302
    assert audit_actions(user.email) == [
        "account.registered",
        "account.email_verified",
        "account.signed_in",
    ]


def test_the_address_is_stored_trimmed_and_in_lower_case(client, app_ctx):
    client.post("/register", data=DETAILS | {"email": "  Sam@Example.ORG "})
    assert user_by_email("sam@example.org") is not None


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"full_name": "", "email": "", "password": ""},
            {
                "full_name": "Enter your full name",
                "email": "Enter your email address",
                "password": "Enter a password",
            },
        ),
        ({"full_name": "S" * 201}, {"full_name": "Full name must be 200 characters or fewer"}),
        (
            {"email": "sam@" + "e" * 250 + ".org"},
            {"email": "Email address must be 254 characters or fewer"},
        ),
        (
            {"email": "sam.example.org"},
            {"email": "Enter an email address in the correct format, like name@example.com"},
        ),
        ({"password": "too short"}, {"password": "Password must be 12 characters or more"}),
        ({"password": "p" * 129}, {"password": "Password must be 128 characters or fewer"}),
        (
            {"password": "qwertyuiop123"},
            {"password": "Password is too common. Choose a password that is harder to guess"},
        ),
        (
            {"password": "sam@example.org"},
            {"password": "Password must not be your name or email address"},
        ),
    ],
)
def test_bad_details_are_explained_and_nothing_is_created(client, app_ctx, changes, errors):
    typed = DETAILS | changes
    response = client.post("/register", data=typed)
    assert response.status_code == 200
    assert_errors(response, errors)
    assert field_value(response, "full_name") == typed["full_name"]
    assert field_value(response, "email") == typed["email"]
    assert_password_not_kept(response)
    assert count(User) == 0
    assert count(OutboxEmail) == 0


def test_an_address_with_an_account_gets_the_same_page_and_the_owner_is_told(client, app_ctx):
    owner = factories.make_user("taken@example.org", full_name="Taken Owner")
    password_hash = owner.password_hash
    fresh = client.post("/register", data=DETAILS)
    fresh_page = page_text(client.get(fresh.location)).replace("sam@example.org", "ADDRESS")

    response = client.post("/register", data=DETAILS | {"email": "Taken@example.org"})
    assert response.location == fresh.location
    page = page_text(client.get(response.location)).replace("taken@example.org", "ADDRESS")
    assert page == fresh_page

    assert count(User) == 2
    assert user_by_email("taken@example.org").full_name == "Taken Owner"
    assert user_by_email("taken@example.org").password_hash == password_hash
    [email] = emails_to("taken@example.org")
    assert email.subject == "You already have an account"
    assert "/forgotten-password" in email.body


def test_a_second_click_on_create_account_makes_one_account(client, app_ctx):
    form = client.get("/register")
    submission = DETAILS | {"submission_id": field_value(form, "submission_id")}
    first = client.post("/register", data=submission)
    second = client.post("/register", data=submission)
    assert second.status_code == 302
    assert second.location == first.location
    assert count(User) == 1
    assert len(emails_to("sam@example.org")) == 1


def test_a_confirmation_link_used_twice_still_says_confirmed(client, app_ctx):
    client.post("/register", data=DETAILS)
    link = link_in(last_email_to("sam@example.org"), "/verify-email/")
    client.get(link)
    again = client.get(link)
    assert again.status_code == 200
    assert page_h1(again) == "Email address confirmed"
    assert audit_actions("sam@example.org").count("account.email_verified") == 1


def test_an_expired_confirmation_link_offers_a_new_one(app, client, app_ctx):
    client.post("/register", data=DETAILS)
    link = link_in(last_email_to("sam@example.org"), "/verify-email/")
    token = link.rsplit("/", 1)[1]
    old_link = "/verify-email/" + aged_token(app, VERIFY_EMAIL, token, 25 * 3600)

    response = client.get(old_link)
    assert response.status_code == 400
    assert page_h1(response) == "This link has expired"
    assert user_by_email("sam@example.org").email_verified_at is None

    asked = client.post("/verify-email", data={"email": "sam@example.org"})
    assert asked.location == "/check-your-email"
    new_link = link_in(last_email_to("sam@example.org"), "/verify-email/")
    assert client.get(new_link).status_code == 200
    assert user_by_email("sam@example.org").email_verified_at is not None


def test_a_broken_confirmation_link(client, app_ctx):
    client.post("/register", data=DETAILS)
    link = link_in(last_email_to("sam@example.org"), "/verify-email/")
    response = client.get(link[:-3])
    assert response.status_code == 400
    assert page_h1(response) == "This link does not work"
    assert user_by_email("sam@example.org").email_verified_at is None


def test_asking_for_a_new_link_says_the_same_whether_or_not_there_is_an_account(client, app_ctx):
    factories.make_user("waiting@example.org", verified=False)
    for address in ("waiting@example.org", "nobody@example.org"):
        response = client.post("/verify-email", data={"email": address})
        assert response.location == "/check-your-email"
    assert len(emails_to("waiting@example.org")) == 1
    assert emails_to("nobody@example.org") == []


@pytest.mark.parametrize(
    ("address", "error"),
    [
        ("", "Enter your email address"),
        ("waiting", "Enter an email address in the correct format, like name@example.com"),
    ],
)
def test_asking_for_a_new_link_with_a_bad_address(client, app_ctx, address, error):
    response = client.post("/verify-email", data={"email": address})
    assert response.status_code == 200
    assert_errors(response, {"email": error})
    assert field_value(response, "email") == address
    assert count(OutboxEmail) == 0
