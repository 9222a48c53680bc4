"""The base form every domain's forms build on, and the fields they share.

Fields trim whitespace, carry GOV.UK widgets, and say what is wrong in the Design System's voice.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import request
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovDateInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.form import BaseForm as WTFormsBaseForm
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from portal.core.numbers import whole_number
from portal.core.requests import has_hidden_characters, unchecked


def version_seen(value: str | None) -> int | None:
    """A version carried in a hidden field: None when missing or altered."""
    return whole_number(value)


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def hidden_characters_message(label: str) -> str:
    what = label.removesuffix(" (optional)")
    return f"{what} must not include hidden characters. Type it in again rather than pasting it"


# flask-wtf ships no types, so FlaskForm is Any to mypy.
class BaseForm(FlaskForm):  # type: ignore[misc]
    class Meta:
        def bind_field(
            self, form: WTFormsBaseForm, unbound_field: UnboundField[Any], options: dict[str, Any]
        ) -> Field:
            # Passwords keep their spaces: they are the user's secret, byte for byte.
            if unbound_field.field_class is not PasswordField:
                options["filters"] = (*unbound_field.kwargs.get("filters", ()), _strip)
            field: Field = unbound_field.bind(form=form, **options)
            return field

        def render_field(self, field: Field, render_kw: dict[str, Any]) -> str:
            # A page can hold several forms, each with its CSRF field: as `id="csrf_token"` on
            # each, the id would repeat. Nothing links to the hidden field, so it needs none.
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            # wtforms' metaclass puts FlaskForm's Meta behind this one, which has these.
            rendered: str = super().render_field(field, render_kw)  # type: ignore[misc]
            return rendered

        def wrap_formdata(self, form: WTFormsBaseForm, formdata: Any) -> Any:
            return unchecked(super().wrap_formdata(form, formdata))  # type: ignore[misc]  # as above

    def fill_in(self, details: dict[str, Any]) -> list[str]:
        """Start the form with details already given elsewhere (call it on a GET, so what is
        typed later wins); returns the labels of the questions filled in, for the page to say."""
        filled: list[str] = []
        for name, value in details.items():
            field = self._fields.get(name)
            if field is not None and value is not None:
                field.data = value
                filled.append(field.label.text)
        return filled

    def show_values(self, record: Any, *names: str) -> None:
        """When the page is first shown, the fields `names` hold `record`'s values of the same
        names (a post keeps what was typed); none when there is no record yet (a page adding
        one)."""
        if record is not None and not self.is_submitted():
            for name in names:
                self[name].data = getattr(record, name)

    def validate(self, extra_validators: dict[str, Sequence[Any]] | None = None) -> bool:
        """Refuse any field holding a control character (NUL made PostgreSQL fail with a 500;
        the others break exports and mean nothing) before any validator or service sees it,
        keeping what was typed on the page. This is the one check for every form."""
        refused = [
            field
            for field in self
            if any(has_hidden_characters(value) for value in (field.raw_data or ()))
        ]
        if not refused:
            valid: bool = super().validate(extra_validators)
            return valid
        for field in self:
            field.errors = []
        for field in refused:
            hidden = field.type in ("HiddenField", "CSRFTokenField")
            label = "What you sent" if hidden else field.label.text
            self.add_error(None if hidden else field.name, hidden_characters_message(label))
        return False

    def add_error(self, field: str | None, message: str) -> None:
        """Attach a service's error to its field for the error summary; an error about the whole
        form goes on its first visible field, or its button when it has none, so the summary's
        link lands somewhere a keyboard user can reach (never a hidden field)."""
        target = getattr(self, field, None) if field else None
        if target is None:
            visible = [f for f in self if f.type not in ("HiddenField", "CSRFTokenField")]
            target = next((f for f in visible if f.type != "SubmitField"), None)
            target = target or (visible[0] if visible else next(iter(self)))
        target.errors = [*target.errors, message]


def submit(label: str = "Continue") -> SubmitField:
    return SubmitField(label, widget=GovSubmitInput())


def button_form(label: str, *bases: type[BaseForm]) -> type[Any]:
    """A form that is only a button (confirm, remove, accept): a submit button saying `label`
    on `bases` (BaseForm by default: the CSRF token alone; OnceOnlyForm and VersionedForm
    for a form that must not act twice or must act on the version the page showed)."""
    return type("ButtonForm", bases or (BaseForm,), {"submit": submit(label)})


def required(message: str) -> DataRequired:
    # Judged on the trimmed answer: "   " is no answer (InputRequired would let it through).
    return DataRequired(message=message)


def max_length(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit} characters or fewer")


class EmailAddress:
    """A valid-looking email address (no DNS lookups: they would fail here and leak timing)."""

    message = "Enter an email address in the correct format, like name@example.com"

    def __call__(self, _form: WTFormsBaseForm, field: Field) -> None:
        try:
            validate_email(field.data or "", check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError(self.message) from None


def email_field(
    label: str = "Email address",
    hint: str | None = None,
    missing: str = "Enter your email address",
) -> EmailField:
    return EmailField(
        label,
        validators=[
            required(missing),
            max_length(254, "Email address"),
            EmailAddress(),
        ],
        widget=GovTextInput(),
        description=hint or "",
    )


def text_field(label: str, *, missing: str, limit: int = 200, hint: str = "") -> StringField:
    return StringField(
        label,
        validators=[required(missing), max_length(limit, label)],
        widget=GovTextInput(),
        description=hint,
    )


def long_text_field(
    label: str,
    *,
    missing: str | None,
    limit: int,
    what: str,
    hint: str = "",
    counted: bool = True,
) -> TextAreaField:
    """Text over several lines, with a count of characters left (a plain box when not
    `counted`); `missing` is the error when it is left empty (None: optional), `what` names it
    in the error for going over `limit`."""
    return TextAreaField(
        label,
        validators=[*([required(missing)] if missing else []), max_length(limit, what)],
        widget=GovCharacterCount() if counted else GovTextArea(),
        description=hint,
    )


def optional_text_field(
    label: str, *, limit: int = 200, hint: str = "", what: str = ""
) -> StringField:
    # The error names the field, not the label's "(optional)": "Website must be 300 characters".
    what = what or label.removesuffix(" (optional)")
    return StringField(
        label, validators=[max_length(limit, what)], widget=GovTextInput(), description=hint
    )


def radio_field(
    label: str,
    options: Mapping[str, str] | Sequence[SelectChoice],
    missing: str | None,
    hint: str = "",
    *,
    default: str | None = None,
    validate_choice: bool = True,
) -> RadioField:
    """One choice from `options` (value -> label, or SelectChoices); `missing` is the error for
    no choice (None: it may be left out) and for a value that is not one of them. With
    `validate_choice` False the service judges the value (a choice made from the database), in
    its own words."""
    choices = (
        [SelectChoice(value, text) for value, text in options.items()]
        if isinstance(options, Mapping)
        else list(options)
    )
    return RadioField(
        label,
        choices=choices,
        validators=[required(missing)] if missing else [],
        widget=GovRadioInput(),
        invalid_choice_message=missing,
        validate_choice=validate_choice,
        description=hint,
        default=default,
    )


YES_OR_NO = {"yes": "Yes", "no": "No"}


def judged_radio_field(
    label: str, options: Mapping[str, str] | Sequence[SelectChoice] = (), hint: str = ""
) -> RadioField:
    """Radios the service judges, in its own words, with the other answers: nothing is checked
    here, not even that an answer was given (its choices may be set when the page is made)."""
    return radio_field(label, options, None, hint, validate_choice=False)


def password_field(
    label: str = "Password", missing: str = "Enter your password", hint: str = ""
) -> PasswordField:
    return PasswordField(
        label,
        validators=[required(missing), max_length(128, "Password")],
        widget=GovPasswordInput(),
        description=hint,
    )


# Double submission ---------------------------------------------------------------------------
# A form that creates something carries a one-off id; portal/core/submissions.py makes it
# single-use on the server (`previous_result` claims it, `remember_result` records where it led).


def new_submission_id() -> str:
    return secrets.token_urlsafe(16)


class _Posted:
    """A value read from the posted form, shaped as a WTForms field's `.data`."""

    def __init__(self, data: str | None) -> None:
        self.data = data


