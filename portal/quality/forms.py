"""The forms of visits and action plans: planning a visit, an action for a finding, publishing
findings, the provider's answer to an action and the council's decision on it. The recording
page's fields depend on the checklist: `record_form` makes its form for one.
Fields read what people type; the services judge the values."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovTextArea
from wtforms import SelectMultipleField, TextAreaField

from portal.core.forms import (
    DateInputField,
    OnceOnlyForm,
    VersionedForm,
    button_form,
    judged_radio_field,
    long_text_field,
    optional_text_field,
    submit,
)
from portal.core.numbers import whole_number
from portal.quality.models import ANNOUNCED, GRADE_LABELS, GRADES, ON_SITE, REMOTE, UNANNOUNCED
from portal.quality.services.actions import DETAIL_LIMIT, REASON_LIMIT, RESPONSE_LIMIT
from portal.quality.services.visits import SITES_LIMIT, SUMMARY_LIMIT

NOTICE_OPTIONS = {
    ANNOUNCED: "Announced: the provider is told of the visit now",
    UNANNOUNCED: "Unannounced: the provider hears of it when the findings are published",
}
MODE_OPTIONS = {ON_SITE: "On site", REMOTE: "Remote (by video call and shared documents)"}


def _lot_id(value: object) -> int | None:
    # Choices are the lots' ids; what is posted is text, and anything but an id is None.
    return value if isinstance(value, int) else whole_number(str(value))


class PlanVisitForm(OnceOnlyForm):
    notice = judged_radio_field("Will the provider be told before the visit?", NOTICE_OPTIONS)
    mode = judged_radio_field("How will the visit be made?", MODE_OPTIONS)
    lot_ids = SelectMultipleField(
        "Types of service the visit looks at",
        coerce=_lot_id,
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    sites = long_text_field(
        "Sites to visit (optional)",
        missing=None,
        limit=SITES_LIMIT,
        what="Sites",
        hint="One address a line. Leave empty for a remote visit.",
    )
    planned_on = DateInputField(
        "Date of the visit", what="Date of the visit", description="For example, 27 3 2027"
    )
    submit = submit("Plan visit")


class FindingActionForm(OnceOnlyForm):
    item_id = judged_radio_field("Checklist item the action answers")
    title = optional_text_field("What must be done", limit=200)
    owner = optional_text_field(
        "Who at the provider will do it", limit=120, hint="A name or a role, like Head of centre"
    )
    due_on = DateInputField(
        "Due by", what="The date it is due by", description="For example, 27 3 2027"
    )
    detail = long_text_field(
        "More detail (optional)", missing=None, limit=DETAIL_LIMIT, what="The detail"
    )
    submit = submit("Add action")


class RecordVisitForm(VersionedForm):
    """The fixed part of the recording page; `record_form` adds a grade and notes per item."""

    visited_on = DateInputField(
        "Date the visit took place",
        what="The date the visit took place",
        description="For example, 27 3 2027",
    )
    summary = long_text_field(
        "Summary for the provider",
        missing=None,
        limit=SUMMARY_LIMIT,
        what="The summary",
        hint="What went well and what must improve, in plain English. The provider reads this "
        "when the findings are published.",
    )
    submit = submit("Save the visit's record")

    def grades(self, item_ids: Iterable[str]) -> dict[str, str | None]:
        return {item_id: self[f"grade_{item_id}"].data for item_id in item_ids}

    def notes(self, item_ids: Iterable[str]) -> dict[str, str | None]:
        return {item_id: self[f"notes_{item_id}"].data for item_id in item_ids}


def record_form(item_ids: Iterable[str], **kwargs: Any) -> RecordVisitForm:
    """The recording form for a checklist with `item_ids`: a grade (`grade_<id>`) and evidence
    notes (`notes_<id>`) per item. The service checks every grade, in its own words."""
    fields: dict[str, Any] = {}
    for item_id in item_ids:
        fields[f"grade_{item_id}"] = judged_radio_field(
            "Grade", {grade: GRADE_LABELS[grade] for grade in GRADES}
        )
        fields[f"notes_{item_id}"] = TextAreaField(
            "Evidence notes (optional)", widget=GovTextArea()
        )
    form_class = type("ChecklistRecordForm", (RecordVisitForm,), fields)
    form: RecordVisitForm = form_class(**kwargs)
    return form


PublishForm = button_form("Publish findings to the provider", VersionedForm)


class RespondForm(VersionedForm):
    response = long_text_field(
        "What you have done",
        missing=None,
        limit=RESPONSE_LIMIT,
        what="What you have done",
        hint="Say what has changed and how the evidence shows it. Refer to children only by "
        "the council's reference.",
    )
    # The service says what is wrong with a choice not offered (another organisation's id).
    document_id = judged_radio_field("Evidence from your document library (optional)")
    submit = submit("Mark as done")

    @property
    def document(self) -> int | None:
        return whole_number(self.document_id.data or None)


AcceptForm = button_form("Accept and close the action", VersionedForm)


class ReopenForm(VersionedForm):
    reason = long_text_field(
        "Why is the action reopened?",
        missing=None,
        limit=REASON_LIMIT,
        what="The reason",
        hint="The provider reads this.",
    )
    submit = submit("Reopen action")
