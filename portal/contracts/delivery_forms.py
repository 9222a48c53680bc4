"""The forms of monthly delivery, statements and finance exports. Counts are read as text and
checked by the service (portal/contracts/services/delivery.py `read_figures`), so every way a
count can be wrong has one message, wherever it was typed."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovTextInput
from wtforms import HiddenField, StringField, TextAreaField

from portal.contracts.models import CANCELLATION_REASONS
from portal.contracts.services.common import REASON_LIMIT
from portal.contracts.services.delivery import NOTES_LIMIT, cancellation_field
from portal.core.forms import BaseForm, OnceOnlyForm, max_length, required, submit

# Longer than any count a person means: the service says what is wrong with one that fits.
_COUNT_LIMIT = 20


def _count(label: str, hint: str = "") -> StringField:
    return StringField(
        label,
        validators=[max_length(_COUNT_LIMIT, label)],
        widget=GovTextInput(),
        description=hint,
    )


class DeliveryForm(OnceOnlyForm):
    # The delivery's lock_version when the page was opened: a save from an older page is refused.
    lock_version = HiddenField()
    units_delivered = _count("Units delivered")
    sessions_offered = _count(
        "Sessions offered", "Every session the child was offered this month, however it went."
    )
    sessions_attended = _count("Sessions attended", "No more than the sessions offered.")
    notes = TextAreaField(
        "Notes (optional)",
        validators=[max_length(NOTES_LIMIT, "Notes")],
        widget=GovCharacterCount(),
        description="Anything the commissioner should know about the month. Never name a child "
        "or give their address or date of birth: the placement's reference is enough.",
    )
    answer = TextAreaField(
        "Your answer to the council's question",
        validators=[max_length(REASON_LIMIT, "Your answer")],
        widget=GovCharacterCount(),
        description="Say what you have corrected, or why the figures are right.",
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
    setattr(DeliveryForm, cancellation_field(_reason), _count(_label))


class QueryForm(OnceOnlyForm):
    lock_version = HiddenField()
    reason = TextAreaField(
        "What is wrong with the statement?",
        validators=[
            required("Enter what is wrong with the statement"),
            max_length(REASON_LIMIT, "Your question"),
        ],
        widget=GovCharacterCount(),
        description="The provider's members will see this and be emailed. They can answer and "
        "correct the month's delivery, which makes the statement again.",
    )
    submit = submit("Send question")


class ApproveForm(BaseForm):
    lock_version = HiddenField()
    submit = submit("Approve statement")


class FinanceExportForm(OnceOnlyForm):
    submit = submit("Export approved statements")
