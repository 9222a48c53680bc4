"""A session that ends in the middle of a question page: the page says so, and after signing in
again the draft is as it was last saved."""

import time

from tests.applications.helpers import page_url, start, stored
from tests.support import factories
from tests.support.pages import banner_text, field_value, page_h1, page_text

IDENTITY = {
    "legal_name": "Bright Futures Ltd",
    "contact_email": "office@example.org",
    "phone": "01384 000000",
}


def sign_in_through_the_form(client, user):
    token = field_value(client.get("/sign-in"), "csrf_token")
    response = client.post(
        "/sign-in",
        data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302


def save_with_the_pages_token(client, url, data):
    page = client.get(url)
    return client.post(
        url,
        data={
            "csrf_token": field_value(page, "csrf_token"),
            "section_version": field_value(page, "section_version"),
            **data,
        },
    )


def test_a_session_that_has_ended_keeps_the_draft_as_last_saved(
    make_app, provider, organisation, every_type, provider_client
):
    draft = start(provider_client, organisation)
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    sign_in_through_the_form(client, provider)
    url = page_url(draft, "about", "identity")
    assert save_with_the_pages_token(client, url, IDENTITY).status_code == 302
    page = client.get(url)
    token, version = field_value(page, "csrf_token"), field_value(page, "section_version")

    # The session ends (signed out elsewhere, or the browser threw the cookie away) while the
    # page is open; then the provider presses Save and continue.
    client.delete_cookie("session")
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "section_version": version,
            **IDENTITY,
            "legal_name": "Typed After Expiry",
        },
    )

    assert response.status_code == 400
    assert page_h1(response) == "Your session has expired"
    assert "Your answers were not saved, sign in again." in page_text(response)
    sign_in_through_the_form(client, provider)
    assert field_value(client.get(url), "legal_name") == "Bright Futures Ltd"
    assert stored(draft)["legal_name"] == "Bright Futures Ltd"


def test_an_idle_session_is_signed_out_and_the_draft_kept(
    make_app, provider, organisation, every_type, provider_client
):
    draft = start(provider_client, organisation)
    app = make_app(WTF_CSRF_ENABLED=True, SESSION_IDLE_MINUTES=1)
    client = app.test_client()
    sign_in_through_the_form(client, provider)
    url = page_url(draft, "about", "identity")
    save_with_the_pages_token(client, url, IDENTITY)
    page = client.get(url)

    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 61
    response = client.post(
        url,
        data={
            "csrf_token": field_value(page, "csrf_token"),
            "section_version": field_value(page, "section_version"),
            **IDENTITY,
            "legal_name": "Typed After Expiry",
        },
    )

    assert response.location == "/sign-in"
    assert "You have been signed out because you were inactive" in banner_text(
        client.get("/sign-in")
    )
    sign_in_through_the_form(client, provider)
    assert field_value(client.get(url), "legal_name") == "Bright Futures Ltd"
