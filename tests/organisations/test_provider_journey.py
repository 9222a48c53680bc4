"""The whole provider journey through the pages, with CSRF protection on as in production:
register, confirm the address, sign in, create the organisation, invite a colleague who
registers and accepts, and both see each other as members."""

import pytest

from tests.organisations.conftest import button_forms, details, members_listed
from tests.support.emails import last_email_to, link_in
from tests.support.pages import page_h1, page_text, soup

PASSWORD = "tutoring across the black country"


def hidden_fields(form) -> dict:
    """What the page put in the form for us to send back: CSRF token, submission id."""
    return {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}


def submit(client, url: str, answers: dict | None = None):
    """Open the page at `url` and send its form with `answers`, as a browser would."""
    page = client.get(url)
    assert page.status_code == 200, url
    form = soup(page).select_one("main form[method=post]")
    return client.post(form.get("action") or url, data=hidden_fields(form) | (answers or {}))


def press(client, url: str, button_text: str):
    """Press the button on the page at `url` whose words start with `button_text`."""
    [form] = button_forms(client.get(url), button_text)
    return client.post(form["action"], data=hidden_fields(form))


def register_and_sign_in(client, full_name: str, email: str):
    response = submit(
        client, "/register", {"full_name": full_name, "email": email, "password": PASSWORD}
    )
    assert response.location == "/check-your-email"
    confirmed = client.get(link_in(last_email_to(email), "/verify-email/"))
    assert confirmed.status_code == 200
    signed_in = submit(client, "/sign-in", {"email": email, "password": PASSWORD})
    assert signed_in.location == "/home"


@pytest.fixture
def csrf_app(make_app):
    """An app with CSRF protection on, whose context the test holds (to read the outbox)."""
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        yield csrf_app


def test_a_provider_sets_up_their_organisation_and_a_colleague_joins(csrf_app):
    sam = csrf_app.test_client()
    register_and_sign_in(sam, "Sam Jones", "sam@brierley-learning.example.org")

    # Signed in with no organisation, Sam is led to create one.
    home = sam.get("/home")
    assert home.location == "/organisations/new"
    created = submit(sam, home.location, details())
    organisation_url = created.location
    assert page_h1(sam.get(organisation_url)) == "Brierley Learning"

    invited = submit(
        sam, f"{organisation_url}/members/invite", {"email": "dana@brierley-learning.example.org"}
    )
    assert invited.location == organisation_url
    # The protection is on: a form sent without the page's token is refused.
    forged = sam.post(f"{organisation_url}/members/invite", data={"email": "eve@example.org"})
    assert forged.status_code == 400
    invitation = link_in(last_email_to("dana@brierley-learning.example.org"), "/organisations/")

    dana = csrf_app.test_client()
    register_and_sign_in(dana, "Dana Patel", "dana@brierley-learning.example.org")
    new = dana.get(dana.get("/home").location)
    assert "You have been invited to join Brierley Learning" in page_text(new)
    accepted = submit(dana, invitation)
    assert accepted.location == organisation_url

    assert members_listed(sam.get(organisation_url)) == [
        ("Dana Patel dana@brierley-learning.example.org", "Member"),
        ("Sam Jones (you) sam@brierley-learning.example.org", "Owner"),
    ]
    assert members_listed(dana.get(organisation_url)) == [
        ("Dana Patel (you) dana@brierley-learning.example.org", "Member"),
        ("Sam Jones sam@brierley-learning.example.org", "Owner"),
    ]
    joined = last_email_to("sam@brierley-learning.example.org")
    assert joined.subject == "Dana Patel has joined Brierley Learning"

    # Sam hands over to Dana and leaves.
    assert press(sam, organisation_url, "Make owner").location == organisation_url
    assert submit(sam, f"{organisation_url}/leave").location == "/home"
    assert members_listed(dana.get(organisation_url)) == [
        ("Dana Patel (you) dana@brierley-learning.example.org", "Owner")
    ]
