"""An action's page for both sides (what must be done, by whom and when, what was said on it),
the provider's answer that marks it done, and the council's decision: accept (closed) or
reopen, saying why."""

from __future__ import annotations

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.core.form_posts import handle_button, handle_post
from portal.core.permissions import requires, requires_provider, requires_sign_in
from portal.core.time import today
from portal.quality import forms
from portal.quality.models import ACTION_STATUS_LABELS, Action
from portal.quality.services import actions
from portal.quality.views.shared import bp

assure = requires("assure_quality")


def show_url(action: Action) -> str:
    return url_for("quality.show_action", action_id=action.id)


@bp.route("/actions/<int:action_id>")
@requires_sign_in
def show_action(action_id: int) -> ResponseReturnValue:
    action = actions.action_for(current_user, action_id)
    notes = actions.notes_of(action)
    accept_form = forms.AcceptForm()
    accept_form.lock_version.data = str(action.lock_version)
    return render_template(
        "quality/action.html",
        action=action,
        notes=notes,
        documents=actions.documents_of_notes(action, notes),
        overdue=actions.is_overdue(action, today()),
        on=today(),
        accept_form=accept_form,
        status_labels=ACTION_STATUS_LABELS,
    )


@bp.route("/actions/<int:action_id>/respond", methods=["GET", "POST"])
@requires_provider
def respond_to_action(action_id: int) -> ResponseReturnValue:
    action = actions.action_for(current_user, action_id)
    choices = actions.evidence_choices(action)
    form = forms.RespondForm()
    form.document_id.choices = [SelectChoice("", "No document")] + [
        SelectChoice(str(document.id), document.title) for document in choices
    ]
    if not form.is_submitted():
        form.lock_version.data = str(action.lock_version)
        form.document_id.data = ""
    done = handle_post(
        form,
        lambda: actions.respond_to_action(
            current_user,
            action,
            response=form.response.data,
            document_id=form.document,
            seen=form.seen,
        ),
        to=show_url(action),
        message="You have marked the action as done. The council will check it",
    )
    return done or render_template(
        "quality/respond.html", form=form, action=action, has_documents=bool(choices)
    )


@bp.route("/actions/<int:action_id>/accept", methods=["POST"])
@assure
def accept_action(action_id: int) -> ResponseReturnValue:
    action = actions.action_for(current_user, action_id)
    form = forms.AcceptForm()
    return handle_button(
        lambda: actions.accept_action(current_user, action, form.seen),
        to=show_url(action),
        message="The action has been accepted and closed",
        form=form,
    )


@bp.route("/actions/<int:action_id>/reopen", methods=["GET", "POST"])
@assure
def reopen_action(action_id: int) -> ResponseReturnValue:
    action = actions.action_for(current_user, action_id)
    form = forms.ReopenForm()
    form.show_version(action)
    done = handle_post(
        form,
        lambda: actions.reopen_action(current_user, action, form.reason.data, form.seen),
        to=show_url(action),
        message="The action has been reopened. The provider has been told why",
    )
    return done or render_template("quality/reopen.html", form=form, action=action)
