"""Signed-in sessions: loading the user, revoking old sessions, the idle timeout.

The login id is "<user id>:<session version>". Changing a password or role bumps the version,
so every session cookie made before then stops loading a user: sessions can be revoked even
though Flask keeps them in a signed cookie.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user

from portal.accounts.models import User
from portal.core.db import db
from portal.core.permissions import TWO_FACTOR_PASSED

LAST_SEEN = "last_seen"


def load_user(login_id: str) -> User | None:
    user_id, _, version = login_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def start_session(user: User) -> None:
    """Sign `user` in. Staff must still pass two-factor (except in demo mode)."""
    session.clear()  # a fresh session: nothing from before sign-in carries over
    login_user(user)
    session.permanent = True
    session[LAST_SEEN] = int(time.time())
    session[TWO_FACTOR_PASSED] = not user.is_staff or current_app.config["DEMO_MODE"]


def end_session() -> None:
    logout_user()
    session.clear()


def _enforce_idle_timeout():
    if request.endpoint in (None, "static") or not current_user.is_authenticated:
        return None
    now = int(time.time())
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    if now - session.get(LAST_SEEN, now) > minutes * 60:
        end_session()
        flash(
            "You have been signed out because you were inactive for "
            f"{minutes} minute{'' if minutes == 1 else 's'}. Sign in again.",
        )
        return redirect(url_for("accounts.sign_in"))
    session[LAST_SEEN] = now
    return None


def init_app(app: Flask, login_manager: LoginManager) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.sign_in"
    login_manager.session_protection = None  # revocation is by session version instead
    app.before_request(_enforce_idle_timeout)
