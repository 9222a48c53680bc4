"""GOV.UK-style error pages. A user never sees a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.core.db import db
from portal.core.requests import HiddenCharacters

# Status codes with a page of their own; anything else falls back to the generic problem page.
PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
}


class NotFoundForUser(HTTPException):
    """Missing, or belongs to someone else: both look the same so ids cannot be probed."""

    code = 404


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def session_expired(_error: CSRFError):
        return render_template("errors/session_expired.html"), 400

    @app.errorhandler(HiddenCharacters)
    def hidden_characters(error: HiddenCharacters):
        return render_template("errors/hidden_characters.html", error=error), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        template = PAGES.get(error.code or 500, "errors/500.html")
        # Keep headers the status requires, such as Allow on a 405.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return render_template(template, error=error), error.code or 500, headers

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError):
        original = getattr(error, "original_exception", None)
        current_app.logger.error(
            "Unhandled error on %s %s", request.method, request.path, exc_info=original
        )
        # A failed database statement leaves the session unusable, and the page's header reads
        # the signed-in user: start clean so the error page itself cannot fail.
        db.session.rollback()
        return render_template("errors/500.html"), 500
