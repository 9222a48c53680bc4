"""The base form every domain's forms build on, and the fields they share.

Fields trim whitespace, carry GOV.UK widgets, and say what is wrong in the Design System's voice.
"""

from __future__ import annotations

import secrets
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, Field, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from portal.core.requests import has_hidden_characters, unchecked


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def hidden_characters_message(label: str) -> str:
    what = label.removesuffix(" (optional)")
    return f"{what} must not include hidden characters. Type it in again rather than pasting it"


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            # Passwords keep their spaces: they are the user's secret, byte for byte.
            if unbound_field.field_class is not PasswordField:
                options["filters"] = (*unbound_field.kwargs.get("filters", ()), _strip)
            return unbound_field.bind(form=form, **options)

        def render_field(self, field, render_kw):
            # A page can hold several forms, each with its CSRF field: as `id="csrf_token"` on
            # each, the id would repeat. Nothing links to the hidden field, so it needs none.
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)

        def wrap_formdata(self, form, formdata):
            return unchecked(super().wrap_formdata(form, formdata))

    def fill_in(self, details: dict) -> list[str]:
        """Start the form with details already given elsewhere (call it on a GET, so what is
        typed later wins); returns the labels of the questions filled in, for the page to say."""
        filled = []
        for name, value in details.items():
            field = self._fields.get(name)
            if field is not None and value is not None:
                field.data = value
                filled.append(field.label.text)
        return filled

    def validate(self, extra_validators=None) -> bool:
        """Refuse any field holding a control character (NUL made PostgreSQL fail with a 500;
        the others break exports and mean nothing) before any validator or service sees it,
        keeping what was typed on the page. This is the one check for every form."""
        refused = [
            field
            for field in self
            if any(has_hidden_characters(value) for value in (field.raw_data or ()))
        ]
        if not refused:
            return super().validate(extra_validators)
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


def required(message: str) -> DataRequired:
    # Judged on the trimmed answer: "   " is no answer (InputRequired would let it through).
    return DataRequired(message=message)


def max_length(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit} characters or fewer")


class EmailAddress:
    """A valid-looking email address (no DNS lookups: they would fail here and leak timing)."""

    message = "Enter an email address in the correct format, like name@example.com"

    def __call__(self, _form, field) -> None:
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


def optional_text_field(label: str, *, limit: int = 200, hint: str = "") -> StringField:
    # The error names the field, not the label's "(optional)": "Website must be 300 characters".
    what = label.removesuffix(" (optional)")
    return StringField(
        label, validators=[max_length(limit, what)], widget=GovTextInput(), description=hint
    )


def password_field(label: str = "Password", missing: str = "Enter your password", hint: str = ""):
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


class OnceOnlyForm(BaseForm):
    submission_id = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission_id.data:
            self.submission_id.data = new_submission_id()


# Dates --------------------------------------------------------------------------------------


class _DateParts(GovDateInput):
    """GOV.UK date input whose wrapper takes the field's name as its id, leaving the field's id
    (name-day) to the day box, where the error summary's link should land."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params["id"] = field.name
        return params


_DATE_PART_NAMES = ("day", "month", "year")


class DateInputField(Field):
    """A date as GOV.UK asks for one: day, month and year boxes. Blank is None (use
    `DateRequired` to insist); anything else must be a real date, with the Design System's
    messages naming `what` ("Expiry date must be a real date")."""

    widget = _DateParts()

    def __init__(self, label: str, *, what: str, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.what = what
        self.id = f"{self.name}-day"

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist) -> None:
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

    def __call__(self, _form, field) -> None:
        if field.data is None and not field.process_errors:
            raise StopValidation(self.message)
