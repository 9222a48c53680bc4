import logging
from pathlib import Path

import pytest
from flask import abort, flash, redirect

from portal.accounts.models import User
from portal.core import errors
from portal.core.db import db
from tests.conftest import sign_in
from tests.support.pages import page_h1, page_text, page_title, soup

SUFFIX = " – Flexible Learning Support Framework – Dudley Council"


def _no_internals(response) -> None:
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "File &#34;" not in body and 'File "' not in body


def test_an_unknown_address_is_page_not_found(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert page_h1(response) == "Page not found"
    assert page_title(response) == "Page not found" + SUFFIX
    assert "check it is correct" in page_text(response)


def test_a_method_the_address_does_not_take_gets_a_page(client):
    response = client.delete("/")

    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert page_h1(response) == "Page not found"
    _no_internals(response)


def test_a_request_that_is_too_large_is_refused_before_it_is_read(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024, MAX_UPLOAD_MB=1)

    response = app.test_client().post("/sign-in", data={"email": "a" * 2048, "password": "x"})

    assert response.status_code == 413
    assert page_h1(response) == "The file or form you sent is too large"
    assert "Files must be smaller than 1MB. Nothing was saved" in page_text(response)


def test_a_form_without_its_security_token_is_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()

    response = client.post("/sign-in", data={"email": "someone@example.org", "password": "x"})

    assert response.status_code == 400
    assert page_h1(response) == "Your session has expired"
    assert "Your answers were not saved, sign in again." in page_text(response)
    assert "CSRF" not in response.get_data(as_text=True)
    _no_internals(response)


def test_an_unexpected_error_shows_the_problem_page_and_is_logged(make_app, caplog):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/test-only/broken")
    def broken():
        raise RuntimeError("connection string postgresql://secret")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/test-only/broken")

    assert response.status_code == 500
    assert page_h1(response) == "Sorry, there is a problem with the service"
    assert page_title(response) == "Sorry, there is a problem with the service" + SUFFIX
    assert "secret" not in response.get_data(as_text=True)
    _no_internals(response)
    assert "Unhandled error on GET /test-only/broken" in caplog.text
    assert "RuntimeError: connection string" in caplog.text


def test_the_problem_page_still_shows_after_a_database_error(make_app, provider):
    """A failed flush leaves the session needing a rollback; the error page's header reads the
    signed-in user from the database, so without one it would fail with a bare error."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/test-only/database-error")
    def database_error():
        db.session.add(User(email=provider.email, full_name="Copy", password_hash="x"))
        db.session.flush()  # the email is taken: IntegrityError

    client = sign_in(app.test_client(), provider)
    response = client.get("/test-only/database-error")

    assert response.status_code == 500
    assert page_h1(response) == "Sorry, there is a problem with the service"
    assert "Sign out" in page_text(response)  # the header knew who was signed in
    _no_internals(response)


SUPPORT = "help@framework.example.org"
ERROR_TEMPLATES = Path(__file__).parents[2] / "templates" / "errors"


def _unreachable(database_url: str, tmp_path) -> str:
    """A database of the suite's kind that cannot be reached: nothing listens on port 1, and
    SQLite cannot make a file in a folder that does not exist."""
    if database_url.startswith("postgresql"):
        return "postgresql://portal@127.0.0.1:1/portal?connect_timeout=2"
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'portal.db'}"


def _mailto(response) -> list[str]:
    return [a["href"] for a in soup(response).select("main a[href^='mailto:']")]


def test_every_error_page_gives_the_support_email_without_the_database(
    make_app, database_url, tmp_path
):
    """The database is down: the pages people meet then (not found, too many tries, the
    problem page when a request needs the database) still render, with whom to write to. And
    every error page there is says the same."""
    app = make_app(
        DATABASE_URL=_unreachable(database_url, tmp_path),
        SUPPORT_EMAIL=SUPPORT,
        PROPAGATE_EXCEPTIONS=False,
    )

    @app.get("/test-only/status/<int:code>")
    def status(code):
        abort(code)

    client = app.test_client()
    met = {
        "not found": client.get("/no-such-page"),
        # Asking for a reset link reads the database: the problem page.
        "problem": client.post("/forgotten-password", data={"email": "someone@example.org"}),
    }
    for _ in range(10):
        client.post("/forgotten-password", data={"email": "someone@example.org"})
    met["too many tries"] = client.post("/forgotten-password", data={"email": "a@example.org"})
    assert [response.status_code for response in met.values()] == [404, 500, 429]

    seen = set()
    for code in (*errors.PAGES, 500):
        response = client.get(f"/test-only/status/{code}")
        met[str(code)] = response
        seen.add(errors.PAGES.get(code, "errors/500.html"))
    with_csrf = make_app(
        DATABASE_URL=_unreachable(database_url, tmp_path),
        SUPPORT_EMAIL=SUPPORT,
        WTF_CSRF_ENABLED=True,
    )
    met["session expired"] = with_csrf.test_client().post(
        "/sign-in", data={"email": "someone@example.org", "password": "x"}
    )
    seen.add("errors/session_expired.html")
    met["hidden character"] = client.get("/providers?lot=mentoring\x00")
    seen.add("errors/hidden_characters.html")

    pages = {page.name for page in ERROR_TEMPLATES.glob("*.html")} - {"layout.html"}
    assert seen == {f"errors/{name}" for name in pages}
    for name, response in met.items():
        assert _mailto(response) == [f"mailto:{SUPPORT}"], name
        assert f"framework team at {SUPPORT}" in page_text(response), name
        _no_internals(response)


def test_the_permission_page_gives_the_support_email(provider_client):
    response = provider_client.get("/admin/staff")

    assert response.status_code == 403
    assert "email the council's framework team at framework@example.org" in page_text(response)
    assert _mailto(response) == ["mailto:framework@example.org"]


UPLOADED = "‘policy.pdf’ has been uploaded"


def _fail_after_flashing(how: str, email: str):
    """A view that says it succeeded and then fails: in its own code, at commit, or as a 404."""

    def view():
        flash(UPLOADED, "success")
        if how == "raises":
            raise RuntimeError("the store went away")
        if how == "commit fails":
            db.session.add(User(email=email, full_name="Copy", password_hash="x"))
            return redirect("/home")
        abort(404)

    return view


@pytest.mark.parametrize("how", ["raises", "commit fails", "not found"])
def test_an_error_page_never_shows_the_failed_requests_success_message(make_app, provider, how):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/test-only/said", view_func=lambda: (flash("Earlier news"), redirect("/"))[1])
    app.add_url_rule(
        "/test-only/fails", view_func=_fail_after_flashing(how, provider.email), methods=["POST"]
    )
    client = sign_in(app.test_client(), provider)
    client.get("/test-only/said")  # a message queued for the next page, before the failure

    response = client.post("/test-only/fails")

    assert response.status_code == (404 if how == "not found" else 500)
    assert UPLOADED not in page_text(response)
    assert "Earlier news" not in page_text(response)  # an error page shows no banners
    following = page_text(client.get("/home"))
    assert UPLOADED not in following
    assert "Earlier news" in following  # kept for the next page
