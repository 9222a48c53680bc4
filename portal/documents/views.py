"""The document library: upload, list, details, replace, delete, download; and the reviewers'
list of documents needing attention."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from portal.admissions import services as admissions
from portal.applications import submitting
from portal.core.form_posts import handle_post
from portal.core.pagination import page_number
from portal.core.permissions import (
    requires,
    requires_org_member_or_staff,
    requires_org_role,
    requires_sign_in,
)
from portal.core.time import today
from portal.core.urls import local_route
from portal.documents import files, forms, services, uploads
from portal.documents.attention import documents_needing_attention
from portal.documents.attention_rows import attention_rows
from portal.documents.library_rows import library_rows
from portal.documents.models import KINDS
from portal.documents.uploads import upload_form
from portal.organisations.choosing import into_own_organisation

bp = Blueprint("documents", __name__, url_prefix="/documents")
uploads.show_size_error_on_the_form(bp)
bp.add_app_template_global(library_rows, "library_rows")
bp.add_app_template_global(attention_rows, "attention_rows")


def _show_url(document) -> str:
    return url_for(
        "documents.show", organisation_id=document.organisation_id, document_id=document.id
    )


@bp.route("")
@requires_sign_in
def index():
    """Council staff start from what needs attention; a provider from their library."""
    return into_own_organisation(
        "documents.library",
        staff_to="documents.attention",
        heading="Documents",
        lead="Choose the organisation whose documents you want to see.",
    )


@bp.route("/attention")
@requires("see_documents_needing_attention")
def attention():
    return render_template(
        "documents/attention.html",
        page=documents_needing_attention(today(), page_number(request.args.get("page"))),
    )


@bp.route("/organisations/<int:organisation_id>")
@requires_org_member_or_staff
def library(organisation):
    on = today()
    documents = services.library_of(organisation)
    return render_template(
        "documents/library.html",
        organisation=organisation,
        documents=documents,
        today=on,
        # Said only to an organisation on the framework: an applicant is not asked to quote yet.
        call_off_problems=(
            services.library_call_off_problems(organisation, documents, on)
            if admissions.is_on_framework(organisation)
            else []
        ),
    )


@bp.route("/organisations/<int:organisation_id>/upload", methods=["GET", "POST"])
@requires_org_role()
def upload(organisation):
    kind = request.args.get("kind")
    if kind not in KINDS:
        return _choose_kind_page(organisation)
    form = upload_form(forms.DocumentForm).for_kind(kind)
    question, details = _question_from(organisation, kind)
    # Asked once: what the application already says about this document starts the form.
    filled = form.fill_in(details) if request.method == "GET" else []
    done = not uploads.upload_was_too_large() and handle_post(
        form,
        lambda: services.upload_document(
            current_user, organisation, form.details(kind), form.file.data
        ),
        to=lambda document: (
            _question_url(question, document=document.current.id)
            if question
            else _show_url(document)
        ),
        message=lambda document: (
            f"‘{document.title}’ has been uploaded" + (" and chosen below" if question else "")
        ),
        field="file",
    )
    return done or render_template(
        "documents/upload.html",
        form=form,
        organisation=organisation,
        kind=kind,
        kind_label=KINDS[kind],
        question_url=_question_url(question) if question else None,
        filled=filled,
        # The form posts back to an address that keeps where the upload started.
        came_from={"return_to": request.args["return_to"], "question": question["question"]}
        if question
        else {},
    )


def _choose_kind_page(organisation):
    """Which kind of document: asked first, with an error if the address named no such kind."""
    kind_form = forms.KindForm(formdata=request.args if "kind" in request.args else None)
    if "kind" in request.args:
        kind_form.validate()
    return render_template("documents/choose_kind.html", form=kind_form, organisation=organisation)


def _question_from(organisation, kind: str) -> tuple[dict | None, dict]:
    """The application question page the upload was started from (`return_to`, `question`),
    when it is one of the organisation's own that asks for this kind: after the upload the
    provider goes back to it with the new document chosen. Anything else is ignored, so the
    parameter cannot send anyone to another site or another organisation's application.
    Also the document details the application's answers fill in."""
    route = local_route(request.args.get("return_to"), "applications.question")
    if route is None:
        return None, {}
    started_from = submitting.evidence_question_for_upload(
        organisation,
        route["application_id"],
        route["section"],
        route["page"],
        request.args.get("question", ""),
        kind,
    )
    if started_from is None:
        return None, {}
    return {**route, "question": started_from.question.id}, started_from.details


def _question_url(question: dict, **args) -> str:
    route = {k: v for k, v in question.items() if k != "question"}
    return url_for("applications.question", **route, **args, _anchor=question["question"])


@bp.route("/organisations/<int:organisation_id>/<int:document_id>")
@requires_org_member_or_staff
def show(organisation, document_id: int):
    document = services.get_document(organisation, document_id)
    return render_template(
        "documents/show.html",
        organisation=organisation,
        document=document,
        today=today(),
        can_delete=not services.is_used_by_submission(document),
    )


@bp.route("/organisations/<int:organisation_id>/<int:document_id>/replace", methods=["GET", "POST"])
@requires_org_role()
def replace(organisation, document_id: int):
    document = services.get_document(organisation, document_id)
    form = upload_form(forms.DocumentForm).for_kind(document.kind, replacing=True)
    done = not uploads.upload_was_too_large() and handle_post(
        form,
        lambda: services.replace_document(
            current_user, document, form.details(document.kind), form.file.data
        ),
        to=_show_url(document),
        message=lambda version: f"Version {version.number} of ‘{document.title}’ has been uploaded",
        field="file",
    )
    return done or render_template(
        "documents/replace.html", form=form, organisation=organisation, document=document
    )


@bp.route("/organisations/<int:organisation_id>/<int:document_id>/delete", methods=["GET", "POST"])
@requires_org_role()
def delete(organisation, document_id: int):
    document = services.get_document(organisation, document_id)
    form = forms.DeleteDocumentForm()
    done = handle_post(
        form,
        lambda: services.delete_document(current_user, document),
        to=url_for("documents.library", organisation_id=organisation.id),
        message=f"‘{document.title}’ has been deleted",
        field="submit",
    )
    return done or render_template(
        "documents/delete.html",
        form=form,
        organisation=organisation,
        document=document,
        can_delete=not services.is_used_by_submission(document),
    )


@bp.route(
    "/organisations/<int:organisation_id>/<int:document_id>/versions/<int:version_id>/download"
)
@requires_org_member_or_staff
def download(organisation, document_id: int, version_id: int):
    """Members and council staff only: a redirect to a link that works for a minute."""
    document = services.get_document(organisation, document_id)
    version = services.get_version(document, version_id)
    return files.redirect_to_download(
        lambda: files.download_url(
            current_user, version.file, object_type="document", object_id=document.id
        )
    )
