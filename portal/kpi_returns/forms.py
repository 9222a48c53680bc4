"""The forms of KPI returns: a month's values (built for the KPIs of that month), a CSV file,
the council's question and the provider's answer, locking a month, an escalation's actions and
closing. (A KPI definition's form is the admin's: portal/admin/forms.py.)"""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from portal.core.forms import (
    YES_OR_NO,
    BaseForm,
    DateInputField,
    OnceOnlyForm,
    VersionedForm,
    judged_radio_field,
    long_text_field,
    max_length,
    radio_field,
    submit,
)
from portal.kpi_returns import escalations, services
from portal.kpi_returns.models import ACTION_LABELS, YES_NO, KpiVersion
from portal.kpi_returns.services import COMMENT_MAX_LENGTH, REASON_MAX_LENGTH
from portal.kpi_returns.values import format_value

PREFIXES = {"pounds": "£"}
SUFFIXES = {"percentage": "%", "days": "days"}


class ReturnFormBase(OnceOnlyForm, VersionedForm):
    """A return's page, saved from the version it showed (an older page is refused)."""

    def value_field(self, definition: KpiVersion):
        return self[f"value_{definition.kpi_id}"]

    def comment_field(self, definition: KpiVersion):
        return self[f"comment_{definition.kpi_id}"]

    def values(self, definitions: list[KpiVersion]) -> tuple[dict[int, str], dict[int, str]]:
        return (
            {d.kpi_id: self.value_field(d).data or "" for d in definitions},
            {d.kpi_id: self.comment_field(d).data or "" for d in definitions},
        )


def _hint(definition: KpiVersion) -> str:
    parts = [definition.description] if definition.description else []
    if definition.target is not None:
        parts.append(f"Target: {format_value(definition.target, definition.unit)}.")
    return " ".join(parts)


def return_form(definitions: list[KpiVersion], *, amend: bool = False) -> ReturnFormBase:
    """A form with a value and a comment box for each KPI of the month; for an amendment, a
    reason too."""

    class ReturnForm(ReturnFormBase):
        pass

    for definition in definitions:
        label = definition.name + ("" if definition.is_required else " (optional)")
        if definition.unit == YES_NO:
            field = judged_radio_field(label, YES_OR_NO, _hint(definition))
        else:
            field = StringField(label, widget=GovTextInput(), description=_hint(definition))
        setattr(ReturnForm, f"value_{definition.kpi_id}", field)
        setattr(
            ReturnForm,
            f"comment_{definition.kpi_id}",
            TextAreaField(
                f"Comment on {definition.name[0].lower()}{definition.name[1:]} (optional)",
                validators=[max_length(COMMENT_MAX_LENGTH, "Comment")],
                widget=GovTextArea(),
                description="Anything the council should know, like “two children moved out "
                "of area”. Never name a child.",
            ),
        )
    if amend:
        ReturnForm.reason = long_text_field(
            "Why are you amending the return?",
            missing="Enter the reason for the amendment",
            limit=REASON_MAX_LENGTH,
            what="Reason",
            hint="The council will see this beside the amended figures.",
        )
        ReturnForm.submit = submit("Submit amendment")
    else:
        ReturnForm.save = submit("Save as draft")
        ReturnForm.submit = submit("Submit return")
    return ReturnForm()


def _kpi_field(label: str) -> SelectField:
    """Which KPI a question or an escalation is about, by id (0: the whole return); the page
    gives the choices and the service checks the one chosen."""
    return SelectField(label, coerce=int, widget=GovSelect(), validate_choice=False)


class UploadForm(OnceOnlyForm):
    file = FileField("Upload the CSV file", widget=GovFileInput())
    submit = submit("Upload")

    def validate_file(self, field) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Select a file")


class QueryForm(OnceOnlyForm):
    kpi_id = _kpi_field("Which figure is your question about?")
    question = long_text_field(
        "Your question",
        missing="Enter your question",
        limit=services.QUESTION_MAX_LENGTH,
        what="Question",
        hint="The provider's members will see this and be emailed.",
    )
    submit = submit("Send question")


class EscalateForm(OnceOnlyForm):
    kpi_id = _kpi_field("What is it about?")
    reason = long_text_field(
        "Why are you opening an escalation?",
        missing="Enter why you are opening an escalation",
        limit=escalations.TEXT_MAX_LENGTH,
        what="Reason",
        hint="The provider's members will see this and be emailed, and so will the "
        "council's reviewers and commissioners.",
    )
    submit = submit("Open escalation")


class AnswerForm(OnceOnlyForm, VersionedForm):
    answer = long_text_field(
        "Your answer",
        missing="Enter your answer",
        limit=services.QUESTION_MAX_LENGTH,
        what="Answer",
    )
    submit = submit("Send answer")


class LockMonthForm(BaseForm):
    month = SelectField("Month", widget=GovSelect(), validate_choice=False)
    submit = submit("Lock month")


class ActionForm(OnceOnlyForm, VersionedForm):
    kind = radio_field(
        "What are you recording?",
        ACTION_LABELS,
        missing="Select what you are recording",
    )
    on_date = DateInputField(
        "Date",
        what="Date",
        description="The date of the meeting, or when the plan or outcome was agreed. "
        "For example, 27 3 2027",
    )
    details = long_text_field(
        "Details", missing="Enter the details", limit=escalations.TEXT_MAX_LENGTH, what="Details"
    )
    submit = submit("Save")


class CloseForm(OnceOnlyForm, VersionedForm):
    reason = long_text_field(
        "Why are you closing the escalation?",
        missing="Enter the reason for closing the escalation",
        limit=escalations.TEXT_MAX_LENGTH,
        what="Reason",
    )
    submit = submit("Close escalation")
