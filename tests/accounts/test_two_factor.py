"""Council staff set up and use two-factor authentication before any council page."""

import time

import pyotp
import pytest

from portal.accounts.models import ADMIN, RecoveryCode
from tests.accounts.helpers import assert_errors, audit_actions, count, user_by_email
from tests.support import factories
from tests.support.pages import page_errors, page_h1, page_text, soup

NEW_ADMIN = "new.admin@council.example.org"


def _sign_in(client, email, **kwargs):
    return client.post("/sign-in", data={"email": email, "password": factories.PASSWORD}, **kwargs)


def _set_up_two_factor(client) -> tuple[pyotp.TOTP, list[str]]:
    """Do what a new member of staff does: type the key into an app, confirm a code, keep the
    recovery codes. Returns their authenticator and recovery codes."""
    setup = client.get("/two-factor/setup")
    totp = pyotp.TOTP(soup(setup).select_one("#totp-secret").get_text(strip=True))
    response = client.post("/two-factor/setup", data={"code": totp.now()})
    assert response.location == "/two-factor/recovery-codes"
    page = client.get("/two-factor/recovery-codes")
    codes = [item.get_text(strip=True) for item in soup(page).select("#recovery-codes li")]
    return totp, codes


def _next_code(totp: pyotp.TOTP) -> str:
    """The code the app shows next: an earlier one has been used, and codes work once."""
    return totp.at(time.time() + totp.interval)


@pytest.fixture
def new_admin(app_ctx):
    return factories.make_user(NEW_ADMIN, role=ADMIN)


def test_staff_without_two_factor_are_sent_to_set_it_up(client, new_admin):
    response = _sign_in(client, NEW_ADMIN)
    assert response.location == "/two-factor/setup"
    for page in ("/admin/staff", "/home", "/account"):
        assert client.get(page).location == "/two-factor/setup", page
    setup = client.get("/two-factor/setup")
    assert page_h1(setup) == "Set up two-factor authentication"
    assert soup(setup).select_one("svg[aria-label='QR code for your authenticator app']")


def test_set_up_two_factor_and_keep_the_recovery_codes(client, new_admin):
    _sign_in(client, NEW_ADMIN)
    totp, codes = _set_up_two_factor(client)
    assert len(codes) == 10
    assert len(set(codes)) == 10

    assert client.get("/admin/staff").status_code == 200
    # The codes are shown once, and only their hashes are kept.
    assert client.get("/two-factor/recovery-codes").location == "/account"
    assert count(RecoveryCode) == 10
    hashes = [code.code_hash for code in user_by_email(NEW_ADMIN).recovery_codes]
    assert not set(codes) & set(hashes)
    assert user_by_email(NEW_ADMIN).totp_enabled_at is not None
    assert audit_actions(NEW_ADMIN) == ["account.signed_in", "account.two_factor_enabled"]
    assert "On. 10 recovery codes left" in page_text(client.get("/account"))


def _wrong_code(totp: pyotp.TOTP) -> str:
    """A well-formed code the app is not showing now, nor either side of now."""
    now = time.time()
    accepted = {totp.at(now + steps * totp.interval) for steps in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("", "Enter the security code"),
        ("wrong", "The code is not correct. Enter the 6-digit code from your app"),
        ("12345", "The code is not correct. Enter the 6-digit code from your app"),
        ("abcdef", "The code is not correct. Enter the 6-digit code from your app"),
    ],
)
def test_a_wrong_code_at_setup_is_explained(client, new_admin, code, error):
    _sign_in(client, NEW_ADMIN)
    secret = soup(client.get("/two-factor/setup")).select_one("#totp-secret").get_text(strip=True)
    if code == "wrong":
        code = _wrong_code(pyotp.TOTP(secret))

    response = client.post("/two-factor/setup", data={"code": code})
    assert response.status_code == 200
    assert_errors(response, {"code": error})
    assert client.get("/admin/staff").location == "/two-factor/setup"
    user = user_by_email(NEW_ADMIN)
    assert user.totp_enabled_at is None
    assert user.recovery_codes == []
    # The key stays the same, so an app already set up with it keeps working.
    shown_again = soup(client.get("/two-factor/setup")).select_one("#totp-secret")
    assert shown_again.get_text(strip=True) == secret


