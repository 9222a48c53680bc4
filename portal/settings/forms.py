"""The settings page's form: one field per framework setting, checked by the service."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovTextInput
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.core.forms import OnceOnlyForm, submit
from portal.settings.services import NUMBER, SETTINGS, YES_NO, FrameworkSettings


class SettingsForm(OnceOnlyForm):
    # The settings the page showed (services.settings_token): a save from a page opened before
    # another admin's change is refused rather than quietly undoing it.
    seen = HiddenField()
    submit = submit("Save settings")

    def fill(self, current: FrameworkSettings, token: str) -> None:
        for setting in SETTINGS:
            value = current.value(setting)
            if setting.kind == YES_NO:
                value = "yes" if value else "no"
            self[setting.field].data = str(value)
        self.seen.data = token

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
    return TextAreaField(setting.label, widget=GovCharacterCount(), description=setting.hint)


for _setting in SETTINGS:
    setattr(SettingsForm, _setting.field, _field(_setting))
