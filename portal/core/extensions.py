"""Every Flask extension, created here once and initialised in the app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_app_context, request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers

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

    def _app_state(self) -> dict[str, Any]:
        app = self._initialising or (current_app if has_app_context() else None)
        if app is None:
            return self._unbound
        state: dict[str, Any] = app.extensions.setdefault("rate_limit_state", {})
        return state


login_manager = LoginManager()
csrf = CSRFProtect()
limiter = PerAppLimiter(key_func=_client_ip, default_limits=[], headers_enabled=False)
wtforms_helpers = WTFormsHelpers()

__all__ = ["csrf", "db", "limiter", "login_manager", "object_store", "wtforms_helpers"]
