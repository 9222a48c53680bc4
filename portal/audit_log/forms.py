"""The audit log's filter form: read from the query string, so a filtered log has an address
that can be linked to (every record's page links to its own history)."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from markupsafe import Markup
from wtforms import Field, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice

from portal.audit_log.labels import OBJECT_TYPES, action_label
from portal.core.forms import (
    BaseForm,
    DateInputField,
    EmailAddress,
    max_length,
    optional_text_field,
)
from portal.core.numbers import whole_number

# Days the log can hold: anything outside is a typing mistake (and 9999 would overflow).
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
OBJECT_TYPE_CHOICES = {"": "Any type of record", **OBJECT_TYPES}


class RecordNumber:
    """A record's number as the portal shows it: a whole number an id column can hold."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, _form, field) -> None:
        if field.data and not whole_number(field.data):
            raise ValidationError(f"{self.what} must be a whole number, like 1234")


class InRange:
    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, _form, field) -> None:
        if field.data and not EARLIEST <= field.data <= LATEST:
            raise ValidationError(f"{self.what} must be between 2000 and 2099")


def _record_number_field(label: str, hint: str) -> StringField:
    return StringField(
        label,
        validators=[max_length(10, label), RecordNumber(label)],
        widget=GovTextInput(),
        description=hint,
    )


# Each filter box as last written, by everything its HTML is made from (see `render_field`).
_RENDERED: dict[tuple, Markup] = {}
_RENDERED_KEPT = 512


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False  # a search: it changes nothing, and its address is shared as a link

        def render_field(self, field: Field, render_kw: dict[str, Any]) -> Markup:
            # Seven GOV.UK macros (a select of every kind of event among them) were half the
            # page's CPU, writing the same boxes for every reading. A box's HTML is made only
            # from its field (name, label, hint: fixed), the options and arguments the page
            # gives, what was typed and the error: with all of those as the key, a box is
            # written again whenever any of them changes (a new kind of event, another filter).
            key = (
                field.name,
                repr(render_kw),
                repr(field.raw_data),
                repr(field.data),
                tuple(field.errors),
                repr(getattr(field, "choices", None)),
            )
            rendered = _RENDERED.get(key)
            if rendered is None:
                if len(_RENDERED) >= _RENDERED_KEPT:
                    _RENDERED.clear()  # query strings are anyone's: keep a bounded few
                rendered = _RENDERED[key] = Markup(super().render_field(field, render_kw))  # type: ignore[misc]  # noqa: S704 - the widget's own HTML
            return rendered

    email = optional_text_field(
        "Email address of the person who did it", limit=254, what="Email address"
    )
    action = SelectField("What happened", choices=[], widget=GovSelect(), validate_choice=False)
    object_type = SelectField(
        "Type of record",
        choices=[SelectChoice(value, label) for value, label in OBJECT_TYPE_CHOICES.items()],
        widget=GovSelect(),
        validate_choice=False,
    )
    object_id = _record_number_field(
        "Record number", "The number in the record's address, like 1234 in /reviews/1234"
    )
    organisation_id = _record_number_field(
        "Organisation number", "Events about the organisation and everything it owns"
    )
    date_from = DateInputField(
        "From", what="The start date", validators=[InRange("The start date")]
    )
    date_to = DateInputField("To", what="The end date", validators=[InRange("The end date")])

    def __init__(self, formdata, event_types: list[str]) -> None:
        super().__init__(formdata=formdata)
        self.action.choices = [
            SelectChoice("", "Anything"),
            *(SelectChoice(kind, action_label(kind)) for kind in event_types),
        ]
        self._event_types = set(event_types)

    def validate_email(self, field) -> None:
        if field.data:
            EmailAddress()(self, field)

    def validate_action(self, field) -> None:
        if field.data and field.data not in self._event_types:
            raise ValidationError("Choose what happened from the list")

    def validate_object_type(self, field) -> None:
        if field.data and field.data not in OBJECT_TYPES:
            raise ValidationError("Choose a type of record from the list")

    def validate_object_id(self, field) -> None:
        if field.data and not self.object_type.data:
            raise ValidationError("Choose the type of record as well as its number")

    def validate_date_to(self, field) -> None:
        start = self.date_from.data
        if field.data and start and field.data < start:
            raise ValidationError("The end date must be the same as or after the start date")

    def filter_values(self) -> dict:
        """The checked values, as `services.resolve_filters` takes them."""
        return {
            "email": self.email.data or None,
            "action": self.action.data or None,
            "object_type": self.object_type.data or None,
            "object_id": whole_number(self.object_id.data),
            "organisation_id": whole_number(self.organisation_id.data),
            "date_from": self.date_from.data,
            "date_to": self.date_to.data,
        }
