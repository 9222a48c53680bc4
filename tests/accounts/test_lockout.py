"""The brakes on guessing a password: counted atomically, the same for addresses with and
without an account, and never in the way of an owner who has reset their password."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier, Lock

import pytest
from argon2 import PasswordHasher

from portal.core.db import db
from tests.support import factories
from tests.support.emails import emails_to, last_email_to, link_in
from tests.support.pages import page_errors

LOCKED = (
    "You have entered the wrong details too many times. "
    "Wait 15 minutes, then try again or reset your password"
)
WRONG_DETAILS = "Enter a correct email address and password"
NEW_PASSWORD = "kettle meadow lighthouse"


class CountingHasher(PasswordHasher):
    """The real argon2id hasher, noting which hash each check was made against."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.checked: list[str] = []
        self._lock = Lock()

    def verify(self, hash, password) -> bool:  # noqa: A002 - argon2's own parameter name
        with self._lock:
            self.checked.append(hash if isinstance(hash, str) else hash.decode())
        return super().verify(hash, password)


@pytest.fixture
def hasher(app):
    """Every password check the app makes, counted on its way to argon2."""
    counting = CountingHasher(
        time_cost=app.config["PASSWORD_HASH_TIME_COST"],
        memory_cost=app.config["PASSWORD_HASH_MEMORY_KIB"],
        parallelism=4,
    )
    earlier = app.extensions.get("password_hasher")
    app.extensions["password_hasher"] = counting
    yield counting
    app.extensions["password_hasher"] = earlier


def _from(number: int) -> dict:
    # Each guess from its own machine, so only the brakes per email address apply.
    return {"environ_base": {"REMOTE_ADDR": f"198.51.{number // 250}.{number % 250 + 1}"}}


def _guess(client, email: str, number: int, password: str = "not the password"):  # noqa: S107
    return client.post("/sign-in", data={"email": email, "password": password}, **_from(number))


def test_twenty_simultaneous_wrong_passwords_are_checked_at_most_five_times(
    app, client, provider, hasher
):
    """Run on PostgreSQL for the race: the count is one statement, not a read and a write."""
    password_hash = provider.password_hash
    db.session.commit()
    attempts = 20
    start = Barrier(attempts)

    def attempt(number: int):
        start.wait()
        return app.test_client().post(
            "/sign-in",
            data={"email": provider.email, "password": f"wrong guess {number}"},
            **_from(number),
        )

    with ThreadPoolExecutor(attempts) as pool:
        responses = list(pool.map(attempt, range(attempts)))

    assert [r.status_code for r in responses] == [200] * attempts
    messages = [page_errors(r)["email"] for r in responses]
    assert messages.count(WRONG_DETAILS) == 4
    assert messages.count(LOCKED) == attempts - 4
    assert hasher.checked.count(password_hash) == 5
    # Every attempt did the same work, checked against the real hash or not.
    assert len(hasher.checked) == attempts
    # And the right password is refused while the lock lasts.
    assert page_errors(_guess(client, provider.email, 99, factories.PASSWORD)) == {"email": LOCKED}


def test_an_address_with_an_account_answers_as_one_without(client, provider, hasher):
    """The same words after each wrong password, locked after the same number, and one hash
    checked for every answer, so neither the words nor the time tell the two apart."""
    answers = {}
    for email in (provider.email, "nobody@example.org"):
        answers[email] = []
        for number in range(8):
            before = len(hasher.checked)
            response = _guess(client, email, number)
            answers[email].append((page_errors(response), len(hasher.checked) - before))
    assert answers[provider.email] == answers["nobody@example.org"]
    assert (
        answers[provider.email]
        == [({"email": WRONG_DETAILS}, 1)] * 4 + [({"email": LOCKED}, 1)] * 4
    )


def test_after_a_thirty_guess_attack_the_owner_who_resets_signs_in(client, provider):
    for number in range(30):
        assert _guess(client, provider.email, number).status_code == 200
    assert page_errors(_guess(client, provider.email, 30, factories.PASSWORD)) == {"email": LOCKED}

    owner = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}
    asked = client.post("/forgotten-password", data={"email": provider.email}, **owner)
    assert asked.status_code == 302
    link = link_in(last_email_to(provider.email), "/reset-password/")
    assert client.post(link, data={"password": NEW_PASSWORD}, **owner).status_code == 302

    signed_in = client.post(
        "/sign-in", data={"email": provider.email, "password": NEW_PASSWORD}, **owner
    )
    assert signed_in.status_code == 302
    assert signed_in.location == "/home"


def test_reset_requests_from_anywhere_never_block_the_owners_own(client, provider):
    """Requests for one address from many machines are not refused, so the owner's own is not;
    past five an hour no more emails go, and the newest one the owner has still works."""
    for number in range(12):
        asked = client.post("/forgotten-password", data={"email": provider.email}, **_from(number))
        assert asked.status_code == 302
        assert asked.location == "/check-your-email?reset=1"
    resets = [e for e in emails_to(provider.email) if e.subject == "Reset your password"]
    assert len(resets) == 5

    owner = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}
    asked = client.post("/forgotten-password", data={"email": provider.email}, **owner)
    assert asked.status_code == 302
    assert asked.location == "/check-your-email?reset=1"
    link = link_in(last_email_to(provider.email), "/reset-password/")
    assert client.post(link, data={"password": NEW_PASSWORD}, **owner).status_code == 302
    signed_in = client.post(
        "/sign-in", data={"email": provider.email, "password": NEW_PASSWORD}, **owner
    )
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("page", "subject"),
    [
        ("/register", "You already have an account"),
        ("/verify-email", "Confirm your email address"),
        ("/forgotten-password", "Reset your password"),
    ],
)
def test_every_form_that_emails_an_address_caps_its_emails_but_never_refuses(
    client, app_ctx, page, subject
):
    factories.make_user("waiting@example.org", verified=False)
    form = {"email": "waiting@example.org", "full_name": "Wai Ting", "password": NEW_PASSWORD}
    answers = {client.post(page, data=form, **_from(number)).location for number in range(9)}
    assert len(answers) == 1 and None not in answers
    assert [e.subject for e in emails_to("waiting@example.org")] == [subject] * 5
