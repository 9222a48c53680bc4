"""The admins' forms: publishing a questionnaire version, and a KPI definition."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from portal.core.forms import OnceOnlyForm, max_length, required, submit
from portal.core.numbers import plain_decimal
from portal.kpi_returns.models import UNIT_LABELS


class PublishForm(OnceOnlyForm):
    submit = submit("Publish this version")


class UploadForm(OnceOnlyForm):
    file = FileField(
        "Upload a questionnaire file",
        widget=GovFileInput(),
        description="A YAML file, ending .yaml or .yml, smaller than 1MB.",
    )
    submit = submit("Upload")


def _number(text: str | None) -> float | None:
    text = (text or "").strip().removesuffix("%").removeprefix("£").replace(",", "")
    if not text:
        return None
    number = plain_decimal(text)
    if number is None:
        raise ValueError(text)
    return float(number)


class NumberField(StringField):
    """A number that may be left blank; anything else is refused with the field's name."""

    widget = GovTextInput()

    def __init__(self, label: str, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.number: float | None = None

    def pre_validate(self, form) -> None:
        try:
            self.number = _number(self.data)
        except ValueError:
            what = self.label.text.removesuffix(" (optional)")
            raise ValidationError(f"{what} must be a number") from None


class DefinitionForm(OnceOnlyForm):
    name = StringField(
        "Name",
        validators=[required("Enter the KPI's name"), max_length(200, "Name")],
        widget=GovTextInput(),
    )
    description = TextAreaField(
        "Description (optional)",
        validators=[max_length(2000, "Description")],
        widget=GovTextArea(),
        description="Shown to providers as the hint: what to count, and what not to.",
    )
    unit = RadioField(
        "Unit",
        choices=[SelectChoice(unit, label) for unit, label in UNIT_LABELS.items()],
        widget=GovRadioInput(),
        validators=[required("Select the unit")],
    )
    direction = RadioField(
        "Which is better?",
        choices=[
            SelectChoice("higher", "Higher is better"),
            SelectChoice("lower", "Lower is better"),
        ],
        widget=GovRadioInput(),
        validators=[required("Select whether higher or lower is better")],
    )
    required_kpi = RadioField(
        "Must providers give a value?",
        choices=[
            SelectChoice("yes", "Yes, it is required"),
            SelectChoice("no", "No, it is optional"),
        ],
        widget=GovRadioInput(),
        validators=[required("Select whether a value is required")],
    )
    active = RadioField(
        "Is the KPI still collected?",
        choices=[
            SelectChoice("yes", "Yes"),
            SelectChoice("no", "No, stop collecting it from the month below"),
        ],
        widget=GovRadioInput(),
        default="yes",
        validators=[required("Select whether the KPI is still collected")],
    )
    target = NumberField("Target (optional)")
    good_from = NumberField(
        "Good from (optional)",
        description="The value at which a return is rated good: at or above it when higher is "
        "better, at or below it when lower is better. Leave the thresholds blank for a KPI that "
        "is reported but not rated.",
    )
    approaching_from = NumberField("Approaching target from (optional)")
    requires_improvement_from = NumberField(
        "Requires improvement from (optional)",
        description="Anything worse is rated inadequate.",
    )
    lot_ids = SelectMultipleField(
        "Types of service it applies to",
        coerce=int,
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    effective_from = SelectField(
        "Applies from",
        widget=GovSelect(),
        validate_choice=False,
        description="Returns for earlier months keep the definition they were made with.",
    )
    submit = submit("Save KPI")
