"""The reviewers' side of applications: the queue, the review page, comments, the private note
and decisions (return, approve per lot, reject), each decision checked on a page of its own
before it is made. Providers get 404 here, as if the pages did not exist; commissioners 403."""

from __future__ import annotations

from functools import wraps

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.applications.services import latest_submission
from portal.core.form_posts import handle_button, handle_post
from portal.core.numbers import whole_number
from portal.core.pagination import page_number
from portal.core.permissions import requires
from portal.lots.services import list_lots
from portal.reviews import decisions, forms, services
from portal.reviews import queue as review_queue
from portal.reviews.views.answer_rows import answer_sections
from portal.reviews.views.queue_rows import queue_rows
from portal.reviews.views.shared import bp

reviewers_only = requires("review_applications")


def with_application(view):
    """Load the submitted application in the route (404 for a draft or none) and pass it as
    `application`."""

    @wraps(view)
    def load(*args, application_id: int, **kwargs):
        return view(*args, application=services.get_application(application_id), **kwargs)

    return load


@bp.errorhandler(services.AlreadyDecided)
def already_decided(error: services.AlreadyDecided):
    flash(error.message)
    assert request.view_args is not None  # raised by one of this blueprint's routes
    return redirect(url_for(".show", application_id=request.view_args["application_id"]))


# The queue -----------------------------------------------------------------------------------


@bp.route("")
@reviewers_only
def queue():
    args = request.args
    filters = review_queue.QueueFilters(
        status=args.get("status") or None,
        lot=args.get("lot") or None,
        flag=args.get("flag") or None,
        assignee=args.get("assignee") or None,
        newest_first=args.get("sort") == "newest",
        page=page_number(args.get("page")),
    )
    lots, reviewers = list_lots(), services.reviewer_names()
    page = review_queue.queue(filters, lots, reviewers)
    return render_template(
        "reviews/queue.html",
        page=page,
        rows=queue_rows(page.items, services.FLAG_LABELS),
        service_level_days=services.service_level_days(),
        filters=filters,
        lots=lots,
        reviewers=reviewers,
        flag_labels=services.FLAG_LABELS,
    )


# The review page -----------------------------------------------------------------------------


@bp.route("/<int:application_id>")
@reviewers_only
@with_application
def show(application):
    review = services.find_review(application)
    submission = latest_submission(application)
    assign_form = forms.AssignForm(assignee=review.assigned_to_id or "")
    assign_form.assignee.choices = [("", "Nobody")] + [
        (str(user.id), user.full_name) for user in services.reviewer_names()
    ]
    copy = services.submitted_copy(submission)
    evidence = services.evidence_of(application, copy)
    flagged, changed = (
        services.flagged_answers(submission, copy, evidence),
        services.changed_answers(submission),
    )
    return render_template(
        "reviews/show.html",
        application=application,
        review=review,
        copy=copy,
        flagged=flagged,
        submission=submission,
        answer_sections=answer_sections(
            application,
            copy,
            flagged=flagged,
            comments=services.comments_on(submission),
            earlier_comments=services.earlier_comments(submission),
            changed=changed,
            evidence=evidence,
        ),
        changed=changed,
        decisions=decisions.decisions_of(application),
        assign_form=assign_form,
        start_form=forms.StartReviewForm(),
        decision_form=forms.DecisionForm(lock_version=application.lock_version),
        can_confirm=decisions.can_confirm(current_user, review),
        four_eyes=decisions.four_eyes(),
    )


@bp.route("/<int:application_id>/start", methods=["POST"])
@reviewers_only
@with_application
def start(application):
    if forms.StartReviewForm().validate_on_submit():
        services.start_review(current_user, application)
    return redirect(url_for(".show", application_id=application.id))


@bp.route("/<int:application_id>/assign", methods=["POST"])
@reviewers_only
@with_application
def assign(application):
    form = forms.AssignForm()
    return handle_button(
        lambda: services.assign(current_user, application, whole_number(form.assignee.data)),
        url_for(".show", application_id=application.id),
        message="Assignment saved",
        form=form,
    )


@bp.route("/<int:application_id>/questions/<slug:question>/comment", methods=["GET", "POST"])
@reviewers_only
@with_application
def comment(application, question: str):
    target = services.comment_target(application, question)
    form = forms.CommentForm(comment=target.comment.body if target.comment else "")
    done = handle_post(
        form,
        lambda: services.save_comment(current_user, application, target, form.comment.data),
        to=url_for(".show", application_id=application.id, _anchor=f"question-{question}"),
        message=lambda saved: "Comment saved" if saved else "Comment removed",
    )
    return done or render_template(
        "reviews/comment.html",
        application=application,
        form=form,
        question=target.question,
        answer=target.answer,
        copy=target.copy,
    )


