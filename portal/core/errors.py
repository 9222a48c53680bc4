"""GOV.UK-style error pages. A user never sees a stack trace.

An error page needs nothing from the database: it may be answering because the database is
down. The header shows the signed-in person only as far as this request already loaded them,
and the page shows no notification banners, since the request that failed did not do what its
messages say ("‘X’ has been uploaded").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, g, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy import inspect
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.core.db import db
from portal.core.requests import HiddenCharacters

T = TypeVar("T")

# Status codes with a page of their own; anything else falls back to the generic problem page.
PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
}

# Where Flask keeps flashed messages in the session.
_FLASHES = "_flashes"


class ServiceError(Exception):
    """Something a person asked for that the rules refuse, with the message to show them and
    the form field it is about (None: the form as a whole). Every domain's refusals are
    ServiceErrors; `portal.core.form_posts.handle_post` puts them on the form.

    A refusal with several mistakes in it (a record checked field by field) passes `errors`,
    {field: message} in the order of the form; `message` and `field` are then its first."""

    def __init__(
        self, message: str = "", field: str | None = None, errors: dict[str, str] | None = None
    ) -> None:
        if errors:
            field, message = next(iter(errors.items()))
        super().__init__("; ".join(errors.values()) if errors else message)
        self.message = message
        self.field = field
        self.errors: dict[str | None, str] = {field: message}
        if errors:
            self.errors = {name: text for name, text in errors.items()}


def typed_text(
    typed: str | None,
    error: type[ServiceError],
    field: str | None,
    *,
    missing: str | None,
    limit: int,
    what: str,
) -> str:
    """What a person typed, stripped; `error` on `field` when it is empty (`missing`, unless
    None: it may be) or longer than `limit` ("`what` must be N characters or fewer")."""
    text = (typed or "").strip()
    if missing and not text:
        raise error(missing, field)
    if len(text) > limit:
        raise error(f"{what} must be {limit} characters or fewer", field)
    return text


class FileRefused(ServiceError):
    """An uploaded file (a CSV to import) with problems: `problems` lists (line number or None,
    message), shown under the file field's error, which counts them."""

    nothing_done = "Nothing has been saved"

    def __init__(self, problems: list[tuple[int | None, str]]) -> None:
        count = len(problems)
        super().__init__(
            f"The selected file has {count} problem{'s' if count > 1 else ''}. {self.nothing_done}",
            "file",
        )
        self.problems = problems


class NotFoundForUser(HTTPException):
    """Missing, or belongs to someone else: both look the same so ids cannot be probed."""

    code = 404


def found(value: T | None, **belongs_to: object) -> T:
    """`value`, or NotFoundForUser (404) when there is none: a load by id that finds nothing.
    With `belongs_to` (`organisation_id=organisation.id`), also when the record is another's, so
    ids cannot be probed."""
    if value is None or any(getattr(value, name) != id_ for name, id_ in belongs_to.items()):
        raise NotFoundForUser()
    return value


@dataclass(frozen=True)
class _HeaderUser:
    """What the header needs to know about the signed-in person, copied out of memory."""

    role: str
    is_staff: bool
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False


def _header_user_in_memory() -> _HeaderUser | None:
    user = g.get("_login_user")
    # Only attributes still loaded can be read without a query (a failed flush expires them).
    if user is not None and user.is_authenticated and "role" in inspect(user).dict:
        return _HeaderUser(role=user.role, is_staff=user.is_staff)
    return None


def _remember_who_is_signed_in() -> None:
    """Copy what the header needs as soon as the request has loaded the user (the session
    checks before this one do), while it can still be read without the database."""
    g.header_user = _header_user_in_memory()


def _user_for_header() -> object:
    """The person this request loaded, from what is in memory; nobody when the request failed
    before loading them."""
    return g.get("header_user") or _header_user_in_memory() or AnonymousUserMixin()


def _forget_flashes_of_this_request() -> None:
    """Drop the messages the failed request queued; those queued before it (in the cookie the
    request arrived with) wait for the next page."""
    arrived: Mapping[str, Any] = (
        current_app.session_interface.open_session(current_app, request) or {}
    )
    earlier = list(arrived.get(_FLASHES, []))
    if earlier:
        session[_FLASHES] = earlier
    else:
        session.pop(_FLASHES, None)


def error_page(
    template: str, status: int, headers: Iterable[tuple[str, str]] = (), **context: Any
) -> ResponseReturnValue:
    """Render an error page without touching the database."""
    g._login_user = _user_for_header()  # flask-login's current_user then reads no further
    _forget_flashes_of_this_request()
    return render_template(template, **context), status, list(headers)


def init_app(app: Flask) -> None:
    app.before_request(_remember_who_is_signed_in)

    @app.errorhandler(CSRFError)
    def session_expired(_error: CSRFError) -> ResponseReturnValue:
        return error_page("errors/session_expired.html", 400)

    @app.errorhandler(HiddenCharacters)
    def hidden_characters(error: HiddenCharacters) -> ResponseReturnValue:
        return error_page("errors/hidden_characters.html", 400, error=error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        template = PAGES.get(error.code or 500, "errors/500.html")
        # Keep headers the status requires, such as Allow on a 405.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return error_page(template, error.code or 500, headers, error=error)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError) -> ResponseReturnValue:
        original = getattr(error, "original_exception", None)
        current_app.logger.error(
            "Unhandled error on %s %s", request.method, request.path, exc_info=original
        )
        response = error_page("errors/500.html", 500)
        # Nothing of the failed request is kept (the request's rollback follows); ending the
        # transaction here also frees its connection at once.
        db.session.rollback()
        return response
