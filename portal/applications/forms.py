"""The forms of the application journey that are not questions: the questions themselves are
read by the questionnaire engine (portal/questionnaires/answers.py)."""

from wtforms.fields.choices import SelectChoice

from portal.core.forms import (
    BaseForm,
    OnceOnlyForm,
    VersionedForm,
    button_form,
    radio_field,
    submit,
)

_SAY_IF_COMPLETED = "Select whether you have completed this section"


StartForm = button_form("Start your application", OnceOnlyForm)


class CompleteSectionForm(BaseForm):
    completed = radio_field(
        "Have you completed this section?",
        [
            SelectChoice("yes", "Yes, I've completed this section"),
            SelectChoice("no", "No, I'll come back to it later"),
        ],
        missing=_SAY_IF_COMPLETED,
    )
    submit = submit("Continue")


class SubmitForm(OnceOnlyForm, VersionedForm):
    """Submitting the application, from the version the page showed: a submit from an older
    page (another tab, a replay) finds it changed and submits nothing."""

    submit = submit("Submit application")


class ConfirmForm(BaseForm):
    """A button that changes something, with nothing to fill in."""


WithdrawForm = button_form("Yes, withdraw my application")
