"""The rules for accounts: registration, email verification, sign-in with lockout, passwords,
two-factor for council staff and staff invitations. Services flush; the request commits."""

from __future__ import annotations

import secrets

import pyotp
from flask import current_app
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import undefer_group

from portal.accounts import brakes, sessions, tokens
from portal.accounts.invitations import invitation_for_token, send_invitation, still_open
from portal.accounts.models import (
    ADMIN,
    PROVIDER,
    SECRETS,
    STAFF_ROLES,
    RecoveryCode,
    StaffInvitation,
    User,
)
from portal.accounts.passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from portal.audit.services import record_change, record_event
from portal.core.db import db
from portal.core.errors import ServiceError
from portal.core.permissions import roles_that_may
from portal.core.time import utcnow
from portal.outbox.services import queue_email

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"  # noqa: S105 - a token purpose, not a password
RECOVERY_CODE_COUNT = 10
STAFF_INVITATION_DAYS = 7


class AccountError(ServiceError):
    """A problem the user can fix, with the form field it belongs to."""


class EmailNotVerified(AccountError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The user with this address, their secrets read with them: signing in and resetting a
    password read the hash."""
    return db.session.scalar(
        select(User).where(User.email == normalise_email(email)).options(undefer_group(SECRETS))
    )


def _token_hours() -> int:
    return current_app.config["EMAIL_TOKEN_HOURS"]


# Registration and verification --------------------------------------------------------------


def register_user(full_name: str, email: str, password: str, next_path: str | None = None) -> None:
    """Create a provider account and email a verification link.

    If the address already has an account we email its owner instead, and the page says the same
    either way, so the form cannot be used to find out who has an account. `next_path` (a path on
    this site, such as an invitation) rides in the link, so after confirming and signing in the
    person carries on where they started, even in another browser.
    """
    email = normalise_email(email)
    problem = password_problem(password, email=email, name=full_name)
    if problem:
        raise AccountError(problem, "password")
    # Hashed whether or not the account exists: a quicker answer would give the secret away.
    password_hash = hash_password(password)
    existing = find_user_by_email(email)
    if existing is not None:
        if not brakes.may_email("account-exists", email):
            return
        queue_email(
            existing.email,
            "You already have an account",
            "account_exists",
            user=existing,
        )
        return
    user = User(full_name=full_name, email=email, password_hash=password_hash, role=PROVIDER)
    db.session.add(user)
    db.session.flush()
    record_change(
        "account.registered",
        user,
        user,
        after={"email": email, "full_name": full_name, "role": PROVIDER},
        object_type="user",
    )
    send_verification_email(user, next_path)


def send_verification_email(user: User, next_path: str | None = None) -> None:
    payload = {"user_id": user.id, "email": user.email}
    if next_path:
        payload["next"] = next_path
    token = tokens.sign(VERIFY_EMAIL, payload)
    queue_email(
        user.email,
        "Confirm your email address",
        "verify_email",
        user=user,
        token=token,
        hours=_token_hours(),
    )


def resend_verification_email(email: str) -> None:
    """Send a fresh link if the account exists and is unverified; say nothing either way."""
    email = normalise_email(email)
    if not brakes.may_email("verify-email", email):
        return
    user = find_user_by_email(email)
    if user is not None and user.email_verified_at is None:
        send_verification_email(user)


def verify_email(token: str) -> tuple[User, str | None]:
    """Mark the account's email as confirmed, and return where to go after signing in. Using a
    link twice is harmless.

    Raises tokens.InvalidToken for a broken or expired link.
    """
    payload = tokens.unsign(VERIFY_EMAIL, token, _token_hours() * 3600)
    user = db.session.get(User, payload.get("user_id"))
    if user is None or user.email != payload.get("email"):
        raise tokens.InvalidToken()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record_change("account.email_verified", user, user, object_type="user")
    return user, payload.get("next")


# Signing in ----------------------------------------------------------------------------------

WRONG_DETAILS = "Enter a correct email address and password"


def authenticate(email: str, password: str) -> User:
    """The user whose email and password these are.

    Raises AccountError for wrong details or a locked address, and EmailNotVerified, with a
    fresh link sent, for an unconfirmed email. Whether or not the address has an account, the
    words are the same, the address locks after the same number of wrong attempts, and one
    password hash is checked every time, so neither the answer nor its timing tells an attacker
    which addresses have accounts.
    """
    email = normalise_email(email)
    user = find_user_by_email(email)
    attempt = brakes.claim_sign_in_attempt(email)
    if attempt is None:
        verify_password(dummy_hash(), password)  # the same work as a real check
        raise AccountError(_locked_message(), "email")
    if user is None:
        verify_password(dummy_hash(), password)
    if user is None or not verify_password(user.password_hash, password):
        if brakes.sign_in_failed(email, attempt):
            if user is not None:
                record_change("account.locked", user, None, object_type="user")
            raise AccountError(_locked_message(), "email")
        raise AccountError(WRONG_DETAILS, "email")
    if not user.is_active:
        brakes.release_sign_in_attempt(email)  # the right password: not a guess
        # Said only to someone who knows the password: it tells a stranger nothing.
        raise AccountError(
            "Your account has been deactivated. Ask an administrator at the council to "
            "reactivate it",
            "email",
        )
    if user.email_verified_at is None:
        brakes.release_sign_in_attempt(email)  # the right password: not a guess
        send_verification_email(user)
        raise EmailNotVerified(
            "You need to confirm your email address before you can sign in. "
            "We have sent you a new link",
            "email",
        )
    if user.totp_enabled_at is None:
        brakes.clear_sign_in_attempts(email)
    else:
        # With two-factor on, the code clears the count instead: a known password must not
        # buy fresh guesses at the code.
        brakes.release_sign_in_attempt(email)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = utcnow()
    record_change("account.signed_in", user, user, object_type="user")
    return user


def _locked_message() -> str:
    minutes = current_app.config["LOCKOUT_MINUTES"]
    return (
        "You have entered the wrong details too many times. "
        f"Wait {minutes} minutes, then try again or reset your password"
    )


def record_sign_out(user: User) -> None:
    record_change("account.signed_out", user, user, object_type="user")


# Passwords -----------------------------------------------------------------------------------


def _password_fingerprint(user: User) -> str:
    # Part of the reset link: once the password changes, every earlier link stops working.
    return user.password_hash[-16:]


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists. The page says the same either way."""
    email = normalise_email(email)
    if not brakes.may_email("reset-password", email):
        return
    user = find_user_by_email(email)
    if user is None:
        return
    token = tokens.sign(RESET_PASSWORD, {"user_id": user.id, "fp": _password_fingerprint(user)})
    queue_email(
        user.email, "Reset your password", "reset_password", user=user, token=token, hours=1
    )


def user_for_reset_token(token: str) -> User:
    """Raises tokens.InvalidToken for a broken, expired or already used link."""
    payload = tokens.unsign(RESET_PASSWORD, token, 3600)
    user = db.session.get(User, payload.get("user_id"))
    if user is None or payload.get("fp") != _password_fingerprint(user):
        raise tokens.InvalidToken()
    return user


def reset_password(token: str, password: str) -> User:
    user = user_for_reset_token(token)
    _set_password(user, password, "account.password_reset")
    # The link came to their inbox, so the address is confirmed too.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    # The owner has proved they read the address's inbox: whatever an attacker's guesses
    # locked, the new password works at once.
    brakes.clear_sign_in_attempts(user.email)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError("Your current password is not correct", "current_password")
    _set_password(user, new_password, "account.password_changed")


def _set_password(user: User, password: str, action: str) -> None:
    problem = password_problem(password, email=user.email, name=user.full_name)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = hash_password(password)
    user.session_version += 1  # signs out every other session
    record_event(action, object_type="user", object_id=user.id, actor_id=user.id)
    queue_email(user.email, "Your password has been changed", "password_changed", user=user)


# Two-factor (council staff) ------------------------------------------------------------------


def two_factor_uri(user: User) -> str:
    """The otpauth URI for an authenticator app, creating the secret on first setup."""
    if user.totp_secret is None or user.totp_enabled_at is None:
        user.totp_secret = user.totp_secret or pyotp.random_base32()
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["SERVICE_NAME"]
    )


