"""The reviewers' forms. A decision's per-lot and per-area fields depend on the application, so
the views read those from the request and the service checks them; these carry what is fixed.
And a reason for suspending, reinstating or removing a provider (MoveForm)."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea
from wtforms import SelectField, TextAreaField

from portal.admissions.services import REASON_MAX_LENGTH
from portal.core.forms import BaseForm, OnceOnlyForm, VersionedForm, long_text_field, submit
from portal.reviews.services import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH


class AssignForm(BaseForm):
    assignee = SelectField("Assigned to", choices=[], widget=GovSelect(), validate_choice=False)
    submit = submit("Assign")


class StartReviewForm(BaseForm):
    """Only its CSRF token: starting a review changes the application, so it is a POST."""


class CommentForm(BaseForm):
    comment = TextAreaField(
        "Comment for the provider",
        description=(
            "Say what is missing or needs to change. The provider sees this beside the question "
            f"only if you return the application. Up to {COMMENT_MAX_LENGTH:,} characters; leave "
            "it empty to remove the comment."
        ),
        widget=GovTextArea(),
    )
    submit = submit("Save comment")


class NoteForm(BaseForm):
    note = TextAreaField(
        "Council note",
        description=(
            "For the council only: the provider never sees it. "
            f"Up to {NOTE_MAX_LENGTH:,} characters."
        ),
        widget=GovTextArea(),
    )
    submit = submit("Save note")


class DecisionForm(VersionedForm):
    """A decision, made from the application's version the page showed: one made from an older
    page (another reviewer decided, a replayed POST) is refused."""


class MoveForm(OnceOnlyForm, VersionedForm):
    """A reason to move an admission, from the version the page showed: a change from an older
    page (a colleague acted meanwhile) is refused and says who."""

    reason = long_text_field(
        "Reason", missing="Enter a reason", limit=REASON_MAX_LENGTH, what="Reason"
    )
    submit = submit()


def move_form(button: str, hint: str) -> MoveForm:
    """The form with its button and hint worded for the move."""
    form = MoveForm()
    form.submit.label.text = button
    form.reason.description = hint
    return form
