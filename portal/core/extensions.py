"""Every Flask extension, created here once and initialised in the app factory."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app, has_app_context, request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from limits.storage import MemoryStorage

from portal.core.db import db
from portal.integrations.object_store import object_store


def _client_ip() -> str:
    return request.remote_addr or "unknown"


class _PerApp:
    """A Flask-Limiter attribute kept per app rather than on the shared extension object."""

    def __set_name__(self, _owner: type, name: str) -> None:
        self.name = name

    def __get__(self, limiter: PerAppLimiter | None, _owner: type | None = None) -> Any:
        return self if limiter is None else limiter._app_state().get(self.name)

    def __set__(self, limiter: PerAppLimiter, value: Any) -> None:
        limiter._app_state()[self.name] = value


class PerAppLimiter(Limiter):
    """Flask-Limiter keeps its storage and key prefix on the extension object, so initialising
    it for a second app (tests build several) would silently move the first app's limits to
    the second app's storage. These settings live in each app's extensions instead."""

    _storage = _PerApp()
    _limiter = _PerApp()
    _key_prefix = _PerApp()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._initialising: Flask | None = None
        self._unbound: dict[str, Any] = {}  # what the constructor sets, before any app exists
        super().__init__(*args, **kwargs)

    def init_app(self, app: Flask) -> None:
        self._initialising = app
        try:
            super().init_app(app)
        finally:
            self._initialising = None

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        # Before every request Flask-Limiter works out which route-wide limits apply (application,
        # default, blueprint and meta limits; a view's own limits are checked as the view is
        # called, with in_middleware False): about 40 µs of Python on every page. The portal
        # declares none of those kinds, so that work always found nothing. It is skipped only
        # while there is nothing of those kinds to find: one set in code or configuration
        # (RATELIMIT_DEFAULT, RATELIMIT_APPLICATION) is checked as before, as are limits kept in
        # the in-memory fallback while a storage is down.
        if in_middleware and not self._limits_before_views():
            return
        super()._check_request_limit(callable_name, in_middleware)

    def _limits_before_views(self) -> bool:
        manager = self.limit_manager
        return bool(
            manager._application_limits
            or manager._default_limits
            or manager._blueprint_limits
            or self._meta_limits
            or self._in_memory_fallback_enabled
        )

    def _app_state(self) -> dict[str, Any]:
        app = self._initialising or (current_app if has_app_context() else None)
        if app is None:
            return self._unbound
        state: dict[str, Any] = app.extensions.setdefault("rate_limit_state", {})
        return state


class ThreadSafeMemoryStorage(MemoryStorage):
    """The rate limits' in-process storage (when there is no REDIS_URL), safe for threads.

    limits' own memory storage (5.8) restarts its expiry timer without a lock: two requests
    counted at the same moment in two threads (the development server's, the browser tests'
    live server) can both find the timer stopped and start the same one twice, and one of them
    fails with "threads can only be started once": a 500 on a sign-in. Restarting the timer
    under a lock is the whole difference (limits fixed it the same way after 5.8)."""

    STORAGE_SCHEME = ["thread-safe-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        self._timer_lock = threading.Lock()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _MemoryStorage__schedule_expiry(self) -> None:  # the private method it calls
        with self._timer_lock:
            MemoryStorage._MemoryStorage__schedule_expiry(self)  # type: ignore[attr-defined]


MEMORY_STORAGE_URI = "thread-safe-memory://"


class PortalLoginManager(LoginManager):  # type: ignore[misc]  # Flask-Login has no types
    """Flask-Login's manager, without the work of a protection the portal turns off.

    Loading the user, Flask-Login first hashes the client's address and browser for its session
    protection (about 15 µs, on every page, signed in or not) and only then looks whether that
    protection is on. The portal turns it off (sessions are revoked by their row on the server,
    portal/accounts/sessions.py), so the answer is read first and the hash skipped; with the
    protection on, Flask-Login's own check runs as before."""

    def _session_protection_failed(self) -> bool:
        mode = current_app.config.get("SESSION_PROTECTION", self.session_protection)
        if mode not in ("basic", "strong"):
            return False  # Flask-Login's own answer when the protection is off
        failed: bool = super()._session_protection_failed()
        return failed


login_manager = PortalLoginManager()
csrf = CSRFProtect()
limiter = PerAppLimiter(key_func=_client_ip, default_limits=[], headers_enabled=False)
wtforms_helpers = WTFormsHelpers()

__all__ = ["csrf", "db", "limiter", "login_manager", "object_store", "wtforms_helpers"]
