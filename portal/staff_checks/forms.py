from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import RadioField, ValidationError

from portal.core.forms import (
    YES_OR_NO,
    DateInputField,
    OnceOnlyForm,
    button_form,
    judged_radio_field,
    optional_text_field,
    radio_field,
    submit,
    text_field,
)
from portal.staff_checks.models import CHECK_LEVELS, STATUS_CHECK_RESULTS, TRAINING_LEVELS
from portal.staff_checks.services import tidy_certificate_number

NONE = "none"  # the answer "not yet" to an optional set of radios


def _yes_or_no(value: bool) -> str:
    return "yes" if value else "no"


def _yes_no(label: str, message: str, hint: str = "") -> RadioField:
    return radio_field(label, YES_OR_NO, message, hint)


class StaffCheckForm(OnceOnlyForm):
    full_name = text_field("Full name", missing="Enter their full name")
    job_role = text_field(
        "Role", missing="Enter their role", hint="For example, tutor, mentor or driver."
    )
    regulated_activity = _yes_no(
        "Are they in regulated activity with children?",
        "Select whether they are in regulated activity with children",
        "Regulated activity includes teaching, caring for or supervising children regularly "
        "without supervision. It needs an enhanced check with the children's barred list.",
    )
    check_level = radio_field(
        "Level of DBS check",
        {**CHECK_LEVELS, NONE: "They have not had a DBS check yet"},
        "Select the level of their DBS check",
    )
    certificate_number = optional_text_field(
        "Certificate number", limit=20, hint="12 digits, at the top right of the certificate."
    )
    issue_date = DateInputField(
        "Date issued", what="Date issued", description="For example, 27 3 2024"
    )
    update_service = _yes_no(
        "Are they on the DBS Update Service?",
        "Select whether they are on the DBS Update Service",
    )
    status_checked_on = DateInputField(
        "Date of the last status check (optional)",
        what="Date of the last status check",
        description="If they are on the Update Service. For example, 1 9 2026",
    )
    status_check_result = judged_radio_field(
        "Result of the last status check (optional)", STATUS_CHECK_RESULTS
    )
    right_to_work_checked = _yes_no(
        "Have you checked their right to work in the UK?",
        "Select whether you have checked their right to work",
    )
    training_level = radio_field(
        "Safeguarding training",
        {**TRAINING_LEVELS, NONE: "None yet"},
        "Select their level of safeguarding training",
    )
    training_date = DateInputField(
        "Date of their last safeguarding training (optional)",
        what="Date of training",
        description="For example, 12 1 2026",
    )
    references_received = _yes_no(
        "Have you received their references?", "Select whether you have received references"
    )
    submit = submit("Save")

    def validate_status_check_result(self, field) -> None:
        if field.data and field.data not in STATUS_CHECK_RESULTS:
            raise ValidationError("Select the result of the last status check")

    def details(self) -> dict:
        """The record as the service takes it: booleans, None for "not yet" and blanks."""

        def choice(name: str):
            value = self[name].data
            return None if value in (None, "", NONE) else value

        return {
            "full_name": self.full_name.data,
            "job_role": self.job_role.data,
            "regulated_activity": self.regulated_activity.data == "yes",
            "check_level": choice("check_level"),
            "certificate_number": tidy_certificate_number(self.certificate_number.data),
            "issue_date": self.issue_date.data,
            "update_service": self.update_service.data == "yes",
            "status_checked_on": self.status_checked_on.data,
            "status_check_result": choice("status_check_result"),
            "right_to_work_checked": self.right_to_work_checked.data == "yes",
            "training_level": choice("training_level"),
            "training_date": self.training_date.data,
            "references_received": self.references_received.data == "yes",
        }

    @classmethod
    def answers_of(cls, check) -> dict:
        """A stored record as the form's answers (the certificate number is never shown)."""
        return {
            "full_name": check.full_name,
            "job_role": check.job_role,
            "regulated_activity": _yes_or_no(check.regulated_activity),
            "check_level": check.check_level or NONE,
            "issue_date": check.issue_date,
            "update_service": _yes_or_no(check.update_service),
            "status_checked_on": check.status_checked_on,
            "status_check_result": check.status_check_result,
            "right_to_work_checked": _yes_or_no(check.right_to_work_checked),
            "training_level": check.training_level or NONE,
            "training_date": check.training_date,
            "references_received": _yes_or_no(check.references_received),
        }


class FileForm(OnceOnlyForm):
    file = FileField("Upload a file", widget=GovFileInput())
    submit = submit("Upload")

    def validate_file(self, field) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Select a file")


DeleteStaffCheckForm = button_form("Yes, remove them")