class PageErrors:
    """The form of a page whose fields are not a WTForms form (a quote's answers, an
    evaluator's scores: fields that depend on the record), read from the request and checked by
    the service. base.html shows the summary, linking each message to the field with that id.

    It answers what `portal.core.form_posts.handle_post` asks of a form, so such a page posts
    the same way as any other: "valid" when posted (the service does the checking), the
    refusal put on the field it names, and the page's single-use `submission_id` claimed."""

    def __init__(self, errors: dict[str, str] | None = None) -> None:
        self._fields: dict[str, Any] = {}
        self.errors = {field: [message] for field, message in (errors or {}).items()}

    @property
    def submission_id(self) -> _Posted:
        # Read when the POST is handled, not when the page is set up: an upload too large to
        # read must be answered before anything touches the form.
        return _Posted(request.form.get("submission_id"))

    def validate_on_submit(self) -> bool:
        return request.method == "POST"

    def add_error(self, field: str | None, message: str) -> None:
        self.errors[field or "main-content"] = [message]

    def get(self, field: str) -> str | None:
        found = self.errors.get(field)
        return found[0] if found else None


class OnceOnlyForm(BaseForm):
    submission_id = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.submission_id.data:
            self.submission_id.data = new_submission_id()


class VersionedForm(BaseForm):
    """A form about a record that carries the version the page showed (`lock_version`): a page
    older than the record is refused rather than acted on. With `OnceOnlyForm` as well for a
    form that must not act twice: `class CloseForm(OnceOnlyForm, VersionedForm)`."""

    lock_version = HiddenField()

    @property
    def seen(self) -> int | None:
        """The version the page showed; None when missing or altered."""
        return version_seen(self.lock_version.data)

    def show_version(self, record: Any) -> None:
        """When the page is first shown, carry `record`'s version (a post keeps the one seen)."""
        if not self.is_submitted():
            self.lock_version.data = str(record.lock_version)


