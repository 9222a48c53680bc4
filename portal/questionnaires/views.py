"""Admin pages for questionnaire versions: the list, a preview, and publishing."""

from __future__ import annotations

from flask import Blueprint, flash, render_template, url_for
from flask_login import current_user

from portal.core.form_posts import handle_post
from portal.core.permissions import requires
from portal.lots.services import list_lots
from portal.questionnaires import answers, forms, services

bp = Blueprint("questionnaires", __name__, url_prefix="/admin/questionnaires")
# Every page that shows questions (here and in the application journey) uses it.
bp.add_app_template_global(answers.answer_text)


@bp.route("")
@requires("manage_questionnaires")
def list_versions():
    return render_template(
        "admin/questionnaires.html",
        versions=services.list_versions(),
    )


@bp.route("/<int:questionnaire_version_id>")
@requires("manage_questionnaires")
def show_version(questionnaire_version_id: int):
    version = services.get_version(questionnaire_version_id)
    return render_template(
        "admin/questionnaires_version.html",
        version=version,
        content=services.content_of(version),
        lot_choices=[(lot.slug, lot.name) for lot in list_lots()],
    )


@bp.route("/<int:questionnaire_version_id>/publish", methods=["GET", "POST"])
@requires("manage_questionnaires")
def publish(questionnaire_version_id: int):
    version = services.get_version(questionnaire_version_id)
    form = forms.PublishForm()

    def publish_or_say_why() -> str | None:
        try:
            services.publish_version(current_user, version.id)
        except services.QuestionnaireError as error:
            # Only a second request can get here: the page offers no button once published.
            flash(error.message)
            return None
        return f"Version {version.version} is published"

    done = handle_post(
        form,
        publish_or_say_why,
        to=url_for("questionnaires.list_versions"),
        message=lambda published: published,
    )
    return done or render_template(
        "admin/questionnaires_publish.html",
        form=form,
        version=version,
        current=services.published_version(),
    )
