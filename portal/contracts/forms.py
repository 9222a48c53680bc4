"""The contract's forms: a direct call-off, completing a draft made from an award, a
variation, acceptance (by the provider, or on paper) and termination. Fields read what people
type (money through core.money, whole numbers through core.numbers); the services judge the
values."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import Field, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from portal.contracts.models import DIRECT_GROUNDS, MAX_HELD_BACK_PERCENT, UNITS
from portal.contracts.services.common import REASON_LIMIT, Terms
from portal.contracts.services.making import Completion
from portal.core.forms import (
    DateInputField,
    DateRequired,
    OnceOnlyForm,
    max_length,
    optional_text_field,
    required,
    submit,
    text_field,
)
from portal.core.money import NotMoney, parse_pence
from portal.core.numbers import whole_number

# Larger than any term a service allows (it says the limit), small enough to hold.
_TYPED_LIMIT = 20


def _choices(options: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options.items()]


def _pence(field: Field) -> int | None:
    try:
        return parse_pence(field.data)
    except NotMoney:
        return None


def _whole(text: str | None) -> int | None:
    """A whole number in ASCII digits, however large (the service says how large it may be)."""
    return int(text) if text and text.isascii() and text.isdigit() else None


def _money_field(label: str, missing: str, hint: str = "") -> StringField:
    return StringField(
        label,
        validators=[required(missing), max_length(_TYPED_LIMIT, label)],
        widget=GovTextInput(),
        description=hint,
    )


def _number_field(label: str, missing: str, hint: str = "") -> StringField:
    return StringField(
        label,
        validators=[required(missing), max_length(_TYPED_LIMIT, label)],
        widget=GovTextInput(),
        description=hint,
    )


_NOT_MONEY = {
    "format": "{what} must be an amount of money, like £45 or £45.50",
    "negative": "{what} must be more than £0",
    "decimals": "{what} must be in pounds and pence, like £45.50",
}


def _check_money(field: Field, what: str) -> None:
    try:
        parse_pence(field.data)
    except NotMoney as refused:
        raise ValidationError(_NOT_MONEY[refused.reason].format(what=what)) from None


def _check_whole(field: Field, what: str) -> None:
    if _whole(field.data) is None:
        raise ValidationError(f"{what} must be a whole number, like 40")


def _reason_field(label: str, missing: str, hint: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        validators=[required(missing), max_length(REASON_LIMIT, label)],
        widget=GovCharacterCount(),
        description=hint,
    )


class _Versioned(OnceOnlyForm):
    # The contract's lock_version when the page was shown: a page older than the contract is
    # refused rather than acted on.
    lock_version = HiddenField()

    def seen(self) -> int | None:
        return whole_number(self.lock_version.data)


class DirectCallOffForm(OnceOnlyForm):
    organisation = SelectField(
        "Provider",
        widget=GovSelect(),
        validators=[required("Select the provider")],
        validate_choice=False,  # the service says what is wrong
    )
    lot = SelectField(
        "Type of service",
        widget=GovSelect(),
        validators=[required("Select the type of service")],
        validate_choice=False,
    )
    ground = RadioField(
        "Ground for a direct call-off",
        choices=_choices(DIRECT_GROUNDS),
        widget=GovRadioInput(),
        validators=[required("Select the ground for a direct call-off")],
        validate_choice=False,
    )
    ground_detail = _reason_field(
        "Why the ground applies",
        "Enter why the ground applies to this call-off",
        "Recorded with the contract. Refer to the child only by the council's reference.",
    )
    team = RadioField(
        "Commissioning team",
        widget=GovRadioInput(),
        validators=[required("Select the commissioning team")],
        validate_choice=False,
    )
    title = text_field("Title", missing="Enter a title", hint="Never a child's name.")
    placement_reference = optional_text_field(
        "Placement reference (optional)",
        limit=30,
        hint="The council's reference for the placement, like SEND-0421.",
    )
    start_on = DateInputField(
        "Start date", what="Start date", validators=[DateRequired("Enter the start date")]
    )
    end_on = DateInputField(
        "End date", what="End date", validators=[DateRequired("Enter the end date")]
    )
    unit = RadioField(
        "How the provider is paid",
        choices=_choices(UNITS),
        widget=GovRadioInput(),
        validators=[required("Select how the provider is paid")],
        validate_choice=False,
    )
    rate = _money_field("Rate", "Enter the rate", "For each unit, or the whole fee.")
    planned_units = _number_field(
        "Planned volume", "Enter the planned volume", "How many units (1 for a fixed fee)."
    )
    held_back_percent = _number_field(
        "Share held back for outcomes",
        "Enter the share held back for outcomes",
        f"A percentage of each payment, from 0 to {MAX_HELD_BACK_PERCENT}, paid when the "
        "agreed outcomes are met.",
    )
    submit = submit("Make and send the contract")

    def with_choices(self, organisations: list[Any], lots: list[Any], teams: list[str]) -> Any:
        self.organisation.choices = [SelectChoice("", "Choose a provider")] + [
            SelectChoice(str(each.id), each.display_name) for each in organisations
        ]
        self.lot.choices = [SelectChoice("", "Choose a type of service")] + [
            SelectChoice(str(each.id), each.name) for each in lots
        ]
        self.team.choices = [SelectChoice(name, name) for name in teams]
        return self

    def validate_rate(self, field: Field) -> None:
        _check_money(field, "Rate")

    def validate_planned_units(self, field: Field) -> None:
        _check_whole(field, "Planned volume")

    def validate_held_back_percent(self, field: Field) -> None:
        _check_whole(field, "Share held back for outcomes")

    def terms(self) -> Terms:
        """The terms typed, once the form is valid (both dates are then given)."""
        assert self.start_on.data is not None and self.end_on.data is not None
        return Terms(
            organisation_id=whole_number(self.organisation.data) or 0,
            lot_id=whole_number(self.lot.data) or 0,
            title=self.title.data or "",
            team=self.team.data or "",
            start_on=self.start_on.data,
            end_on=self.end_on.data,
            unit=self.unit.data or "",
            rate_pence=_pence(self.rate) or 0,
            planned_units=_whole(self.planned_units.data) or 0,
            held_back_percent=_whole(self.held_back_percent.data) or 0,
            placement_reference=self.placement_reference.data or None,
        )


class CompleteForm(_Versioned):
    team = RadioField(
        "Commissioning team",
        widget=GovRadioInput(),
        validators=[required("Select the commissioning team")],
        validate_choice=False,
    )
    end_on = DateInputField(
        "End date", what="End date", validators=[DateRequired("Enter the end date")]
    )
    held_back_percent = _number_field(
        "Share held back for outcomes",
        "Enter the share held back for outcomes",
        f"A percentage of each payment, from 0 to {MAX_HELD_BACK_PERCENT}, paid when the "
        "agreed outcomes are met.",
    )
    placement_reference = optional_text_field(
        "Placement reference (optional)",
        limit=30,
        hint="The council's reference for the placement, like SEND-0421.",
    )
    submit = submit("Send to the provider")

    def with_teams(self, teams: list[str]) -> CompleteForm:
        self.team.choices = [SelectChoice(name, name) for name in teams]
        return self

    def validate_held_back_percent(self, field: Field) -> None:
        _check_whole(field, "Share held back for outcomes")

    def completion(self) -> Completion:
        return Completion(
            team=self.team.data or "",
            end_on=self.end_on.data,
            held_back_percent=_whole(self.held_back_percent.data),
            placement_reference=self.placement_reference.data or None,
        )


class AcceptForm(_Versioned):
    submit = submit("Accept the contract")


class ReasonForm(_Versioned):
    """Recording acceptance on paper, or terminating: a reason and the button."""

    reason = _reason_field("Reason", "Enter a reason")
    submit = submit("Continue")


class VariationForm(_Versioned):
    end_on = DateInputField("New end date", what="New end date")
    planned_units = StringField(
        "New planned volume",
        validators=[max_length(_TYPED_LIMIT, "New planned volume")],
        widget=GovTextInput(),
    )
    rate = StringField(
        "New rate", validators=[max_length(_TYPED_LIMIT, "New rate")], widget=GovTextInput()
    )
    reason = _reason_field(
        "Reason for the variation",
        "Enter the reason for the variation",
        "Recorded with the new version, with you as the person who approved it.",
    )
    submit = submit("Vary the contract")

    def validate_rate(self, field: Field) -> None:
        if field.data:
            _check_money(field, "New rate")

    def validate_planned_units(self, field: Field) -> None:
        if field.data:
            _check_whole(field, "New planned volume")

    def new_end_on(self) -> date | None:
        value: date | None = self.end_on.data
        return value

    def new_planned_units(self) -> int | None:
        return _whole(self.planned_units.data) if self.planned_units.data else None

    def new_rate_pence(self) -> int | None:
        return _pence(self.rate) if self.rate.data else None
