"""Sessions end on the server: a copied cookie dies at sign-out, and no session outlives
SESSION_LIFETIME_HOURS however busy it is."""

from datetime import timedelta

from sqlalchemy import update

from portal.accounts.models import UserSession
from portal.core.db import db
from portal.core.time import utcnow
from tests.conftest import sign_in
from tests.support.pages import banner_text


def _copy_of(client, app):
    """Another browser holding a copy of `client`'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in_at(moment) -> None:
    """Every session as if it had been started at `moment`."""
    db.session.execute(update(UserSession).values(created_at=moment))
    db.session.commit()


def test_a_copied_cookie_stops_working_at_sign_out(app, provider):
    client = sign_in(app.test_client(), provider)
    thief = _copy_of(client, app)
    assert thief.get("/account").status_code == 200
    # Each of the copy's replies re-signs its cookie: that fresh cookie dies too.
    assert thief.get("/home").status_code == 200
    phone = sign_in(app.test_client(), provider)  # the same person, signed in elsewhere

    assert client.post("/sign-out").location == "/signed-out"

    refused = thief.get("/account")
    assert refused.location == "/sign-in?next=/account"
    assert "You have been signed out. Sign in again." in banner_text(thief.get("/sign-in"))
    assert thief.get("/account").location == "/sign-in?next=/account"
    assert client.get("/account").location == "/sign-in?next=/account"
    # Signing out ends this browser's session only: the phone carries on.
    assert phone.get("/account").status_code == 200


def test_a_session_ends_after_its_lifetime_even_when_active(app, provider):
    client = sign_in(app.test_client(), provider)
    _signed_in_at(utcnow() - timedelta(hours=11, minutes=59))
    assert client.get("/account").status_code == 200  # active a moment ago, and still in time

    _signed_in_at(utcnow() - timedelta(hours=12, minutes=1))
    response = client.get("/account")

    assert response.location == "/sign-in?next=/account"
    assert (
        "You have been signed out because you signed in more than 12 hours ago. Sign in again."
        in banner_text(client.get("/sign-in"))
    )
    assert client.get("/account").location == "/sign-in?next=/account"
    # Signing in again starts a new session, with a new lifetime.
    assert sign_in(client, provider).get("/account").status_code == 200


def test_the_lifetime_is_a_setting(make_app, provider):
    app = make_app(SESSION_LIFETIME_HOURS=2)
    client = sign_in(app.test_client(), provider)
    _signed_in_at(utcnow() - timedelta(hours=2, minutes=1))

    assert client.get("/account").location == "/sign-in?next=/account"
    assert "signed in more than 2 hours ago" in banner_text(client.get("/sign-in"))
