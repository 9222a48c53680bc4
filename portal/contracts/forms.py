"""The contracts domain's forms: a direct call-off, completing a draft made from an award, a
variation, acceptance (by the provider, or on paper) and termination; monthly delivery,
statements and finance exports; the outcome catalogue, a contract's outcomes, evidence and the
decision. Fields read what people type (money through core.money, whole numbers through
core.numbers, counts as text checked by services/delivery.py `read_figures`); the services
judge the values, so every way a value can be wrong has one message wherever it was typed."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from portal.contracts.models import (
    CANCELLATION_REASONS,
    DIRECT_GROUNDS,
    MAX_HELD_BACK_PERCENT,
    UNITS,
)
from portal.contracts.services.common import REASON_LIMIT, Terms
from portal.contracts.services.delivery import NOTES_LIMIT, cancellation_field
from portal.contracts.services.making import Completion
from portal.contracts.services.outcomes import DECISIONS, MAX_OUTCOMES, OutcomeRow
from portal.core.forms import (
    DateInputField,
    DateRequired,
    OnceOnlyForm,
    VersionedForm,
    button_form,
    judged_radio_field,
    long_text_field,
    optional_text_field,
    radio_field,
    required,
    submit,
    text_field,
)
from portal.core.money import NotMoney, parse_pence
from portal.core.numbers import whole_number

# Larger than any term a service allows (it says the limit), small enough to hold.
_TYPED_LIMIT = 20


def _team_field() -> RadioField:
    # The teams are the COMMISSIONING_TEAMS setting's, set when the page is made.
    return radio_field(
        "Commissioning team", [], "Select the commissioning team", validate_choice=False
    )


def _pence(field: Field) -> int | None:
    try:
        return parse_pence(field.data)
    except NotMoney:
        return None


def _whole(text: str | None) -> int | None:
    """A whole number in ASCII digits, up to the length a field takes (the service says how large
    it may be). The length is checked first: Python refuses to read thousands of digits."""
    if not text or len(text) > _TYPED_LIMIT or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def _figure(label: str, missing: str | None = None, hint: str = "") -> StringField:
    """An amount or a count as typed, checked by the form or the service; `missing` is the
    error when it is left out (None: it may be)."""
    if missing:
        return text_field(label, missing=missing, limit=_TYPED_LIMIT, hint=hint)
    return optional_text_field(label, limit=_TYPED_LIMIT, hint=hint)


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
    return long_text_field(label, missing=missing, limit=REASON_LIMIT, what=label, hint=hint)


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
    ground = radio_field(
        "Ground for a direct call-off",
        DIRECT_GROUNDS,
        "Select the ground for a direct call-off",
        validate_choice=False,
    )
    ground_detail = _reason_field(
        "Why the ground applies",
        "Enter why the ground applies to this call-off",
        "Recorded with the contract. Refer to the child only by the council's reference.",
    )
    team = _team_field()
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
    unit = radio_field(
        "How the provider is paid", UNITS, "Select how the provider is paid", validate_choice=False
    )
    rate = _figure("Rate", "Enter the rate", "For each unit, or the whole fee.")
    planned_units = _figure(
        "Planned volume", "Enter the planned volume", "How many units (1 for a fixed fee)."
    )
    held_back_percent = _figure(
        "Share held back for outcomes",
        "Enter the share held back for outcomes",
        f"A percentage of each payment, from 0 to {MAX_HELD_BACK_PERCENT}, paid when the "
        "agreed outcomes are met.",
    )
    submit = submit("Make and send the contract")

    def prefill(self, args: Any) -> None:
        """Start with what the address gives (a referral's page links here so): its type of
        service, team, title, placement reference and start date, where they parse."""
        try:
            start_on: date | None = date.fromisoformat(args.get("start_on") or "")
        except ValueError:
            start_on = None
        self.fill_in(
            {name: args.get(name) for name in ("lot", "team", "title", "placement_reference")}
            | {"start_on": start_on}
        )

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


class CompleteForm(OnceOnlyForm, VersionedForm):
    team = _team_field()
    end_on = DateInputField(
        "End date", what="End date", validators=[DateRequired("Enter the end date")]
    )
    held_back_percent = _figure(
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


AcceptForm = button_form("Accept the contract", OnceOnlyForm, VersionedForm)


class ReasonForm(OnceOnlyForm, VersionedForm):
    """Recording acceptance on paper, or terminating: a reason and the button."""

    reason = _reason_field("Reason", "Enter a reason")
    submit = submit("Continue")


class VariationForm(OnceOnlyForm, VersionedForm):
    end_on = DateInputField("New end date", what="New end date")
    planned_units = _figure("New planned volume")
    rate = _figure("New rate")
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


# Monthly delivery, statements and finance exports ------------------------------------------------


class DeliveryForm(OnceOnlyForm, VersionedForm):
    """A delivery record, saved from the version the page showed (an older page is refused)."""

    units_delivered = _figure("Units delivered")
    sessions_offered = _figure(
        "Sessions offered",
        hint="Every session the child was offered this month, however it went.",
    )
    sessions_attended = _figure("Sessions attended", hint="No more than the sessions offered.")
    notes = long_text_field(
        "Notes (optional)",
        missing=None,
        limit=NOTES_LIMIT,
        what="Notes",
        hint="Anything the commissioner should know about the month. Never name a child "
        "or give their address or date of birth: the placement's reference is enough.",
    )
    answer = long_text_field(
        "Your answer to the council's question",
        missing=None,
        limit=REASON_LIMIT,
        what="Your answer",
        hint="Say what you have corrected, or why the figures are right.",
    )
    save = submit("Save as draft")
    submit = submit("Submit delivery")

    def cancellation(self, reason: str) -> StringField:
        field: StringField = self[cancellation_field(reason)]
        return field

    def typed(self) -> dict[str, str | None]:
        """What was typed in each box, by the service's names for them."""
        names = [
            "units_delivered",
            "sessions_offered",
            "sessions_attended",
            "notes",
            *(cancellation_field(reason) for reason in CANCELLATION_REASONS),
        ]
        return {name: self[name].data for name in names}


for _reason, _label in CANCELLATION_REASONS.items():
    setattr(DeliveryForm, cancellation_field(_reason), _figure(_label))


class QueryForm(OnceOnlyForm, VersionedForm):
    reason = long_text_field(
        "What is wrong with the statement?",
        missing="Enter what is wrong with the statement",
        limit=REASON_LIMIT,
        what="Your question",
        hint="The provider's members will see this and be emailed. They can answer and "
        "correct the month's delivery, which makes the statement again.",
    )
    submit = submit("Send question")


ApproveForm = button_form("Approve statement", VersionedForm)
FinanceExportForm = button_form("Export approved statements", OnceOnlyForm)


# Outcomes -----------------------------------------------------------------------------------------


class DefinitionForm(OnceOnlyForm):
    title = StringField("Outcome", widget=GovTextInput())
    description = TextAreaField(
        "Description (optional)",
        widget=GovCharacterCount(),
        description="What the outcome means and how it is measured, for commissioners and "
        "providers.",
    )
    submit = submit("Save")


class ConfirmForm(OnceOnlyForm):
    """Retiring or reinstating an outcome, or moving it: nothing to fill in but the button."""

    direction = HiddenField()
    submit = submit()


class OutcomesForm(VersionedForm):
    """The contract's outcomes: MAX_OUTCOMES rows, each of outcome, baseline, target, review
    date and share (fields `definition_1` ... `share_5`), any of them left empty."""

    submit = submit("Save outcomes")

    def set_choices(self, choices: list[tuple[str, str]]) -> None:
        offered = [SelectChoice("", "No outcome")] + [SelectChoice(*c) for c in choices]
        for n in range(1, MAX_OUTCOMES + 1):
            self[f"definition_{n}"].choices = offered

    def fill(self, rows: list[dict[str, Any]]) -> None:
        for n, row in enumerate(rows, start=1):
            for name, value in row.items():
                self[f"{name}_{n}"].data = value

    def rows(self) -> list[OutcomeRow]:
        return [
            OutcomeRow(
                number=n,
                definition_id=whole_number(self[f"definition_{n}"].data or None),
                baseline=self[f"baseline_{n}"].data or "",
                target=self[f"target_{n}"].data or "",
                review_on=self[f"review_on_{n}"].data,
                share=self[f"share_{n}"].data or "",
            )
            for n in range(1, MAX_OUTCOMES + 1)
        ]


for _n in range(1, MAX_OUTCOMES + 1):
    # Chosen from the lot's catalogue; the service checks the choice (validate_choice off, so
    # a choice no longer offered is told in the service's words).
    setattr(
        OutcomesForm,
        f"definition_{_n}",
        SelectField(f"Outcome {_n}", widget=GovSelect(), validate_choice=False),
    )
    setattr(OutcomesForm, f"baseline_{_n}", StringField("Baseline", widget=GovTextInput()))
    setattr(OutcomesForm, f"target_{_n}", StringField("Target", widget=GovTextInput()))
    setattr(
        OutcomesForm,
        f"review_on_{_n}",
        DateInputField("Review date", what="Review date", description="For example, 27 3 2027"),
    )
    setattr(
        OutcomesForm,
        f"share_{_n}",
        StringField("Share of the money held back (%)", widget=GovTextInput()),
    )


class EvidenceForm(VersionedForm):
    progress = TextAreaField(
        "Progress towards the outcome",
        widget=GovTextArea(),
        description="What has changed since the baseline, and how the evidence shows it. Refer "
        "to the child only by the council's reference.",
    )
    # The service says what is wrong with a choice not offered (another organisation's id).
    document_id = judged_radio_field("Evidence from your document library")
    submit = submit("Send evidence to the council")

    @property
    def document(self) -> int | None:
        return whole_number(self.document_id.data or None)


class DecisionForm(VersionedForm):
    decision = judged_radio_field("Decision", DECISIONS)
    percent = StringField("How far was it achieved? (%)", widget=GovTextInput())
    reason = TextAreaField("Reason for the decision", widget=GovTextArea())
    submit = submit("Save decision")
