"""The reviewers' forms: a reason for suspending, reinstating or removing a provider."""

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount
from wtforms import HiddenField, TextAreaField

from portal.admissions.services import REASON_MAX_LENGTH
from portal.core.forms import OnceOnlyForm, max_length, required, submit


class MoveForm(OnceOnlyForm):
    # The admission's lock_version when the page was opened: a change from an older page (a
    # colleague acted meanwhile) is refused and says who.
    lock_version = HiddenField()
    reason = TextAreaField(
        "Reason",
        validators=[required("Enter a reason"), max_length(REASON_MAX_LENGTH, "Reason")],
        widget=GovCharacterCount(),
    )
    submit = submit()


def move_form(button: str, hint: str) -> MoveForm:
    """The form with its button and hint worded for the move."""
    form = MoveForm()
    form.submit.label.text = button
    form.reason.description = hint
    return form
