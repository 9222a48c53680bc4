"""The forms of the outcome pages: the catalogue (admins), a contract's outcomes (commissioners),
evidence (providers) and the decision (commissioners). The services check the answers; these
carry the fields and their widgets."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.contracts.services.outcomes import DECISIONS, MAX_OUTCOMES, OutcomeRow
from portal.core.forms import BaseForm, DateInputField, OnceOnlyForm, submit, version_seen
from portal.core.numbers import whole_number


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


class VersionedForm(BaseForm):
    """A form about a record that carries the version the page showed (`lock_version`)."""

    lock_version = HiddenField()

    @property
    def seen(self) -> int | None:
        return version_seen(self.lock_version.data)


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
    document_id = RadioField(
        "Evidence from your document library", widget=GovRadioInput(), validate_choice=False
    )
    submit = submit("Send evidence to the council")

    @property
    def document(self) -> int | None:
        return whole_number(self.document_id.data or None)


class DecisionForm(VersionedForm):
    decision = RadioField(
        "Decision",
        choices=[SelectChoice(value, label) for value, label in DECISIONS.items()],
        widget=GovRadioInput(),
        validate_choice=False,
    )
    percent = StringField("How far was it achieved? (%)", widget=GovTextInput())
    reason = TextAreaField("Reason for the decision", widget=GovTextArea())
    submit = submit("Save decision")
