"""Questionnaire versions, for admins (/admin/questionnaires): the list, a preview, and
publishing. The rules are in portal/questionnaires/services.py."""

from __future__ import annotations

from flask import flash, render_template, url_for
from flask_login import current_user

from portal.admin import forms
from portal.admin.views.shared import bp
from portal.core.form_posts import handle_post
from portal.core.permissions import requires
from portal.documents import uploads
from portal.documents.uploads import upload_form
from portal.lots.services import list_lots
from portal.questionnaires import answers
from portal.questionnaires import services as questionnaires
from portal.questionnaires.schema import ContentError

# Every page that shows questions (here and in the application journey) uses it.
bp.add_app_template_global(answers.answer_text)
uploads.show_size_error_on_the_form(bp)


@bp.route("/questionnaires")
@requires("manage_questionnaires")
def list_versions():
    return render_template(
        "admin/questionnaires.html",
        versions=questionnaires.list_versions(),
    )


@bp.route("/questionnaires/upload", methods=["GET", "POST"])
@requires("manage_questionnaires")
def upload():
    form = upload_form(forms.UploadForm, "The selected file must be smaller than 1MB")
    problems: list = []

    def load():
        try:
            return questionnaires.upload_version(current_user, form.file.data)
        except ContentError as error:
            # Listed on the page; the file field says how many.
            problems.extend(error.problems)
            raise questionnaires.QuestionnaireError(_problems_message(len(problems))) from error

    done = not uploads.upload_was_too_large() and handle_post(
        form,
        load,
        to=lambda version: url_for("admin.show_version", questionnaire_version_id=version.id),
        message=lambda version: (
            f"Version {version.version} has been loaded as a draft. "
            "Check its questions, then publish it"
        ),
        field="file",
    )
    return done or render_template("admin/questionnaires_upload.html", form=form, problems=problems)


def _problems_message(count: int) -> str:
    found = "a problem" if count == 1 else f"{count} problems"
    return f"The selected file has {found}. Nothing has been saved"


@bp.route("/questionnaires/<int:questionnaire_version_id>")
@requires("manage_questionnaires")
def show_version(questionnaire_version_id: int):
    version = questionnaires.get_version(questionnaire_version_id)
    return render_template(
        "admin/questionnaires_version.html",
        version=version,
        content=questionnaires.content_of(version),
        # As new applicants see it: closed lots are not offered.
        lot_choices=[(lot.slug, lot.name) for lot in list_lots() if lot.is_active],
    )


@bp.route("/questionnaires/<int:questionnaire_version_id>/publish", methods=["GET", "POST"])
@requires("manage_questionnaires")
def publish(questionnaire_version_id: int):
    version = questionnaires.get_version(questionnaire_version_id)
    form = forms.PublishForm()

    def publish_or_say_why() -> str | None:
        try:
            questionnaires.publish_version(current_user, version.id)
        except questionnaires.QuestionnaireError as error:
            # Only a second request can get here: the page offers no button once published.
            flash(error.message)
            return None
        return f"Version {version.version} is published"

    done = handle_post(
        form,
        publish_or_say_why,
        to=url_for("admin.list_versions"),
        message=_said,
    )
    return done or render_template(
        "admin/questionnaires_publish.html",
        form=form,
        version=version,
        current=questionnaires.published_version(),
    )


def _said(published: str | None) -> str:
    """The success banner, when there is one to show (a refusal was flashed instead)."""
    return published or ""
