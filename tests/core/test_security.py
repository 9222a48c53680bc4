import re

import pytest

from portal.config import load_config
from tests.core.test_config import PRODUCTION
from tests.support.factories import PASSWORD
from tests.support.pages import soup


@pytest.fixture
def production_app(make_app, database_url):
    """Production settings throughout, but on the suite's database and object store."""
    settings = load_config(PRODUCTION | {"DATABASE_URL": database_url})
    return make_app(
        **{name: value for name, value in settings.items() if not name.startswith("S3_")},
        WTF_CSRF_ENABLED=True,
    )


def _policy(response) -> dict[str, str]:
    directives = response.headers["Content-Security-Policy"].split(";")
    return dict(d.strip().split(" ", 1) for d in directives)


def _cookie(response, name: str) -> list[str]:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]
    return [part.strip().lower() for part in cookie.split(";")]


def test_the_content_security_policy_allows_only_the_nonced_script(client):
    response = client.get("/")

    policy = _policy(response)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    [nonce] = re.findall(r"'nonce-([^']+)'", policy["script-src"])
    inline = [s for s in soup(response).find_all("script") if not s.get("src")]
    # GOV.UK's script marking the page as having JavaScript, and the assets' import map.
    assert [s.get("nonce") for s in inline] == [nonce, nonce]
    assert _policy(client.get("/")) != policy  # a fresh nonce on every page


def test_the_other_security_headers(client):
    response = client.get("/")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # not over plain http


def test_the_session_cookie_in_development(client, provider):
    response = client.post("/sign-in", data={"email": provider.email, "password": PASSWORD})

    cookie = _cookie(response, "session")
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie


def test_production_cookies_are_secure_and_https_is_enforced(production_app):
    response = production_app.test_client().get("/sign-in")

    assert response.status_code == 200
    # `__Host-`: the browser keeps it only if Secure, for path / and this host alone.
    cookie = _cookie(response, "__Host-session")
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= set(cookie)
    assert not [part for part in cookie if part.startswith("domain=")]
    hsts = response.headers["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains"
    assert response.headers["Cache-Control"] == "no-store"
