"""Administrators invite council staff and change their roles."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from portal.accounts.models import ADMIN, COMMISSIONER, REVIEWER, StaffInvitation, User
from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.time import utcnow
from portal.outbox.models import OutboxEmail
from tests.accounts.helpers import (
    assert_errors,
    assert_password_not_kept,
    audit_actions,
    count,
    user_by_email,
)
from tests.conftest import sign_in
from tests.support import factories
from tests.support.emails import emails_to, last_email_to, link_in
from tests.support.pages import banner_text, field_value, page_h1, page_text, soup

OFFICER = "officer@council.example.org"
NEW_PASSWORD = "harbour violet compass"


def _invite(admin_client, email=OFFICER, role=REVIEWER):
    return admin_client.post("/admin/staff/invite", data={"email": email, "role": role})


def _invitation_link(email=OFFICER) -> str:
    return link_in(last_email_to(email), "/staff-invitations/")


def _staff_audit(action: str) -> list[tuple]:
    """(before, after) of each audit event of this kind."""
    db.session.rollback()  # see what the requests committed
    return [
        (event.before, event.after)
        for event in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
    ]


def test_only_administrators_reach_the_staff_pages(client, provider_client, reviewer_client):
    assert client.get("/admin/staff").location == "/sign-in?next=/admin/staff"
    assert provider_client.get("/admin/staff").status_code == 403
    assert provider_client.get("/admin/staff/invite").status_code == 403
    assert reviewer_client.get("/admin/staff").status_code == 403
    forbidden = reviewer_client.post("/admin/staff/invite", data={"email": OFFICER, "role": ADMIN})
    assert forbidden.status_code == 403
    assert page_h1(forbidden) == "You do not have permission to view this page"
    assert count(StaffInvitation) == 0


def test_invite_a_reviewer_who_joins_and_sets_up_two_factor(app, admin_client, admin):
    response = _invite(admin_client)
    assert response.location == "/admin/staff"
    staff_page = admin_client.get("/admin/staff")
    assert f"We have sent an invitation to {OFFICER}" in banner_text(staff_page)
    assert f"{OFFICER} as reviewer" in page_text(staff_page)

    email = last_email_to(OFFICER)
    assert "invited you to the Flexible Learning Support Framework as a reviewer" in email.body
    officer = app.test_client()
    link = _invitation_link()
    form = officer.get(link)
    assert page_h1(form) == "Create your council account"
    joined = officer.post(link, data={"full_name": "Olu Officer", "password": NEW_PASSWORD})
    assert joined.location == "/two-factor/setup"

    user = user_by_email(OFFICER)
    assert (user.role, user.full_name) == (REVIEWER, "Olu Officer")
    assert user.email_verified_at is not None
    assert user.password_hash.startswith("$argon2id$")
    assert officer.get("/home").location == "/two-factor/setup"

    secret = soup(officer.get("/two-factor/setup")).select_one("#totp-secret").get_text(strip=True)
    officer.post("/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert officer.get("/home").status_code == 200
    assert audit_actions(OFFICER) == ["staff.joined", "account.two_factor_enabled"]
    assert _staff_audit("staff.invited") == [(None, {"email": OFFICER, "role": REVIEWER})]
    assert "Olu Officer" in page_text(admin_client.get("/admin/staff"))


def test_an_invitation_works_once(app, admin_client):
    _invite(admin_client)
    link = _invitation_link()
    app.test_client().post(link, data={"full_name": "Olu Officer", "password": NEW_PASSWORD})

    again = app.test_client().post(
        link, data={"full_name": "Someone Else", "password": NEW_PASSWORD}
    )
    assert again.status_code == 400
    assert page_h1(again) == "This invitation link does not work"
    assert count(User, User.email == OFFICER) == 1
    assert user_by_email(OFFICER).full_name == "Olu Officer"


def test_an_expired_invitation(app, admin_client):
    _invite(admin_client)
    invitation = db.session.scalar(select(StaffInvitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    response = app.test_client().get(_invitation_link())
    assert response.status_code == 400
    assert page_h1(response) == "This invitation has expired"
    assert "Invitations waiting for a reply" not in page_text(admin_client.get("/admin/staff"))


def test_a_second_invitation_replaces_the_first(app, admin_client):
    _invite(admin_client, role=REVIEWER)
    first = _invitation_link()
    _invite(admin_client, role=COMMISSIONER)
    second = _invitation_link()

    staff_page = page_text(admin_client.get("/admin/staff"))
    assert f"{OFFICER} as commissioner" in staff_page
    assert f"{OFFICER} as reviewer" not in staff_page
    assert app.test_client().get(first).status_code == 400
    app.test_client().post(second, data={"full_name": "Olu Officer", "password": NEW_PASSWORD})
    assert user_by_email(OFFICER).role == COMMISSIONER


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        (
            {"email": "", "role": ""},
            {"email": "Enter their email address", "role": "Select a role"},
        ),
        (
            {"email": "officer.council.example.org", "role": REVIEWER},
            {"email": "Enter an email address in the correct format, like name@example.com"},
        ),
        (
            {"email": "o@" + "c" * 260 + ".org", "role": REVIEWER},
            {"email": "Email address must be 254 characters or fewer"},
        ),
        ({"email": OFFICER, "role": "provider"}, {"role": "Select a role"}),
        (
            {"email": "Provider-A@example.org", "role": REVIEWER},
            {"email": "This email address already has an account"},
        ),
    ],
)
def test_inviting_with_bad_input(admin_client, provider, typed, errors):
    response = admin_client.post("/admin/staff/invite", data=typed)
    assert response.status_code == 200
    assert_errors(response, errors)
    assert field_value(response, "email") == typed["email"]
    assert count(StaffInvitation) == 0
    assert count(OutboxEmail) == 0


def test_a_second_click_on_send_invitation_sends_one(admin_client):
    form = admin_client.get("/admin/staff/invite")
    typed = {"email": OFFICER, "role": REVIEWER}
    typed["submission_id"] = field_value(form, "submission_id")
    admin_client.post("/admin/staff/invite", data=typed)
    second = admin_client.post("/admin/staff/invite", data=typed)
    assert second.location == "/admin/staff"
    assert count(StaffInvitation) == 1
    assert len(emails_to(OFFICER)) == 1


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        (
            {"full_name": "", "password": ""},
            {"full_name": "Enter your full name", "password": "Enter a password"},
        ),
        (
            {"full_name": "O" * 201, "password": NEW_PASSWORD},
            {"full_name": "Full name must be 200 characters or fewer"},
        ),
        (
            {"full_name": "Olu Officer", "password": "short"},
            {"password": "Password must be 12 characters or more"},
        ),
        (
            {"full_name": "Olu Officer", "password": "password1234"},
            {"password": "Password is too common. Choose a password that is harder to guess"},
        ),
    ],
)
def test_accepting_with_bad_input(app, admin_client, typed, errors):
    _invite(admin_client)
    link = _invitation_link()
    response = app.test_client().post(link, data=typed)
    assert response.status_code == 200
    assert_errors(response, errors)
    assert field_value(response, "full_name") == typed["full_name"]
    assert_password_not_kept(response)
    assert user_by_email(OFFICER) is None
    assert db.session.scalar(select(StaffInvitation)).accepted_at is None
    # The invitation still works.
    good = {"full_name": "Olu Officer", "password": NEW_PASSWORD}
    assert app.test_client().post(link, data=good).location == "/two-factor/setup"


def test_accepting_when_the_address_has_since_got_an_account(app, admin_client):
    _invite(admin_client)
    link = _invitation_link()
    factories.make_user(OFFICER, full_name="Olu Provider")

    typed = {"full_name": "Olu Officer", "password": NEW_PASSWORD}
    response = app.test_client().post(link, data=typed)
    assert_errors(
        response, {"full_name": "This email address already has an account. Sign in instead"}
    )
    user = user_by_email(OFFICER)
    assert (user.full_name, user.role) == ("Olu Provider", "provider")
    assert db.session.scalar(select(StaffInvitation)).accepted_at is None


def test_change_a_role(app, admin_client, admin, reviewer, reviewer_client):
    page = admin_client.get(f"/admin/staff/{reviewer.id}/role")
    assert page_h1(page) == "Change role for Test User"
    response = admin_client.post(f"/admin/staff/{reviewer.id}/role", data={"role": COMMISSIONER})
    assert response.location == "/admin/staff"
    assert "Test User's role has been saved" in banner_text(admin_client.get("/admin/staff"))

    assert user_by_email(reviewer.email).role == COMMISSIONER
    # Their open sessions end, so they pick up the new role when they sign in again.
    assert reviewer_client.get("/home").location.startswith("/sign-in")
    assert last_email_to(reviewer.email).subject == "Your role has changed"
    assert "Your role in the Flexible Learning Support Framework is now: Commissioner" in (
        last_email_to(reviewer.email).body
    )
    assert _staff_audit("staff.role_changed") == [({"role": REVIEWER}, {"role": COMMISSIONER})]


def test_the_last_administrator_cannot_stop_being_one(admin_client, admin):
    admin_id = admin.id
    response = admin_client.post(f"/admin/staff/{admin_id}/role", data={"role": REVIEWER})
    assert response.status_code == 200
    assert_errors(response, {"role": "There must be at least one administrator"})
    assert user_by_email("admin@council.example.org").role == ADMIN
    assert admin_client.get("/admin/staff").status_code == 200
    assert _staff_audit("staff.role_changed") == []


def test_an_administrator_can_be_changed_while_another_remains(app, admin_client, app_ctx):
    other = factories.make_user("second.admin@council.example.org", role=ADMIN, two_factor=True)
    response = admin_client.post(f"/admin/staff/{other.id}/role", data={"role": REVIEWER})
    assert response.location == "/admin/staff"
    assert user_by_email("second.admin@council.example.org").role == REVIEWER


def test_changing_a_role_with_no_role_chosen(admin_client, reviewer):
    reviewer_id = reviewer.id
    response = admin_client.post(f"/admin/staff/{reviewer_id}/role", data={})
    assert_errors(response, {"role": "Select a role"})
    assert user_by_email("reviewer@council.example.org").role == REVIEWER


def test_providers_and_unknown_ids_have_no_staff_role_page(admin_client, provider):
    assert admin_client.get(f"/admin/staff/{provider.id}/role").status_code == 404
    assert admin_client.get("/admin/staff/99999/role").status_code == 404
    refused = admin_client.post(f"/admin/staff/{provider.id}/role", data={"role": ADMIN})
    assert refused.status_code == 404
    assert user_by_email("provider-a@example.org").role == "provider"


def test_staff_sign_in_with_their_new_role(app, admin_client, reviewer):
    reviewer_id, email = reviewer.id, reviewer.email
    admin_client.post(f"/admin/staff/{reviewer_id}/role", data={"role": ADMIN})
    client = sign_in(app.test_client(), user_by_email(email))
    assert client.get("/admin/staff").status_code == 200