# Dates --------------------------------------------------------------------------------------


# govuk-frontend-wtf ships no types, so GovDateInput is Any to mypy.
class _DateParts(GovDateInput):  # type: ignore[misc]
    """GOV.UK date input whose wrapper takes the field's name as its id, leaving the field's id
    (name-day) to the day box, where the error summary's link should land."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        params["id"] = field.name
        return params


_DATE_PART_NAMES = ("day", "month", "year")


# WTForms is Any to mypy (see pyproject.toml).
class DateInputField(Field):  # type: ignore[misc]
    """A date as GOV.UK asks for one: day, month and year boxes. Blank is None (use
    `DateRequired` to insist); anything else must be a real date, with the Design System's
    messages naming `what` ("Expiry date must be a real date")."""

    widget = _DateParts()

    def __init__(self, label: str, *, what: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.what = what
        self.id = f"{self.name}-day"

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(value).strip() for value in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        missing = [name for name, part in zip(_DATE_PART_NAMES, parts, strict=True) if not part]
        if missing:
            raise ValueError(f"{self.what} must include a {' and a '.join(missing)}")
        day, month, year = parts
        try:
            if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
                raise ValueError
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{self.what} must be a real date") from None


class DateRequired:
    """A date must be given (a date that is not a real one has its own message already)."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, _form: WTFormsBaseForm, field: Field) -> None:
        if field.data is None and not field.process_errors:
            raise StopValidation(self.message)
