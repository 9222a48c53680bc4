"""The capacity forms: what a provider publishes on a lot, and the one-click confirmation. The
fields take what people type; services.read_details judges the values, so every way a value
can be wrong has one message."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice

from portal.capacity.models import NEEDS, OLDEST, YOUNGEST
from portal.capacity.services import NOTES_LIMIT, TypedCapacity
from portal.core.forms import (
    YES_OR_NO,
    OnceOnlyForm,
    VersionedForm,
    button_form,
    judged_radio_field,
    long_text_field,
    optional_text_field,
    submit,
)

# Longer than any number a field takes (the service says the limit), short enough to hold.
_TYPED_LIMIT = 20


def _number(label: str, hint: str = "") -> StringField:
    return optional_text_field(label, limit=_TYPED_LIMIT, hint=hint)


def needs_field(label: str, hint: str = "") -> SelectMultipleField:
    """Checkboxes for the controlled list of needs. A value not on the list is left for the
    service to refuse, in its words."""
    return SelectMultipleField(
        label,
        choices=[SelectChoice(value, text) for value, text in NEEDS.items()],
        widget=GovCheckboxesInput(),
        validate_choice=False,
        description=hint,
    )


class CapacityForm(OnceOnlyForm, VersionedForm):
    places_now = _number("Places now", "How many more children you could take now.")
    places_next_term = _number("Places next term")
    age_from = _number("Youngest age", f"In years, from {YOUNGEST}.")
    age_to = _number("Oldest age", f"In years, up to {OLDEST}.")
    needs = needs_field("Needs you support", "Select all that apply.")
    districts = optional_text_field(
        "Postcode districts you serve",
        limit=1000,
        what="Postcode districts",
        hint="The first part of the postcode, separated by commas, like DY1, DY2, B63.",
    )
    # Judged by the service with the other answers, so every mistake is shown at once.
    travel_support = judged_radio_field("Do you help children travel to you?", YES_OR_NO)
    notes = long_text_field(
        "Notes (optional)",
        missing=None,
        limit=NOTES_LIMIT,
        what="Notes",
        hint="Anything a commissioner should know, like waiting times. Never name a child.",
    )
    submit = submit("Publish capacity")

    def typed(self) -> TypedCapacity:
        return TypedCapacity(
            places_now=self.places_now.data or "",
            places_next_term=self.places_next_term.data or "",
            age_from=self.age_from.data or "",
            age_to=self.age_to.data or "",
            needs=list(self.needs.data or []),
            districts=self.districts.data or "",
            travel_support=self.travel_support.data or "",
            notes=self.notes.data or "",
        )


ConfirmForm = button_form("Confirm it is still right", OnceOnlyForm, VersionedForm)