def _accept_totp(user: User, code: str) -> bool:
    code = code.replace(" ", "")
    if not (code.isdigit() and len(code) == 6) or user.totp_secret is None:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = utcnow()
    for drift in (-1, 0, 1):  # one 30-second step either side, for clock drift
        step = totp.timecode(now) + drift
        if secrets.compare_digest(totp.generate_otp(step), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False  # a replayed code
            user.totp_last_step = step
            return True
    return False


def confirm_two_factor(user: User, code: str) -> list[str]:
    """Turn two-factor on once the user proves their app works; returns recovery codes."""
    if not _accept_totp(user, code):
        raise AccountError("The code is not correct. Enter the 6-digit code from your app", "code")
    user.totp_enabled_at = utcnow()
    record_change("account.two_factor_enabled", user, user, object_type="user")
    return _new_recovery_codes(user)


def _new_recovery_codes(user: User) -> list[str]:
    user.recovery_codes.clear()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes.extend(RecoveryCode(code_hash=tokens.hash_token(c)) for c in codes)
    return codes


def check_two_factor(user: User, code: str) -> None:
    """Accept a code from the app or an unused recovery code. Wrong codes count towards the
    same lockout as wrong passwords. Raises AccountError."""
    attempt = brakes.claim_sign_in_attempt(user.email)
    if attempt is None:
        raise AccountError(_locked_message(), "code")
    if _accept_totp(user, code):
        brakes.clear_sign_in_attempts(user.email)
        return
    code_hash = tokens.hash_token(code.strip().lower())
    for recovery in user.recovery_codes:
        if recovery.used_at is None and secrets.compare_digest(recovery.code_hash, code_hash):
            recovery.used_at = utcnow()
            brakes.clear_sign_in_attempts(user.email)
            record_change("account.recovery_code_used", user, user, object_type="user")
            return
    if brakes.sign_in_failed(user.email, attempt):
        record_change("account.locked", user, None, object_type="user")
        raise AccountError(_locked_message(), "code")
    raise AccountError("The code is not correct", "code")


def unused_recovery_code_count(user: User) -> int:
    return sum(1 for code in user.recovery_codes if code.used_at is None)


# Council staff -------------------------------------------------------------------------------


def list_staff() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role.in_(STAFF_ROLES)).order_by(User.full_name))
    )


