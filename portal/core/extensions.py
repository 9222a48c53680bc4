"""Every Flask extension, created here once and initialised in the app factory."""

from flask import request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers

from portal.core.db import db
from portal.integrations.object_store import object_store


def _client_ip() -> str:
    return request.remote_addr or "unknown"


login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=_client_ip, default_limits=[], headers_enabled=False)
wtforms_helpers = WTFormsHelpers()

__all__ = ["csrf", "db", "limiter", "login_manager", "object_store", "wtforms_helpers"]
