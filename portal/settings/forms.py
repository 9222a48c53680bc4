"""The settings page's form: one field per framework setting, checked by the service."""

from __future__ import annotations

import json

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.core.forms import OnceOnlyForm, submit
from portal.settings.services import (
    NAMED_CODES,
    NUMBER,
    SETTINGS,
    YES_NO,
    FrameworkSettings,
    form_text,
    shown,
)


class SettingsForm(OnceOnlyForm):
    # The values the page showed (services.shown), so that a save from a page opened before
    # another admin's change keeps that change rather than quietly undoing it.
    seen = HiddenField()
    submit = submit("Save settings")

    def fill(self, current: FrameworkSettings) -> None:
        for setting in SETTINGS:
            self[setting.field].data = form_text(setting, current.value(setting))
        self.seen.data = shown(current)

    def refresh(self, current: FrameworkSettings) -> None:
        """After a refused save: each field the admin left as the page showed it takes the
        value now in force (another admin may have changed it), so that saving again never
        undoes a change they did not see; what they typed stays."""
        try:
            before = json.loads(self.seen.data or "")
        except ValueError:
            before = {}
        for setting in SETTINGS:
            typed = (self[setting.field].data or "").replace("\r\n", "\n")
            if not isinstance(before, dict) or typed == before.get(setting.field):
                self[setting.field].data = form_text(setting, current.value(setting))
        self.seen.data = shown(current)

    def values(self) -> dict[str, str | None]:
        return {setting.field: self[setting.field].data for setting in SETTINGS}


def _field(setting):
    if setting.kind == NUMBER:
        return StringField(setting.label, widget=GovTextInput(), description=setting.hint)
    if setting.kind == YES_NO:
        return RadioField(
            setting.label,
            choices=[
                SelectChoice("yes", "On: a second reviewer confirms each approval"),
                SelectChoice("no", "Off: one reviewer's approval takes effect"),
            ],
            widget=GovRadioInput(),
            description=setting.hint,
            validate_choice=False,  # the service says what is wrong, as for every setting
        )
    if setting.kind == NAMED_CODES:
        return TextAreaField(setting.label, widget=GovTextArea(), description=setting.hint)
    return TextAreaField(setting.label, widget=GovCharacterCount(), description=setting.hint)


for _setting in SETTINGS:
    setattr(SettingsForm, _setting.field, _field(_setting))