@bp.route("/<int:application_id>/note", methods=["GET", "POST"])
@reviewers_only
@with_application
def note(application):
    review = services.find_review(application)
    form = forms.NoteForm(note=review.private_note)
    done = handle_post(
        form,
        lambda: services.save_note(current_user, application, form.note.data),
        to=url_for(".show", application_id=application.id),
        message="Note saved",
    )
    return done or render_template("reviews/note.html", application=application, form=form)


# Decisions -----------------------------------------------------------------------------------
# Each decision page posts to itself twice: first to check what was entered (the page then asks
# the reviewer to confirm it, with everything carried in hidden fields), then with confirm=yes
# to make it. The service checks it again then: nothing on the confirmation page is trusted.


def _decision(application, kind: str, check, make, **page):
    """The decision page `kind`: `check` reads what was posted (raising DecisionErrors),
    `make` makes the decision; `page` is what that page alone shows."""
    services.check_in_review(application)
    form = forms.DecisionForm(lock_version=application.lock_version)
    errors: dict[str, str] = {}
    checked = None
    if form.validate_on_submit():
        seen = form.seen
        try:
            # "Change" on the confirmation page posts the values back to the form unchecked.
            checked = None if request.form.get("edit") == "yes" else check()
            if checked is not None and request.form.get("confirm") == "yes":
                message = make(seen)
                flash(message, "success")
                return redirect(url_for(".show", application_id=application.id))
        except services.DecisionErrors as refused:
            errors, checked = refused.errors, None
    return render_template(
        f"reviews/{kind}.html",
        application=application,
        form=form,
        errors=errors,
        values=request.form,
        checked=checked,
        four_eyes=decisions.four_eyes(),
        **page,
    )


@bp.route("/<int:application_id>/return", methods=["GET", "POST"])
@reviewers_only
@with_application
def return_application(application):
    reason = request.form.get("reason")

    def make(seen):
        decisions.return_application(current_user, application, reason, seen)
        return "Application returned to the provider. Everyone in the organisation has been emailed"

    return _decision(application, "return", lambda: decisions.check_return(reason), make)


def _outcomes() -> list[decisions.LotOutcome]:
    outcomes = []
    for key, value in request.form.items():
        if key.startswith("lot-") and not key.endswith("-reason"):
            slug = key.removeprefix("lot-")
            admitted = {"admit": True, "refuse": False}.get(value)
            outcomes.append(
                decisions.LotOutcome(slug, admitted, request.form.get(f"lot-{slug}-reason", ""))
            )
    return outcomes


@bp.route("/<int:application_id>/approve", methods=["GET", "POST"])
@reviewers_only
@with_application
def approve(application):
    outcomes, reason = _outcomes(), request.form.get("reason")

    def make(seen):
        decision = decisions.approve(current_user, application, outcomes, reason, seen)
        if decision is None:
            return "Approval recommended. A second reviewer must now confirm it"
        return "Application approved. Everyone in the organisation has been emailed"

    return _decision(
        application,
        "approve",
        lambda: decisions.check_approval(application, outcomes, reason),
        make,
        lots=decisions.applied_lots(application),
    )


@bp.route("/<int:application_id>/reject", methods=["GET", "POST"])
@reviewers_only
@with_application
def reject(application):
    area_reasons = {
        key.removeprefix("area-"): value
        for key, value in request.form.items()
        if key.startswith("area-")
    }
    reason = request.form.get("reason")

    def make(seen):
        decisions.reject(current_user, application, area_reasons, reason, seen)
        return "Application rejected. Everyone in the organisation has been emailed"

    return _decision(
        application,
        "reject",
        lambda: decisions.check_rejection(application, area_reasons, reason),
        make,
        areas=decisions.rejection_areas(application),
    )


@bp.route("/<int:application_id>/confirm-approval", methods=["POST"])
@reviewers_only
@with_application
def confirm_approval(application):
    form = forms.DecisionForm()
    return handle_button(
        lambda: decisions.confirm_approval(current_user, application, form.seen),
        url_for(".show", application_id=application.id),
        message="Approval confirmed. Everyone in the organisation has been emailed",
        form=form,
    )
