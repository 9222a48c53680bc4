"""Signed-in sessions: loading the user, ending sessions, the idle and absolute time limits.

The cookie is signed, but a signed cookie alone cannot be revoked: a copy keeps working after
sign-out. So each sign-in also makes a `UserSession` row, keyed by the hash of a random token
the cookie carries. Loading the user is one query that needs that row, the account still
active, the session younger than SESSION_LIFETIME_HOURS and the login id's session version
("<user id>:<version>") current. Signing out deletes this browser's row; deactivating an
account or resetting its two-factor deletes all of its rows; changing a password or role bumps
the version, which ends every session at once.

A row per session rather than a version bumped at sign-out: signing out of a shared office
computer should not sign the same person out of their phone mid-form, and the row also gives
the absolute lifetime a clock the cookie cannot carry forward.

Every signed-in request pays for this, so it is kept small: the user is loaded without the
password hash and two-factor secret (they load on the rare request that needs them), and the
last-seen time in the cookie is rewritten only once it has moved on by a step (a minute, or a
tenth of the idle limit if that is shorter), so most responses leave the cookie alone and do not
send it again (SESSION_REFRESH_EACH_REQUEST is off). The idle limit is still checked on every
request against the time written: a session ends after the idle limit, never later, and at most
one step sooner than the last request plus the limit.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user, login_user, logout_user
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Select, bindparam, delete, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import make_transient_to_detached

from portal.accounts import tokens
from portal.accounts.models import User, UserSession
from portal.core.db import db
from portal.core.permissions import TWO_FACTOR_PASSED
from portal.core.time import utcnow
from portal.core.with_user import Rider, riders

LAST_SEEN = "last_seen"
SESSION_TOKEN = "session_token"  # noqa: S105 - the session key's name, not a secret


def _oldest_allowed():
    return utcnow() - timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])


# What a signed-in request loads of its user: every column but those deferred (the password hash
# and the two-factor secret), which load on the rare request that reads them.
_LOADED = [attr for attr in sa_inspect(User).column_attrs if not attr.deferred]
_USERS, _SESSIONS = User.__table__, UserSession.__table__


# Built once: the statement is the same on every request, only its parameters change. The
# table's columns, not the entity: the ORM's reading of the row into a User cost about 35 µs
# more than reading the row and making the User from it (_as_loaded), every signed-in request.
#
# With them, the database's clock (CURRENT_TIMESTAMP, PostgreSQL's now(): the moment the
# transaction began), kept for the rest of the transaction (Database.keep_transaction_began):
# a page judging deadlines by it (the competitions' clock) then needs no statement of its own.
# And what the domains read with the user (core.with_user: the framework's settings), each
# handed to its domain as the row is read.
@functools.cache
def _load_user(riders: tuple[Rider, ...]) -> Select[Any]:
    return (
        select(
            *(attr.columns[0] for attr in _LOADED),
            func.current_timestamp(),
            *(rider.column for rider in riders),
        )
        .join(_SESSIONS, _SESSIONS.c.user_id == _USERS.c.id)
        .where(
            _SESSIONS.c.token_hash == bindparam("token_hash"),
            _SESSIONS.c.created_at > bindparam("oldest_allowed"),
            _USERS.c.id == bindparam("user_id"),
            _USERS.c.session_version == bindparam("version"),
            _USERS.c.deactivated_at.is_(None),
        )
    )


def load_user(login_id: str) -> User | None:
    """The user `login_id` names, when this browser's session is still theirs and current (see
    the module's docstring); None otherwise. Read afresh on every request."""
    user_id, _, version = login_id.partition(":")
    token = session.get(SESSION_TOKEN)
    if not (user_id.isdigit() and version.isdigit() and isinstance(token, str)):
        return None
    ridden = riders()
    row = db.session.execute(
        _load_user(ridden),
        {
            "token_hash": tokens.hash_token(token),
            "oldest_allowed": _oldest_allowed(),
            "user_id": int(user_id),
            "version": int(version),
        },
    ).first()
    if row is None:
        return None
    values, began = row[: len(_LOADED)], row[len(_LOADED)]
    if db.is_postgresql:
        db.keep_transaction_began(began)
    for rider, value in zip(ridden, row[len(_LOADED) + 1 :], strict=True):
        rider.keep(value)
    return _as_loaded(values)


