"""The provider's application: start, task list, question pages, check answers, declaration
and submit, then the read-only status page, copies of what was submitted, and withdrawing."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.admissions import services as admissions
from portal.applications import forms, services, submitted_html, submitting
from portal.applications.progress import STATUS_LABELS, NotOnRoute
from portal.core.form_posts import handle_post
from portal.core.forms import version_seen
from portal.core.permissions import requires_org_role, requires_provider
from portal.core.submissions import previous_result, remember_result
from portal.core.time import today
from portal.questionnaires import answers as engine_answers
from portal.questionnaires import routing
from portal.reviews import services as reviews

bp = Blueprint("applications", __name__, url_prefix="/applications")
bp.add_app_template_global(STATUS_LABELS, "section_status_labels")
bp.add_app_template_global(engine_answers.can_add_item, "can_add_item")
# The review page shows submitted answers too (templates/reviews/show.html).
bp.add_app_template_global(submitted_html.submitted_answer, "submitted_answer")

ITEM_PATH = "/<int:application_id>/<slug:section>/<slug:page>/<slug:group>"
# Where a Change link on a check answers page returns to, once the page is saved.
RETURNS = ("section", "application")


def requires_application_member(view):
    """A member (any role) of the organisation that owns the application in the route. The
    application is loaded by services.get_application_for, which gives 404 for anyone else's,
    and passed to the view as `application`; as on every provider page, council staff get 403
    and visitors who are not signed in are sent to sign in."""

    @wraps(view)
    def load(*args, application_id: int, **kwargs):
        application = services.get_application_for(current_user, application_id)
        return view(*args, application=application, **kwargs)

    guarded = requires_provider(load)
    guarded.access = "organisation_member"  # read by the route-audit test
    return guarded


@bp.errorhandler(services.NotEditable)
@bp.errorhandler(services.ApplicationChanged)
@bp.errorhandler(services.NotWithdrawable)
def refused(error: services.ApplicationError):
    flash(error.message)
    return redirect(url_for(".show", application_id=request.view_args["application_id"]))


@bp.errorhandler(NotOnRoute)
def not_on_route(_error: NotOnRoute):
    return redirect(url_for(".show", application_id=request.view_args["application_id"]))


# Starting ------------------------------------------------------------------------------------


@bp.route("/start/<int:organisation_id>", methods=["GET", "POST"])
@requires_org_role()
def start(organisation):
    current = services.current_application_of(organisation)
    if current is not None and current.is_open:
        return redirect(url_for(".show", application_id=current.id))
    form = forms.StartForm()
    done = handle_post(
        form,
        lambda: services.start_application(current_user, organisation),
        to=lambda application: url_for(".show", application_id=application.id),
        field="submit",
    )
    return done or render_template(
        "applications/start.html",
        form=form,
        organisation=organisation,
        previous=current,
        content=services.published_content(),
    )


# The task list, or the status once submitted -------------------------------------------------


@bp.route("/<int:application_id>")
@requires_application_member
def show(application):
    if not application.is_editable:
        return render_template(
            "applications/status.html",
            application=application,
            copy=services.submitted_copy(application),
            can_withdraw=submitting.can_withdraw(application),
            decision=reviews.provider_decision(application),
        )
    progress = services.progress_of(application)
    return render_template(
        "applications/task_list.html",
        application=application,
        progress=progress,
        newer=services.newer_version(progress),
        returned=reviews.provider_decision(application),
        comments=_commented_pages(progress, reviews.shared_comments(application)),
    )


def _commented_pages(progress, comments) -> list[tuple]:
    """(question, comment, link to its page) for each comment the council returned, in the
    order of the questionnaire."""
    found = []
    for section in progress.content.sections:
        for page in section.pages:
            for question in page.questions:
                if question.id in comments:
                    found.append(
                        (question, comments[question.id], _page_url(progress, section, page))
                    )
    return found


# Question pages ------------------------------------------------------------------------------


@bp.route("/<int:application_id>/<slug:section>/<slug:page>", methods=["GET", "POST"])
@requires_application_member
def question(application, section: str, page: str):
    services.check_editable(application)
    progress = services.progress_of(application)
    section, page = progress.page_on_route(section, page)
    came_from = _came_from()
    has_lots = any(q.type == "lots" for q in page.questions)
    lots = services.lot_options(progress.lots) if has_lots else None
    evidence = submitting.evidence_options(application, page)
    if request.method == "GET":
        return _saved_question_page(progress, section, page, lots, evidence, came_from)
    outcome = services.save_page(
        current_user,
        progress,
        section,
        page,
        request.form,
        version_seen(request.form.get("section_version")),
        [slug for slug, _name in lots.choices] if lots else [],
        {kind: [version.id for version in versions] for kind, versions in evidence.items()},
    )
    progress = progress.refreshed()
    result = outcome.result
    action = request.form.get("action", "continue")
    group = next((q for q in page.questions if action == f"add-{q.id}"), None)
    errors = {k: e for k, e in result.errors.items() if not (group and k == group.id)}
    if outcome.saved and not errors:
        if group is not None:
            return redirect(_item_url("add_item", progress, section, page, group, came_from))
        if action == "later":
            flash("Your answers have been saved. You can come back to them at any time.")
            return redirect(url_for(".show", application_id=application.id))
        return redirect(_next_url(progress, section, page, came_from))
    return _question_page(
        progress, section, page, result.values, errors, lots, evidence, outcome.conflict, came_from
    )


def _saved_question_page(progress, section, page, lots, evidence, came_from):
    """The page with the answers as saved, and a document the upload journey chose."""
    shown = progress.questions_to_show(section, page)
    values = submitting.choose_uploaded(
        progress.form_values(shown), shown, evidence, request.args.get("document", type=int)
    )
    # A document chosen here that can no longer be used is flagged beside the question.
    stale = {s.error.field: s.error for s in submitting.stale_evidence(progress, today(), page)}
    return _question_page(
        progress, section, page, values, stale, lots, evidence, came_from=came_from
    )


def _came_from() -> str | None:
    """The check answers page ("section" or "application") a Change link came from."""
    came_from = request.args.get("from")
    return came_from if came_from in RETURNS else None


def _question_page(
    progress, section, page, values, errors, lots, evidence, conflict=None, came_from=None
):
    return render_template(
        "applications/question.html",
        application=progress.application,
        progress=progress,
        section=section,
        page=page,
        questions=progress.questions_to_show(section, page),
        values=values,
        errors=errors,
        error_list=[{"text": e.message, "href": f"#{e.field}"} for e in errors.values()],
        lots=lots,
        evidence=evidence,
        conflict=conflict,
        section_version=conflict.version if conflict else progress.version_of(section),
        back_url=_back_url(progress, section, page, came_from),
        came_from=came_from,
        comments=reviews.shared_comments(progress.application),
        # The lots the organisation is on already, said on the page that asks for lots.
        held=admissions.standing_of(progress.application.organisation).on if lots else [],
    )


def _page_url(progress, section, page, came_from=None) -> str:
    return change_url(progress.application, section, page, came_from)


def change_url(application, section, page, came_from=None) -> str:
    """A Change link on a check answers page (`came_from` "section" or "application"): once
    the page is saved, it leads back there."""
    return url_for(
        ".question",
        application_id=application.id,
        section=section.id,
        page=page.id,
        **({"from": came_from} if came_from else {}),
    )


bp.add_app_template_global(change_url, "change_url")


def _check_url(progress, section, came_from) -> str:
    if came_from == "application":
        return url_for(".check_application", application_id=progress.application.id)
    return url_for(".check_section", application_id=progress.application.id, section=section.id)


def _next_url(progress, section, page, came_from) -> str:
    """After a page is saved: the next page of the section, then its check answers page. From
    a check answers page, straight back there unless the answer opened a page still to do."""
    if came_from:
        unfinished = progress.unfinished_page(section, after=page)
        if unfinished is not None:
            return _page_url(progress, section, unfinished, came_from)
        return _check_url(progress, section, came_from)
    following = progress.next_page(section, page)
    if following is not None:
        return _page_url(progress, section, following)
    return _check_url(progress, section, None)


def _back_url(progress, section, page, came_from) -> str:
    if came_from:
        return _check_url(progress, section, came_from)
    preceding = progress.previous_page(section, page)
    if preceding is not None:
        return _page_url(progress, section, preceding)
    return url_for(".show", application_id=progress.application.id)


# Repeating groups ----------------------------------------------------------------------------


def _item_url(endpoint, progress, section, page, group, came_from=None, **values) -> str:
    return url_for(
        f".{endpoint}",
        application_id=progress.application.id,
        section=section.id,
        page=page.id,
        group=group.id,
        **values,
        **({"from": came_from} if came_from else {}),
    )


@bp.route(f"{ITEM_PATH}/add", methods=["GET", "POST"])
@requires_application_member
def add_item(application, section: str, page: str, group: str):
    return _item_page(application, section, page, group, None)


@bp.route(f"{ITEM_PATH}/<int:item>", methods=["GET", "POST"])
@requires_application_member
def change_item(application, section: str, page: str, group: str, item: int):
    return _item_page(application, section, page, group, item)


def _item_page(application, section_id: str, page_id: str, group_id: str, number: int | None):
    services.check_editable(application)
    progress = services.progress_of(application)
    section, page, group = progress.group_on_route(section_id, page_id, group_id, number)
    came_from = _came_from()
    group_url = _page_url(progress, section, page, came_from)
    items = progress.answers.get(group.id) or []
    if number is None and not engine_answers.can_add_item(group, items):
        flash(engine_answers.check_items(group, [*items, {}]))
        return redirect(group_url)
    conflict = None
    if request.method == "POST":
        seen = version_seen(request.form.get("section_version"))
        outcome = services.save_item(
            current_user, progress, section, group, number, request.form, seen
        )
        if outcome.full:
            flash(engine_answers.check_items(group, [*items, {}]))
            return redirect(group_url)
        if outcome.saved:
            return redirect(group_url)
        progress = progress.refreshed()
        values, errors, conflict = outcome.result.values, outcome.result.errors, outcome.conflict
    else:
        stored = items[number - 1] if number else {}
        values, errors = engine_answers.form_values(group.questions, stored), {}
    return render_template(
        "applications/item.html",
        application=application,
        section=section,
        page=page,
        group=group,
        number=number,
        values=values,
        errors=errors,
        error_list=[{"text": e.message, "href": f"#{e.field}"} for e in errors.values()],
        conflict=conflict,
        section_version=conflict.version if conflict else progress.version_of(section),
        back_url=group_url,
    )


@bp.route(f"{ITEM_PATH}/<int:item>/remove", methods=["GET", "POST"])
@requires_application_member
def remove_item(application, section: str, page: str, group: str, item: int):
    services.check_editable(application)
    progress = services.progress_of(application)
    section, page, group = progress.group_on_route(section, page, group, item)
    came_from = _came_from()
    group_url = _page_url(progress, section, page, came_from)
    form = forms.ConfirmForm()
    conflict = None
    if form.validate_on_submit():
        seen = version_seen(request.form.get("section_version"))
        conflict = services.remove_item(current_user, progress, section, group, item, seen)
        if conflict is None:
            flash(f"{group.item_label.capitalize()} {item} has been removed", "success")
            return redirect(group_url)
        progress = progress.refreshed()
        if not progress.item_exists(group, item):
            flash("Someone else changed this section since you opened it. Check it again.")
            return redirect(group_url)
    return render_template(
        "applications/remove_item.html",
        form=form,
        application=application,
        group=group,
        number=item,
        item=progress.answers[group.id][item - 1],
        conflict=conflict,
        section_version=progress.version_of(section),
        back_url=group_url,
    )


# Check answers -------------------------------------------------------------------------------


@bp.route("/<int:application_id>/<slug:section>/check-answers", methods=["GET", "POST"])
@requires_application_member
def check_section(application, section: str):
    services.check_editable(application)
    progress = services.progress_of(application)
    section = progress.section_on_task_list(section)
    row = progress.rows.get(section.id)
    form = forms.CompleteSectionForm(data={"completed": "yes" if row and row.completed else None})
    completed = form.completed.data == "yes"
    done = handle_post(
        form,
        lambda: services.mark_section(current_user, progress, section, completed),
        to=url_for(".show", application_id=application.id),
        message=f"You have completed the section: {section.title}" if completed else None,
        field="completed",
        refused=services.SectionNotFinished,
    )
    return done or render_template(
        "applications/check_section.html",
        form=form,
        application=application,
        progress=progress,
        section=section,
        unfinished=progress.unfinished_page(section),
        lot_names=services.lot_options().names,
    )


@bp.route("/<int:application_id>/check-answers")
@requires_application_member
def check_application(application):
    services.check_editable(application)
    return render_template(
        "applications/check_application.html",
        application=application,
        progress=services.progress_of(application),
        lot_names=services.lot_options().names,
    )


# Declaration and submit ----------------------------------------------------------------------


@bp.route("/<int:application_id>/submit", methods=["GET", "POST"])
@requires_application_member
def submit(application):
    form = forms.SubmitForm()
    if form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        outcome = submitting.submit_application(current_user, application, request.form, form.seen)
        if outcome.submission is not None:
            url = url_for(".confirmation", application_id=application.id)
            remember_result(form.submission_id.data, url)
            return redirect(url)
        values, errors, incomplete, stale = (
            outcome.result.values,
            outcome.result.errors,
            outcome.incomplete,
            outcome.stale_evidence,
        )
        progress = services.progress_of(application)
    else:
        services.check_editable(application)
        progress = services.progress_of(application)
        form.lock_version.data = str(application.lock_version)
        values, errors, stale = progress.declaration_values(), {}, []
        incomplete = progress.incomplete_sections
    return _submit_page(form, application, progress, values, errors, incomplete, stale)


def _submit_page(form, application, progress, values, errors, incomplete, stale):
    """The declaration page, with what stops the application being submitted: sections to
    complete, evidence no longer in date, and the declaration's own errors."""
    section, page = progress.declaration_page
    error_list = (
        [
            {"text": f"Complete the section: {s.title}", "href": _section_url(progress, s)}
            for s in incomplete
        ]
        + [
            {
                "text": s.error.message,
                "href": f"{_page_url(progress, s.section, s.page)}#{s.error.field}",
            }
            for s in stale
        ]
        + [{"text": e.message, "href": f"#{e.field}"} for e in errors.values()]
    )
    return render_template(
        "applications/submit.html",
        form=form,
        application=application,
        progress=progress,
        page=page,
        questions=page.questions,
        values=values,
        errors=errors,
        error_list=error_list,
        lot_names=services.lot_options().names,
    )


