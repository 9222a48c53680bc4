"""The one way a form page handles its POST: validate, call the service, show its refusal on the
form, or flash and redirect.

A view builds its form, hands `handle_post` what to do and where to go, and renders the page
when it gets None back (a GET, a form with errors, or a refusal now on the form):

    form = forms.InviteMemberForm()
    done = handle_post(
        form,
        lambda: services.invite_member(current_user, organisation, form.email.data),
        to=url_for("organisations.show", organisation_id=organisation.id),
        message=lambda invitation: f"We have sent an invitation to {invitation.email}",
    )
    return done or render_template("organisations/invite.html", form=form)

A form with a single-use id (`OnceOnlyForm`) is claimed here before the service runs
(portal/core/submissions.py): a second POST of the same page goes where the first one led
instead of acting twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect
from werkzeug.wrappers import Response

from portal.core.errors import ServiceError
from portal.core.submissions import previous_result, remember_result

T = TypeVar("T")


def handle_post(
    form: Any,
    act: Callable[[], T],
    to: str | Callable[[T], str],
    *,
    message: str | Callable[[T], str] | None = None,
    field: str | Callable[[str | None], str | None] | None = None,
    refused: type[Exception] | tuple[type[Exception], ...] = ServiceError,
    refused_to: str | None = None,
) -> Response | None:
    """When `form` was posted and is valid, call `act` (the service, and anything that must
    follow it in the same request) and redirect to `to` with `message` flashed as a success;
    `to` and `message` may be functions of what `act` returned. A `refused` error from `act`
    is put on `field` (or the fields the error names, through `field` when it is a function
    from the service's name for a field to the form's) and None is returned, so the view shows
    the form again with what was typed. A page with nothing to correct (a confirmation page)
    gives `refused_to` instead: the refusal is flashed as the notice there."""
    if not form.validate_on_submit():
        return None
    return _act(form, act, to, message, field, refused, refused_to)


def handle_button(
    act: Callable[[], T],
    to: str,
    *,
    message: str | Callable[[T], str] | None = None,
    form: Any = None,
) -> Response:
    """A button that acts at once, with no page of its own (remove a file, confirm an award):
    call `act` (when `form`, if given, is valid) and go back to `to`, with `message` flashed as
    a success or the service's refusal as the notice there. A form with a single-use id is
    claimed first, as in `handle_post`: a second click goes where the first led."""
    if form is not None and not form.validate_on_submit():
        return redirect(to)
    done = _act(form, act, to, message, None, ServiceError, to)
    assert done is not None  # a refusal goes to `to` too
    return done


def _act(
    form: Any,
    act: Callable[[], T],
    to: str | Callable[[T], str],
    message: str | Callable[[T], str] | None,
    field: str | Callable[[str | None], str | None] | None,
    refused: type[Exception] | tuple[type[Exception], ...],
    refused_to: str | None,
) -> Response | None:
    """Claim the form's single-use id, call `act`, and go on as `handle_post` says."""
    submission_id, again = _claim(form)
    if again:
        return again
    try:
        result = act()
    except refused as error:
        said = getattr(error, "message", str(error))
        if refused_to is not None:
            flash(said)
            return redirect(refused_to)
        for named, text in getattr(error, "errors", {None: said}).items():
            form.add_error(field(named) if callable(field) else field or named, text)
        return None
    url = to(result) if callable(to) else to
    remember_result(submission_id, url)
    _flash_success(message, result)
    return redirect(url)


def _claim(form: Any) -> tuple[str | None, Response | None]:
    """The form's single-use id, if it has one, and where its first post led if this is a
    second one."""
    submission_id = form.submission_id.data if hasattr(form, "submission_id") else None
    done = previous_result(submission_id)
    return submission_id, redirect(done) if done else None


def _flash_success(message: str | Callable[[Any], str] | None, result: Any) -> None:
    text = message(result) if callable(message) else message
    if text:
        flash(text, "success")