def active_staff_who_may(capability: str) -> list[User]:
    """Every member of staff whose role has `capability` (core/permissions.py), by name, but
    not those whose accounts are deactivated: they have left."""
    return list(db.session.scalars(_active_staff_who_may(select(User), capability)))


def names_of_active_staff_who_may(capability: str) -> list[tuple[int, str]]:
    """The same people as `active_staff_who_may`, as (id, full name) alone: for pages that
    show no more of them (loading whole users cost the reviewers' queue a millisecond)."""
    rows = db.session.execute(_active_staff_who_may(select(User.id, User.full_name), capability))
    return [(row.id, row.full_name) for row in rows]


def _active_staff_who_may(query: Select, capability: str) -> Select:
    return query.where(
        User.role.in_(roles_that_may(capability)), User.deactivated_at.is_(None)
    ).order_by(User.full_name, User.id)


def list_pending_staff_invitations() -> list[StaffInvitation]:
    return _pending_staff_invitations()


def _pending_staff_invitations(*where) -> list[StaffInvitation]:
    return list(
        db.session.scalars(
            select(StaffInvitation)
            .where(*still_open(StaffInvitation), *where)
            .order_by(StaffInvitation.created_at.desc())
        )
    )


def invite_staff(admin: User, email: str, role: str) -> StaffInvitation:
    """Email a council officer a link to create a staff account with `role`.

    Inviting an address again replaces its earlier invitation, whose link stops working: the
    newest email is the one to act on.
    """
    if role not in STAFF_ROLES:
        raise AccountError("Select a role", "role")
    email = normalise_email(email)
    if not _council_address(email):
        endings = " or ".join(f"@{d}" for d in current_app.config["STAFF_EMAIL_DOMAINS"])
        raise AccountError(f"Enter a council email address, ending {endings}", "email")
    if find_user_by_email(email) is not None:
        raise AccountError("This email address already has an account", "email")
    now = utcnow()
    for earlier in _pending_staff_invitations(StaffInvitation.email == email):
        earlier.expires_at = now
    return send_invitation(
        StaffInvitation,
        admin,
        now,
        STAFF_INVITATION_DAYS,
        {"email": email, "role": role},
        action="staff.invited",
        object_type="staff_invitation",
        subject=f"You have been invited to the {current_app.config['SERVICE_NAME']}",
        template="staff_invitation",
    )


def _council_address(email: str) -> bool:
    """Whether council staff may have this address: its whole domain is one of
    STAFF_EMAIL_DOMAINS (any, when none are set, as in development)."""
    domains = current_app.config["STAFF_EMAIL_DOMAINS"]
    return not domains or email.rpartition("@")[2] in domains


def staff_invitation_for_token(token: str) -> StaffInvitation:
    """Raises tokens.InvalidToken when the link is unknown, used or expired, or its address is
    no longer one of the council's domains."""
    return invitation_for_token(
        StaffInvitation, token, unusable=lambda invitation: not _council_address(invitation.email)
    )