def _as_loaded(row: Sequence[Any]) -> User:
    """The User the ORM would have made of `row`, in this request's session: its values as
    loaded, the secrets and relationships loaded when first read, and the session's own object
    when it holds this user already (as a query returns it)."""
    values = dict(zip((attr.key for attr in _LOADED), row, strict=True))
    held = db.session.identity_map.get(db.session.identity_key(User, values["id"]))
    if isinstance(held, User):
        return held
    # A bare instance with the row's values, made persistent as a query would make it:
    # User(**values) would record each value as a change first, for nothing (about 25 µs).
    user: User = User.__mapper__.class_manager.new_instance()
    user.__dict__.update(values)
    make_transient_to_detached(user)  # the values as committed; the columns not read, expired
    db.session.add(user)
    return user


def _last_seen_step(idle_minutes: int) -> int:
    """Seconds the last-seen time may lag before it is written again."""
    return max(1, min(60, idle_minutes * 6))


def start_session(user: User) -> None:
    """Sign `user` in. Staff must still pass two-factor (except in demo mode)."""
    session.clear()  # a fresh session: nothing from before sign-in carries over
    # Their sessions past the lifetime are of no more use: tidy them as this one starts.
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.created_at <= _oldest_allowed()
        )
    )
    token, token_hash = tokens.random_token()
    db.session.add(UserSession(token_hash=token_hash, user_id=user.id))
    session[SESSION_TOKEN] = token
    login_user(user)
    session.permanent = True
    session[LAST_SEEN] = int(time.time())
    session[TWO_FACTOR_PASSED] = not user.is_staff or current_app.config["DEMO_MODE"]


def end_session() -> None:
    """Sign this browser out, ending its session on the server as well as in the cookie."""
    token = session.get(SESSION_TOKEN)
    if isinstance(token, str):
        db.session.execute(
            delete(UserSession).where(UserSession.token_hash == tokens.hash_token(token))
        )
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    """Sign `user` out everywhere, at once: their next request in any browser finds no row."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def _ended_message(token: str) -> str:
    """Why a session the cookie still names no longer loads, as far as the server can tell."""
    started = db.session.scalar(
        select(UserSession.created_at).where(UserSession.token_hash == tokens.hash_token(token))
    )
    if started is not None and started <= _oldest_allowed():
        hours = current_app.config["SESSION_LIFETIME_HOURS"]
        return (
            f"You have been signed out because you signed in more than {hours} "
            f"hour{'' if hours == 1 else 's'} ago. Sign in again."
        )
    return "You have been signed out. Sign in again."


def _enforce_time_limits():
    if request.endpoint in (None, "static"):
        return None
    if not current_user.is_authenticated:
        token = session.get(SESSION_TOKEN)
        if isinstance(token, str):
            # The cookie names a session the server has ended (signed out, too old, account
            # deactivated): forget it, and say so once.
            message = _ended_message(token)
            end_session()
            flash(message)
        return None
    now = int(time.time())
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    last_seen = session.get(LAST_SEEN, now)
    if now - last_seen > minutes * 60:
        end_session()
        flash(
            "You have been signed out because you were inactive for "
            f"{minutes} minute{'' if minutes == 1 else 's'}. Sign in again.",
        )
        return redirect(url_for("accounts.sign_in"))
    if now - last_seen >= _last_seen_step(minutes) or LAST_SEEN not in session:
        session[LAST_SEEN] = now
    return None


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once per set of keys.

    Flask builds a new serializer to open every request's cookie (and to sign any cookie it
    writes), which costs about 13 µs: it signs an empty value to learn whether the serializer
    makes text. The serializer holds nothing but the keys and settings it is made with, so one
    is kept for each set of keys; a key added or rotated (SECRET_KEY, SECRET_KEY_FALLBACKS)
    gets a serializer of its own on the next request."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]


def init_app(app: Flask, login_manager: LoginManager) -> None:
    app.session_interface = CookieSessions()
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.sign_in"
    login_manager.session_protection = None  # revocation is by the session row instead
    app.before_request(_enforce_time_limits)
