"""The limiter skips its check before each request only while no limit could apply there
(portal/core/extensions.py): a limit on every route, or on a blueprint, from code or
configuration, still applies. The portal's own limits, on its views, are tested through its
pages in tests/accounts/test_rate_limits.py."""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask

from portal.core.extensions import MEMORY_STORAGE_URI, PerAppLimiter


def _statuses(
    limits: dict[str, list[str]] | None = None,
    config: dict[str, str] | None = None,
    blueprint_limit: str | None = None,
) -> list[int]:
    """What three requests for a page get on an app with these limits."""
    limiter = PerAppLimiter(key_func=lambda: "one address", **(limits or {}))
    app = Flask(__name__)
    app.config.update(RATELIMIT_STORAGE_URI=MEMORY_STORAGE_URI, **(config or {}))
    limiter.init_app(app)
    pages = Blueprint("pages", __name__)
    pages.add_url_rule("/", "page", lambda: "a page")
    if blueprint_limit:
        limiter.limit(blueprint_limit)(pages)
    app.register_blueprint(pages)
    client = app.test_client()
    return [client.get("/").status_code for _ in range(3)]


@pytest.mark.parametrize("kind", ["default_limits", "application_limits"])
def test_a_limit_on_every_route_in_code_still_applies(kind):
    assert _statuses(limits={kind: ["2 per minute"]}) == [200, 200, 429]


def test_a_meta_limit_still_applies():
    # A meta limit counts breaches of the other limits: after one, every request is refused.
    limits = {"default_limits": ["1 per minute"], "meta_limits": ["1 per hour"]}
    assert _statuses(limits=limits) == [200, 429, 429]


@pytest.mark.parametrize("setting", ["RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION"])
def test_a_limit_on_every_route_in_configuration_still_applies(setting):
    assert _statuses(config={setting: "2 per minute"}) == [200, 200, 429]


def test_a_limit_on_a_blueprint_still_applies():
    assert _statuses(blueprint_limit="2 per minute") == [200, 200, 429]


def test_without_such_limits_every_request_is_answered():
    assert _statuses() == [200, 200, 200]


def test_the_portal_has_no_limit_on_every_route(app_ctx):
    """So the check before each request is skipped on the portal's pages (its limits are its
    views' own). If this fails, someone added a route-wide limit: it is checked, as it should
    be, and the shortcut no longer saves anything."""
    from portal.core.extensions import limiter

    assert not limiter._limits_before_views()
