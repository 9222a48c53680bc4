"""The framework settings page, for admins."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from portal.core.form_posts import handle_post
from portal.core.permissions import requires
from portal.settings import forms, services

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")
bp.add_app_template_global(services.framework_settings)


@bp.route("", methods=["GET", "POST"])
@requires("manage_settings")
def edit():
    form = forms.SettingsForm()
    current = services.framework_settings()
    if not form.is_submitted():
        form.fill(current)

    def save() -> list[services.Setting]:
        try:
            return services.update_settings(current_user, form.values(), form.seen.data)
        except services.SettingsErrors:
            form.refresh(services.framework_settings())
            raise

    done = handle_post(
        form,
        save,
        to=url_for("settings.edit"),
        message=_saved_message,
        refused=services.SettingsErrors,
    )
    return done or render_template(
        "settings/edit.html",
        form=form,
        settings=services.SETTINGS,
        defaults=services.defaults(),
    )


def _saved_message(changed: list[services.Setting]) -> str:
    if not changed:
        return "The settings have been saved. Nothing was changed"
    names = ", ".join(setting.label.removesuffix(" (optional)").lower() for setting in changed)
    return f"The settings have been saved. Changed: {names}"