def _section_url(progress, section) -> str:
    """Where a section's row on the task list leads: its first page when it has not been
    started, the page to carry on from while in progress, else its check answers page."""
    status = progress.status_of(section)
    page = None
    if status == routing.NOT_STARTED:
        page = progress.first_page(section)
    elif status == routing.IN_PROGRESS:
        page = progress.unfinished_page(section)
    if page is not None:
        return _page_url(progress, section, page)
    return url_for(".check_section", application_id=progress.application.id, section=section.id)


bp.add_app_template_global(_section_url, "application_section_url")


@bp.route("/<int:application_id>/confirmation")
@requires_application_member
def confirmation(application):
    if application.is_editable or application.reference is None:
        return redirect(url_for(".show", application_id=application.id))
    return render_template("applications/confirmation.html", application=application)


# After submission ----------------------------------------------------------------------------


@bp.route("/<int:application_id>/submitted-answers")
@requires_application_member
def submitted_answers(application):
    return render_template(
        "applications/submitted_answers.html",
        application=application,
        copy=_submitted_copy(application),
    )


@bp.route("/<int:application_id>/submitted-answers/download")
@requires_application_member
def download(application):
    copy = _submitted_copy(application)
    html = render_template("applications/download.html", copy=copy)
    return (
        html,
        200,
        {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{copy.reference}.html"',
        },
    )


def _submitted_copy(application):
    """The copy of what the organisation submitted; until there is one, the answer is the
    application's own page (a redirect, raised)."""
    copy = services.submitted_copy(application)
    if copy is None:
        abort(redirect(url_for(".show", application_id=application.id)))
    return copy


@bp.route("/<int:application_id>/withdraw", methods=["GET", "POST"])
@requires_application_member
def withdraw(application):
    submitting.check_can_withdraw(application)
    form = forms.WithdrawForm()
    show = url_for(".show", application_id=application.id)
    done = handle_post(
        form,
        lambda: submitting.withdraw_application(current_user, application),
        to=show,
        message="Your application has been withdrawn",
        refused_to=show,  # as `refused` above: told on the application's page
    )
    return done or render_template("applications/withdraw.html", form=form, application=application)


@bp.route("/<int:application_id>/move-to-new-version", methods=["POST"])
@requires_application_member
def move_to_new_version(application):
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        newer = services.move_to_newer_version(current_user, services.progress_of(application))
        if newer is not None:
            flash(
                f"Your application now uses version {newer.version.version} of the "
                "questionnaire. Answer the new and changed questions.",
                "success",
            )
    return redirect(url_for(".show", application_id=application.id))
