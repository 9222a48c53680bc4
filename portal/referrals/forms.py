"""The referrals domain's forms: recording (or correcting) a referral, and closing one. The
fields read what people type; the service (services/recording.py) judges the values, so each
way a value can be wrong has one message."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovTextInput,
)
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice

from portal.capacity.models import NEEDS
from portal.competitions.models import AGE_BANDS
from portal.core.forms import (
    DateInputField,
    OnceOnlyForm,
    VersionedForm,
    judged_radio_field,
    long_text_field,
    optional_text_field,
    submit,
)
from portal.core.numbers import whole_number
from portal.lots.models import Lot
from portal.referrals.models import URGENCY_LABELS
from portal.referrals.services.recording import (
    REASON_LIMIT,
    REQUESTED_BY_LIMIT,
    SUMMARY_LIMIT,
    Details,
)


def _choices(options: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options.items()]


class ReferralForm(OnceOnlyForm, VersionedForm):
    """A referral's details; its version is the one the edit page showed (empty when recording)."""

    reference = optional_text_field(
        "Reference (optional)",
        limit=30,
        hint="Leave this blank and the portal will make one, like RF-2026-0001, or give the "
        "council's own code, like SEND-0421. Never the child's name or initials.",
    )
    lot = SelectField("Type of service", widget=GovSelect(), validate_choice=False)
    age_band = SelectField(
        "Age band",
        choices=_choices({"": "Choose an age band", **AGE_BANDS}),
        widget=GovSelect(),
        validate_choice=False,
        description="The band the child's age falls in. Never the date of birth.",
    )
    needs = SelectMultipleField(
        "Needs",
        choices=_choices(NEEDS),
        widget=GovCheckboxesInput(),
        validate_choice=False,
        description="Select all that apply.",
    )
    needs_summary = long_text_field(
        "Summary of needs",
        missing=None,
        limit=SUMMARY_LIMIT,
        what="Summary of needs",
        hint="Describe the needs, not the child: no name, date of birth or address.",
    )
    district = StringField(
        "Postcode district",
        widget=GovTextInput(),
        description="The first part of the postcode only, like DY1. Never a full postcode.",
    )
    urgency = judged_radio_field("How urgent is it?", URGENCY_LABELS)
    team = judged_radio_field("Commissioning team")
    requested_by = optional_text_field(
        "Team or school asking for the place",
        limit=REQUESTED_BY_LIMIT,
        hint="Like 'Inclusion team' or the school's name. Never a person's name.",
    )
    received_on = DateInputField("Date received", what="Date received")
    required_start = DateInputField(
        "Place needed from",
        what="Place needed from",
        description="The date the child needs the place to start.",
    )
    submit = submit("Save referral")

    def with_choices(self, lots: list[Lot], teams: list[str]) -> ReferralForm:
        self.lot.choices = [SelectChoice("", "Choose a type of service")] + [
            SelectChoice(str(lot.id), lot.name) for lot in lots
        ]
        self.team.choices = [SelectChoice(name, name) for name in teams]
        return self

    def details(self) -> Details:
        return Details(
            reference=self.reference.data or "",
            lot_id=whole_number(self.lot.data),
            age_band=self.age_band.data or "",
            needs=list(self.needs.data or []),
            needs_summary=self.needs_summary.data or "",
            district=self.district.data or "",
            urgency=self.urgency.data or "",
            team=self.team.data or "",
            requested_by=self.requested_by.data or "",
            required_start=self.required_start.data,
            received_on=self.received_on.data,
        )

    def fill(self, referral: Any) -> None:
        """Start the edit page with the referral's details."""
        self.lock_version.data = str(referral.lock_version)
        self.reference.data = referral.reference
        self.lot.data = str(referral.lot_id)
        self.age_band.data = referral.age_band
        self.needs.data = list(referral.needs)
        self.needs_summary.data = referral.needs_summary
        self.district.data = referral.district
        self.urgency.data = referral.urgency
        self.team.data = referral.team
        self.requested_by.data = referral.requested_by
        self.received_on.data = referral.received_on
        self.required_start.data = referral.required_start


class CloseForm(OnceOnlyForm, VersionedForm):
    reason = long_text_field(
        "Why is the referral being closed?",
        missing=None,
        limit=REASON_LIMIT,
        what="The reason",
        hint="For example, the child's needs are now met at school. No names.",
    )
    submit = submit("Close referral")