def test_sign_in_asks_for_the_code_and_returns_to_the_page_asked_for(client, reviewer):
    asked = client.get("/home")
    response = _sign_in(client, reviewer.email, query_string={"next": "/account"})
    assert asked.location == "/sign-in?next=/home"
    assert response.location == "/two-factor?next=/account"
    assert client.get("/account").location == "/two-factor"

    code = pyotp.TOTP(reviewer.totp_secret).now()
    passed = client.post(response.location, data={"code": code})
    assert passed.location == "/account"
    assert client.get("/account").status_code == 200


def test_a_code_cannot_be_used_twice(app, reviewer):
    totp = pyotp.TOTP(reviewer.totp_secret)
    first = app.test_client()
    _sign_in(first, reviewer.email)
    code = totp.now()
    assert first.post("/two-factor", data={"code": code}).status_code == 302

    second = app.test_client()
    _sign_in(second, reviewer.email)
    replayed = second.post("/two-factor", data={"code": code})
    assert page_errors(replayed) == {"code": "The code is not correct"}
    assert second.get("/home").location == "/two-factor"
    assert second.post("/two-factor", data={"code": _next_code(totp)}).status_code == 302
    assert second.get("/home").status_code == 200


def test_a_recovery_code_works_once(app, client, new_admin):
    _sign_in(client, NEW_ADMIN)
    _, codes = _set_up_two_factor(client)

    later = app.test_client()
    _sign_in(later, NEW_ADMIN)
    assert later.post("/two-factor", data={"code": f"  {codes[0].upper()} "}).status_code == 302
    assert later.get("/admin/staff").status_code == 200
    assert "On. 9 recovery codes left" in page_text(later.get("/account"))
    assert audit_actions(NEW_ADMIN)[-1] == "account.recovery_code_used"

    again = app.test_client()
    _sign_in(again, NEW_ADMIN)
    refused = again.post("/two-factor", data={"code": codes[0]})
    assert page_errors(refused) == {"code": "The code is not correct"}
    assert again.get("/admin/staff").location == "/two-factor"


def test_wrong_codes_lock_the_account(app, client, reviewer):
    _sign_in(client, reviewer.email)
    for _ in range(app.config["LOCKOUT_ATTEMPTS"] - 1):
        wrong = client.post("/two-factor", data={"code": "not-a-code"})
        assert page_errors(wrong) == {"code": "The code is not correct"}
    locked = client.post("/two-factor", data={"code": "not-a-code"})
    assert page_errors(locked)["code"].startswith("You have entered the wrong details too many")
    refused = client.post("/two-factor", data={"code": pyotp.TOTP(reviewer.totp_secret).now()})
    assert page_errors(refused)["code"].startswith("You have entered the wrong details too many")
    assert client.get("/home").location == "/two-factor"
    assert audit_actions(reviewer.email) == ["account.signed_in", "account.locked"]


def test_signing_in_again_buys_no_more_guesses_at_the_code(app, reviewer):
    email = reviewer.email
    first = app.test_client()
    _sign_in(first, email)
    for _ in range(app.config["LOCKOUT_ATTEMPTS"] - 1):
        first.post("/two-factor", data={"code": "not-a-code"})

    second = app.test_client()
    assert _sign_in(second, email).location == "/two-factor"
    locked = second.post("/two-factor", data={"code": "not-a-code"})
    assert page_errors(locked)["code"].startswith("You have entered the wrong details too many")


def test_demo_mode_lets_staff_skip_two_factor(make_app, new_admin):
    client = make_app(DEMO_MODE=True).test_client()
    assert _sign_in(client, NEW_ADMIN).location == "/home"
    assert client.get("/admin/staff").status_code == 200


def test_providers_have_no_two_factor_pages(provider_client):
    assert provider_client.get("/two-factor").location == "/home"
    assert provider_client.get("/two-factor/setup").location == "/two-factor"


def test_two_factor_pages_need_a_password_first(client):
    assert client.get("/two-factor").location == "/sign-in"
    assert client.get("/two-factor/setup").location == "/sign-in"


def test_staff_who_have_set_up_two_factor_cannot_set_it_up_again(client, reviewer):
    secret = reviewer.totp_secret
    _sign_in(client, reviewer.email)
    assert client.get("/two-factor/setup").location == "/two-factor"
    assert user_by_email(reviewer.email).totp_secret == secret
