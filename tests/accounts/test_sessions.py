"""Sessions end on the server: a copied cookie dies at sign-out, and no session outlives
SESSION_LIFETIME_HOURS however busy it is."""

import time
from datetime import timedelta

from sqlalchemy import event, update

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


# What a signed-in request costs ------------------------------------------------------------


def _statements_of(app, call):
    """The SQL statements `call` sends through `app`'s engine."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(statement)

    engine = app.extensions["db"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return sent


def test_a_signed_in_request_loads_the_user_without_their_secrets(app, provider):
    client = sign_in(app.test_client(), provider)
    client.get("/account")

    sent = _statements_of(app, lambda: client.get("/account"))

    loading = [s for s in sent if "user_sessions" in s]
    assert len(loading) == 1
    assert "users.email" in loading[0]
    assert "password_hash" not in loading[0]
    assert "totp_secret" not in loading[0]


def test_an_unchanged_session_cookie_is_not_sent_again(app, provider):
    client = sign_in(app.test_client(), provider)
    client.get("/account")  # the CSRF token joins the session once

    again = client.get("/account")
    home = client.get("/home")

    assert again.status_code == 200 and home.status_code == 200
    assert "Set-Cookie" not in again.headers
    assert "Set-Cookie" not in home.headers


def test_the_last_seen_time_is_written_once_it_has_moved_on(make_app, provider):
    app = make_app(SESSION_IDLE_MINUTES=30)
    client = sign_in(app.test_client(), provider)
    client.get("/account")

    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 30
    recent = client.get("/account")
    with client.session_transaction() as session:
        kept = session["last_seen"]

    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 90
    moved = client.get("/account")
    with client.session_transaction() as session:
        written = session["last_seen"]

    assert recent.status_code == 200 and "Set-Cookie" not in recent.headers
    assert time.time() - kept >= 29  # not rewritten: half a minute is within the step
    assert moved.status_code == 200 and "Set-Cookie" in moved.headers
    assert time.time() - written < 10


def test_a_short_idle_limit_keeps_an_active_session_going(make_app, provider):
    """With a one-minute limit, a request every 40 seconds never signs anyone out: the
    last-seen time is written in steps far shorter than the limit."""
    app = make_app(SESSION_IDLE_MINUTES=1)
    client = sign_in(app.test_client(), provider)

    for _ in range(3):
        with client.session_transaction() as session:
            session["last_seen"] -= 40  # forty seconds pass since the time last written
        assert client.get("/account").status_code == 200


def test_keys_changed_while_the_portal_runs_sign_the_next_request(make_app, provider):
    """The cookie's serializer is made once per set of keys (sessions.CookieSessions), so a key
    rotated while the portal runs must count from the next request on."""
    app = make_app()
    client = sign_in(app.test_client(), provider)
    cookie = client.get_cookie("session").value
    old_key = app.config["SECRET_KEY"]

    app.config.update(SECRET_KEY="a-new-key-" + old_key, SECRET_KEY_FALLBACKS=[old_key])
    assert client.get("/account").status_code == 200  # signed with the old key, still allowed

    app.config.update(SECRET_KEY_FALLBACKS=[])
    client.set_cookie("session", cookie)
    assert client.get("/account").location == "/sign-in?next=/account"
