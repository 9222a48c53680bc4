"""Admin pages for questionnaire versions: the list, a preview, and publishing."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.models import ADMIN
from portal.core.permissions import requires_staff_role
from portal.core.submissions import previous_result, remember_result
from portal.documents import uploads
from portal.lots.services import list_lots
from portal.questionnaires import answers, forms, services
from portal.questionnaires.schema import ContentError

bp = Blueprint("questionnaires", __name__, url_prefix="/admin/questionnaires")
# Every page that shows questions (here and in the application journey) uses it.
bp.add_app_template_global(answers.answer_text)
uploads.show_size_error_on_the_form(bp)


@bp.route("")
@requires_staff_role(ADMIN)
def list_versions():
    return render_template(
        "admin/questionnaires.html",
        versions=services.list_versions(),
    )


@bp.route("/upload", methods=["GET", "POST"])
@requires_staff_role(ADMIN)
def upload():
    if uploads.upload_was_too_large():
        form = forms.UploadForm(formdata=None)
        form.add_error("file", "The selected file must be smaller than 1MB")
    else:
        uploads.read_upload()
        form = forms.UploadForm()
    problems = []
    if not uploads.upload_was_too_large() and form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            version = services.upload_version(current_user, form.file.data)
        except services.QuestionnaireError as error:
            form.add_error("file", error.message)
        except ContentError as error:
            problems = error.problems
            form.add_error("file", _problems_message(len(problems)))
        else:
            url = url_for("questionnaires.show_version", questionnaire_version_id=version.id)
            remember_result(form.submission_id.data, url)
            flash(
                f"Version {version.version} has been loaded as a draft. "
                "Check its questions, then publish it",
                "success",
            )
            return redirect(url)
    return render_template("admin/questionnaires_upload.html", form=form, problems=problems)


def _problems_message(count: int) -> str:
    found = "a problem" if count == 1 else f"{count} problems"
    return f"The selected file has {found}. Nothing has been saved"


@bp.route("/<int:questionnaire_version_id>")
@requires_staff_role(ADMIN)
def show_version(questionnaire_version_id: int):
    version = services.get_version(questionnaire_version_id)
    return render_template(
        "admin/questionnaires_version.html",
        version=version,
        content=services.content_of(version),
        # As new applicants see it: closed lots are not offered.
        lot_choices=[(lot.slug, lot.name) for lot in list_lots() if lot.is_active],
    )


@bp.route("/<int:questionnaire_version_id>/publish", methods=["GET", "POST"])
@requires_staff_role(ADMIN)
def publish(questionnaire_version_id: int):
    version = services.get_version(questionnaire_version_id)
    form = forms.PublishForm()
    if form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            services.publish_version(current_user, version.id)
        except services.QuestionnaireError as error:
            # Only a second request can get here: the page offers no button once published.
            flash(error.message)
        else:
            flash(f"Version {version.version} is published", "success")
        url = url_for("questionnaires.list_versions")
        remember_result(form.submission_id.data, url)
        return redirect(url)
    return render_template(
        "admin/questionnaires_publish.html",
        form=form,
        version=version,
        current=services.published_version(),
    )
