"""The framework settings page, for admins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.core.permissions import requires
from portal.core.submissions import previous_result, remember_result
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
    if form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            changed = services.update_settings(current_user, form.values(), form.seen.data)
        except services.SettingsErrors as error:
            for field, message in error.errors.items():
                form.add_error(field, message)
            form.refresh(services.framework_settings())
        else:
            url = url_for("settings.edit")
            remember_result(form.submission_id.data, url)
            flash(_saved_message(changed), "success")
            return redirect(url)
    return render_template(
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
