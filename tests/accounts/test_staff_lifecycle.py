"""Administrators deactivate and reactivate staff accounts and reset a colleague's two-factor;
staff are invited only at the council's own email domains; and however admins act on each other,
even at the same moment, the council is never left without one."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from threading import Barrier

import pyotp
import pytest
from sqlalchemy import create_engine, select, text

from portal.accounts.models import ADMIN, REVIEWER, RecoveryCode, StaffInvitation, User
from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.time import format_datetime
from tests.accounts.helpers import assert_errors, count, user_by_email
from tests.conftest import sign_in
from tests.support import factories
from tests.support.emails import emails_to, last_email_to, link_in
from tests.support.pages import banner_text, field_value, page_h1, soup

DEACTIVATED = {
    "email": "Your account has been deactivated. Ask an administrator at the council to "
    "reactivate it"
}


def _staff_row(response, email: str) -> list[str]:
    """The cells of the staff page's row for `email`: name, email, role, account, two-factor,
    last sign-in, actions."""
    for row in soup(response).select("tbody tr"):
        cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
        if cells[1] == email:
            return cells
    raise AssertionError(f"{email} is not on the staff page")


def _sign_in(client, email: str, password: str = factories.PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password})


def _second_browser(app, staff: User):
    """`staff` signed in on another browser too, with the next code their app shows (the code
    they used a moment ago cannot be used again)."""
    client = app.test_client()
    _sign_in(client, staff.email)
    next_code = pyotp.TOTP(staff.totp_secret).at(time.time() + 30)
    assert client.post("/two-factor", data={"code": next_code}).location == "/home"
    return client


def _audit(action: str) -> list[tuple[int, int]]:
    """(whose account, who did it) for each audit event of this kind."""
    db.session.rollback()  # see what the requests committed
    return [
        (event.object_id, event.actor_id)
        for event in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
    ]


def test_a_deactivated_account_is_signed_out_at_once_and_cannot_sign_in(
    app, admin, admin_client, reviewer, reviewer_client
):
    reviewer_id, admin_id = reviewer.id, admin.id
    laptop = _second_browser(app, reviewer)
    page = admin_client.get(f"/admin/staff/{reviewer_id}/deactivate")
    assert page_h1(page) == "Deactivate Test User's account?"

    done = admin_client.post(f"/admin/staff/{reviewer_id}/deactivate")

    assert done.location == "/admin/staff"
    staff_page = admin_client.get("/admin/staff")
    assert "Test User's account has been deactivated" in banner_text(staff_page)
    assert _staff_row(staff_page, reviewer.email)[3] == "Deactivated"
    for browser in (reviewer_client, laptop):
        assert browser.get("/reviews").location.startswith("/sign-in")
    assert_errors(_sign_in(app.test_client(), reviewer.email), DEACTIVATED)
    # Only the password's owner learns the account is deactivated.
    wrong = _sign_in(app.test_client(), reviewer.email, "not the password")
    assert_errors(wrong, {"email": "Enter a correct email address and password"})
    assert _audit("staff.deactivated") == [(reviewer_id, admin_id)]

    page = admin_client.get(f"/admin/staff/{reviewer_id}/reactivate")
    assert page_h1(page) == "Reactivate Test User's account?"
    assert admin_client.post(f"/admin/staff/{reviewer_id}/reactivate").location == "/admin/staff"
    staff_page = admin_client.get("/admin/staff")
    assert "Test User's account has been reactivated" in banner_text(staff_page)
    assert _staff_row(staff_page, reviewer.email)[3] == "Active"
    assert _audit("staff.reactivated") == [(reviewer_id, admin_id)]
    # The sessions from before stay ended; the password lets them in again, on to their code.
    assert reviewer_client.get("/reviews").location.startswith("/sign-in")
    assert _sign_in(app.test_client(), reviewer.email).location == "/two-factor"
    assert user_by_email(reviewer.email).role == REVIEWER


def test_an_admin_cannot_deactivate_their_own_account(admin_client, admin):
    admin_id = admin.id
    assert "Deactivate" not in _staff_row(admin_client.get("/admin/staff"), admin.email)[5]

    response = admin_client.post(f"/admin/staff/{admin_id}/deactivate")

    assert_errors(response, {"submit": "You cannot deactivate your own account"})
    assert user_by_email(admin.email).is_active
    assert admin_client.get("/admin/staff").status_code == 200


def test_reset_a_colleagues_two_factor(app, admin, admin_client, reviewer, reviewer_client):
    reviewer_id, admin_id, email = reviewer.id, admin.id, reviewer.email
    old_app = pyotp.TOTP(reviewer.totp_secret)
    db.session.add(RecoveryCode(user_id=reviewer_id, code_hash="0" * 64))
    db.session.commit()
    page = admin_client.get(f"/admin/staff/{reviewer_id}/reset-two-factor")
    assert page_h1(page) == "Reset Test User's two-factor authentication?"

    done = admin_client.post(f"/admin/staff/{reviewer_id}/reset-two-factor")

    assert done.location == "/admin/staff"
    staff_page = admin_client.get("/admin/staff")
    assert "Test User's two-factor authentication has been reset. We have emailed them" in (
        banner_text(staff_page)
    )
    assert _staff_row(staff_page, reviewer.email)[4] == "Not set up"
    assert _audit("staff.two_factor_reset") == [(reviewer_id, admin_id)]
    assert count(RecoveryCode) == 0
    email = last_email_to(email)
    assert email.subject == "Your two-factor authentication has been reset"
    assert "Test User has reset the two-factor authentication" in email.body
    assert "framework@example.org" in email.body
    # Signed out at once; at the next sign-in they set up a new app, and the old one is no use.
    assert reviewer_client.get("/reviews").location.startswith("/sign-in")
    client = app.test_client()
    assert _sign_in(client, email.to_address).location == "/two-factor/setup"
    assert client.post("/two-factor", data={"code": old_app.now()}).location == (
        "/two-factor/setup"
    )
    assert client.get("/reviews").location == "/two-factor/setup"
    secret = soup(client.get("/two-factor/setup")).select_one("#totp-secret").get_text(strip=True)
    assert secret != old_app.secret
    client.post("/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert client.get("/reviews").status_code == 200


def test_two_factor_reset_is_refused_for_yourself_and_for_staff_without_it(
    admin_client, admin, app_ctx
):
    newcomer = factories.make_user("new@council.example.org", full_name="Nia New", role=REVIEWER)
    newcomer_id, admin_id = newcomer.id, admin.id
    assert "Reset two-factor" not in _staff_row(admin_client.get("/admin/staff"), newcomer.email)[5]

    own = admin_client.post(f"/admin/staff/{admin_id}/reset-two-factor")
    assert_errors(
        own,
        {
            "submit": "You cannot reset your own two-factor authentication. "
            "Ask another administrator"
        },
    )
    not_set_up = admin_client.post(f"/admin/staff/{newcomer_id}/reset-two-factor")
    assert_errors(not_set_up, {"submit": "Nia New has not set up two-factor authentication yet"})
    assert user_by_email(admin.email).totp_enabled_at is not None
    assert _audit("staff.two_factor_reset") == []


def test_providers_and_unknown_ids_have_no_lifecycle_pages(admin_client, provider):
    provider_id = provider.id
    for action in ("deactivate", "reactivate", "reset-two-factor"):
        for user_id in (provider_id, 99999):
            assert admin_client.get(f"/admin/staff/{user_id}/{action}").status_code == 404
            assert admin_client.post(f"/admin/staff/{user_id}/{action}").status_code == 404
    assert user_by_email(provider.email).is_active


def test_the_staff_list_says_whether_each_account_is_active_and_has_two_factor(
    admin_client, app_ctx
):
    factories.make_user("nia@council.example.org", full_name="Nia New", role=REVIEWER)
    gone = factories.make_user(
        "gus@council.example.org", full_name="Gus Gone", role=ADMIN, two_factor=True
    )
    gone_id = gone.id
    admin_client.post(f"/admin/staff/{gone_id}/deactivate")

    page = admin_client.get("/admin/staff")

    assert _staff_row(page, "nia@council.example.org")[:5] == [
        "Nia New", "nia@council.example.org", "Reviewer", "Active", "Not set up"
    ]  # fmt: skip
    assert _staff_row(page, "gus@council.example.org")[:5] == [
        "Gus Gone", "gus@council.example.org", "Administrator", "Deactivated", "Set up"
    ]  # fmt: skip
    actions = [a.get_text(" ", strip=True) for a in soup(page).select("tbody a")]
    assert "What they have done (Gus Gone)" in actions
    assert "Reactivate Gus Gone's account" in actions
    assert "Reset two-factor for Gus Gone" in actions
    assert "Deactivate Nia New's account" in actions
    assert "Reset two-factor for Nia New" not in actions


# Council email domains ---------------------------------------------------------------------


@pytest.fixture
def council_only(make_app):
    """The portal with STAFF_EMAIL_DOMAINS set, as production requires."""
    return make_app(STAFF_EMAIL_DOMAINS=("council.example.org", "schools.example.org"))


@pytest.mark.parametrize(
    "email",
    [
        "officer@gmail.example.com",
        "officer@sub.council.example.org",  # the whole domain must match, not its ending
        "officer@council.example.org.evil.example",
        "officer@notcouncil.example.org",
    ],
)
def test_staff_are_invited_only_at_the_councils_domains(council_only, admin, email):
    client = sign_in(council_only.test_client(), admin)

    response = client.post("/admin/staff/invite", data={"email": email, "role": REVIEWER})

    assert_errors(
        response,
        {
            "email": "Enter a council email address, ending @council.example.org or "
            "@schools.example.org"
        },
    )
    assert field_value(response, "email") == email
    assert count(StaffInvitation) == 0
    assert emails_to(email) == []


def test_an_address_at_a_council_domain_is_invited_whatever_its_case(council_only, admin):
    client = sign_in(council_only.test_client(), admin)

    response = client.post(
        "/admin/staff/invite", data={"email": "Olu@Schools.Example.org", "role": REVIEWER}
    )

    assert response.location == "/admin/staff"
    assert last_email_to("olu@schools.example.org").subject.startswith("You have been invited")


def test_an_invitation_stops_working_when_its_domain_is_no_longer_the_councils(
    admin_client, council_only
):
    admin_client.post(
        "/admin/staff/invite", data={"email": "olu@old-council.example.org", "role": REVIEWER}
    )
    link = link_in(last_email_to("olu@old-council.example.org"), "/staff-invitations/")

    response = council_only.test_client().post(
        link, data={"full_name": "Olu Officer", "password": "harbour violet compass"}
    )

    assert response.status_code == 400
    assert page_h1(response) == "This invitation link does not work"
    assert user_by_email("olu@old-council.example.org") is None


# Two admins at once ------------------------------------------------------------------------

REMOVALS = {
    "demote": lambda other_id: (f"/admin/staff/{other_id}/role", {"role": REVIEWER}),
    "deactivate": lambda other_id: (f"/admin/staff/{other_id}/deactivate", {}),
}


@contextmanager
def _both_inside(database_url: str, requests: int):
    """On PostgreSQL, hold back every write to the audit log, which each removal ends with, until
    `requests` requests are waiting on a lock: so both have read the admins before either has
    committed, the moment a race needs. SQLite lets one writer in at a time, so nothing to do."""
    if not database_url.startswith("postgresql"):
        yield lambda: None
        return
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    holder, watcher = engine.connect(), engine.connect()
    holder.execute(text("BEGIN"))
    holder.execute(text("LOCK TABLE audit_events IN SHARE MODE"))
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )

    def wait_until_all_are_waiting():
        for _ in range(600):  # a generous bound, so a broken test fails instead of hanging
            if watcher.execute(waiting).scalar() >= requests:
                return
            time.sleep(0.05)
        raise AssertionError(f"{requests} requests never both reached the admins' rows")

    try:
        yield wait_until_all_are_waiting
    finally:
        holder.execute(text("COMMIT"))
        holder.close()
        watcher.close()
        engine.dispose()


@pytest.mark.parametrize(
    ("first", "second"),
    [("demote", "demote"), ("deactivate", "deactivate"), ("demote", "deactivate")],
)
def test_two_admins_removing_each_other_at_once_leave_one(app, database_url, admin, first, second):
    other = factories.make_user(
        "second.admin@council.example.org", full_name="Sam Second", role=ADMIN, two_factor=True
    )
    # Each admin removes the other. (Ids read now: once the requests start, the test reads
    # nothing, as on SQLite a read would hold the database.)
    requests = [REMOVALS[first](other.id), REMOVALS[second](admin.id)]
    clients = [sign_in(app.test_client(), admin), sign_in(app.test_client(), other)]
    start = Barrier(2)

    def attempt(n: int):
        start.wait()
        path, data = requests[n]
        return clients[n].post(path, data=data)

    with ThreadPoolExecutor(2) as pool, _both_inside(database_url, 2) as wait:
        futures = [pool.submit(attempt, n) for n in range(2)]
        wait()
    responses = [future.result() for future in futures]

    succeeded = [r for r in responses if r.location == "/admin/staff"]
    assert len(succeeded) == 1, [r.status_code for r in responses]
    db.session.rollback()
    admins = db.session.scalars(
        select(User).where(User.role == ADMIN, User.deactivated_at.is_(None))
    ).all()
    assert len(admins) == 1
    removed = _audit("staff.role_changed") + _audit("staff.deactivated")
    assert len(removed) == 1


def test_the_staff_list_says_when_each_person_last_signed_in(app, admin_client, admin, app_ctx):
    quiet = factories.make_user(
        "quiet@council.example.org", full_name="Quinn Quiet", role=REVIEWER, two_factor=True
    )
    busy = factories.make_user(
        "busy@council.example.org", full_name="Bo Busy", role=REVIEWER, two_factor=True
    )
    assert _sign_in(app.test_client(), busy.email).status_code == 302
    # A wrong password is not a sign-in.
    assert _sign_in(app.test_client(), quiet.email, "wrong password 123").status_code == 200

    page = admin_client.get("/admin/staff")

    assert _staff_row(page, quiet.email)[5] == "Never"
    signed_in = user_by_email(busy.email).last_signed_in_at
    assert signed_in is not None
    assert _staff_row(page, busy.email)[5] == format_datetime(signed_in)
    assert _staff_row(page, admin.email)[5] != "Never"  # the admin signed in to read it
    (history,) = [a for a in soup(page).select("tbody a") if "Bo Busy" in a.get_text()][1:2]
    assert history.get_text(" ", strip=True) == "What they have done (Bo Busy)"
    assert "Signed in" in admin_client.get(history["href"]).get_data(as_text=True)