def accept_staff_invitation(token: str, full_name: str, password: str) -> User:
    invitation = staff_invitation_for_token(token)
    if find_user_by_email(invitation.email) is not None:
        raise AccountError(
            "This email address already has an account. Sign in instead", "full_name"
        )
    problem = password_problem(password, email=invitation.email, name=full_name)
    if problem:
        raise AccountError(problem, "password")
    user = User(
        full_name=full_name,
        email=invitation.email,
        password_hash=hash_password(password),
        role=invitation.role,
        email_verified_at=utcnow(),
    )
    db.session.add(user)
    invitation.accepted_at = utcnow()
    db.session.flush()
    record_change(
        "staff.joined",
        user,
        user,
        after={"email": user.email, "role": user.role},
        object_type="user",
    )
    return user


def get_staff_member(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_staff else None


def _lock_admins(admin: User, user: User, field: str) -> list[User]:
    """The active administrators, their rows and `user`'s locked and read afresh, so that two
    admins acting on each other at the same moment take turns and the second sees what the
    first did (PostgreSQL row locks; SQLite lets one writer in at a time anyway).

    Raises AccountError when `admin` has meanwhile stopped being an active administrator."""
    rows = db.session.scalars(
        select(User)
        .where(or_(User.id == user.id, and_(User.role == ADMIN, User.deactivated_at.is_(None))))
        .order_by(User.id)  # always the same order, so two requests cannot deadlock
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    admins = [row for row in rows if row.role == ADMIN and row.is_active]
    if admin not in admins:
        raise AccountError("You are no longer an administrator", field)
    return admins


def _keep_an_admin(admins: list[User], user: User, field: str) -> None:
    """Raises AccountError if taking `user` out of `admins` would leave the council none."""
    if user in admins and len(admins) <= 1:
        raise AccountError("There must be at least one administrator", field)


def change_staff_role(admin: User, user: User, role: str) -> None:
    """Give a staff member another council role. An admin cannot remove the last admin."""
    if role not in STAFF_ROLES:
        raise AccountError("Select a role", "role")
    admins = _lock_admins(admin, user, "role")
    if role == user.role:
        return
    if role != ADMIN:
        _keep_an_admin(admins, user, "role")
    before = user.role
    user.role = role
    user.session_version += 1  # their open sessions pick up the new role by signing in again
    record_change(
        "staff.role_changed",
        user,
        admin,
        before={"role": before},
        after={"role": role},
        object_type="user",
    )
    queue_email(user.email, "Your role has changed", "staff_role_changed", user=user)


def deactivate_staff(admin: User, user: User) -> None:
    """Stop a staff member signing in, and end their sessions at once. An admin cannot
    deactivate themselves or the last active admin."""
    if user.id == admin.id:
        raise AccountError("You cannot deactivate your own account", "submit")
    admins = _lock_admins(admin, user, "submit")
    if not user.is_active:
        return
    _keep_an_admin(admins, user, "submit")
    user.deactivated_at = utcnow()
    sessions.end_all_sessions(user)
    _audit_access("staff.deactivated", admin, user)


def reactivate_staff(admin: User, user: User) -> None:
    """Let a deactivated staff member sign in again, with the role they had. Sessions from
    before are not revived: deactivation deleted them."""
    if user.is_active:
        return
    user.deactivated_at = None
    _audit_access("staff.reactivated", admin, user)


def _audit_access(action: str, admin: User, user: User) -> None:
    """A staff member's access changed by `admin`: who they are and the role they hold."""
    record_change(
        action, user, admin, after={"email": user.email, "role": user.role}, object_type="user"
    )


def reset_two_factor(admin: User, user: User) -> None:
    """For a colleague who has lost their authenticator: forget it and its recovery codes, end
    their sessions, and email them. At their next sign-in they set up a new one. Their own
    two-factor an admin resets by asking another admin, so one stolen session cannot do it."""
    if user.id == admin.id:
        raise AccountError(
            "You cannot reset your own two-factor authentication. Ask another administrator",
            "submit",
        )
    if user.totp_enabled_at is None:
        raise AccountError(
            f"{user.full_name} has not set up two-factor authentication yet", "submit"
        )
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes.clear()
    sessions.end_all_sessions(user)
    record_change("staff.two_factor_reset", user, admin, object_type="user")
    queue_email(
        user.email,
        "Your two-factor authentication has been reset",
        "staff_two_factor_reset",
        user=user,
        admin=admin,
    )
