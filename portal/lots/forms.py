"""The lot pages' forms. The service checks names and descriptions, in one place for adding and
changing; these carry the fields and their widgets."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovTextInput
from wtforms import HiddenField, StringField, TextAreaField

from portal.core.forms import OnceOnlyForm, submit


class LotForm(OnceOnlyForm):
    name = StringField("Name", widget=GovTextInput())
    description = TextAreaField(
        "Description (optional)",
        widget=GovCharacterCount(),
        description="What providers on this lot do. Reviewers and admins see it.",
    )
    submit = submit("Save")


class ConfirmForm(OnceOnlyForm):
    """Closing, reopening or deleting: nothing to fill in but the button."""

    submit = submit()


class MoveForm(OnceOnlyForm):
    direction = HiddenField()
