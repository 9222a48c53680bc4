"""The admins' forms: publishing a questionnaire version, and a KPI definition."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovSelect,
    GovTextInput,
)
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from portal.core.forms import (
    OnceOnlyForm,
    button_form,
    long_text_field,
    radio_field,
    submit,
    text_field,
)
from portal.core.numbers import plain_decimal
from portal.kpi_returns.models import UNIT_LABELS

PublishForm = button_form("Publish this version", OnceOnlyForm)


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
    name = text_field("Name", missing="Enter the KPI's name")
    description = long_text_field(
        "Description (optional)",
        missing=None,
        limit=2000,
        what="Description",
        hint="Shown to providers as the hint: what to count, and what not to.",
        counted=False,
    )
    unit = radio_field(
        "Unit",
        [SelectChoice(unit, label) for unit, label in UNIT_LABELS.items()],
        missing="Select the unit",
    )
    direction = radio_field(
        "Which is better?",
        [
            SelectChoice("higher", "Higher is better"),
            SelectChoice("lower", "Lower is better"),
        ],
        missing="Select whether higher or lower is better",
    )
    required_kpi = radio_field(
        "Must providers give a value?",
        [
            SelectChoice("yes", "Yes, it is required"),
            SelectChoice("no", "No, it is optional"),
        ],
        missing="Select whether a value is required",
    )
    active = radio_field(
        "Is the KPI still collected?",
        [
            SelectChoice("yes", "Yes"),
            SelectChoice("no", "No, stop collecting it from the month below"),
        ],
        missing="Select whether the KPI is still collected",
        default="yes",
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
