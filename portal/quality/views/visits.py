"""A visit's pages: planning (choose the provider, then the visit's details), the visit itself
(both sides; a provider only once its findings are published), recording it against the
checklist, adding the actions its findings call for, and publishing them."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.core.form_posts import handle_button, handle_post
from portal.core.numbers import whole_number
from portal.core.permissions import requires, requires_sign_in
from portal.core.time import today
from portal.quality import forms
from portal.quality.models import GRADE_LABELS, JUDGEMENT_LABELS, Visit
from portal.quality.services import checklists, judgement, visits
from portal.quality.views.shared import bp

assure = requires("assure_quality")


def show_url(visit: Visit) -> str:
    return url_for("quality.show_visit", visit_id=visit.id)


@bp.route("/visits/new")
@assure
def choose_provider() -> ResponseReturnValue:
    """Step one of planning: which provider (a GET form, so the choice is in the address)."""
    chosen = whole_number(request.args.get("organisation_id"))
    providers = visits.providers_to_visit()
    if chosen is not None and any(p.id == chosen for p in providers):
        return redirect(url_for("quality.plan_visit", organisation_id=chosen))
    error = "Select the provider to visit" if "organisation_id" in request.args else None
    return render_template("quality/choose_provider.html", providers=providers, error=error)


@bp.route("/providers/<int:organisation_id>/visits/new", methods=["GET", "POST"])
@assure
def plan_visit(organisation_id: int) -> ResponseReturnValue:
    organisation = visits.provider_to_visit(organisation_id)
    lots = visits.admitted_lots(organisation)
    form = forms.PlanVisitForm()
    form.lot_ids.choices = [SelectChoice(lot.id, lot.name) for lot in lots]
    done = handle_post(
        form,
        lambda: visits.plan_visit(
            current_user,
            organisation,
            notice=form.notice.data,
            mode=form.mode.data,
            lot_ids=[lot_id for lot_id in form.lot_ids.data or [] if lot_id is not None],
            sites=form.sites.data,
            planned_on=form.planned_on.data,
        ),
        to=show_url,
        message=lambda visit: f"The visit to {organisation.display_name} has been planned",
    )
    return done or render_template("quality/plan_visit.html", form=form, organisation=organisation)


@bp.route("/visits/<int:visit_id>")
@requires_sign_in
def show_visit(visit_id: int) -> ResponseReturnValue:
    visit = visits.visit_for(current_user, visit_id)
    publish_form = forms.PublishForm()
    publish_form.lock_version.data = str(visit.lock_version)
    return render_template(
        "quality/visit.html",
        visit=visit,
        checklist=checklists.checklist_of(visit.checklist),
        grades=visits.grades_of(visit),
        actions=visits.actions_of(visit),
        needing_action=visits.items_needing_action(visit),
        lots=visits.lot_names(visit),
        publish_form=publish_form,
        on=today(),
        **_labels(),
    )


@bp.route("/visits/<int:visit_id>/record", methods=["GET", "POST"])
@assure
def record_visit(visit_id: int) -> ResponseReturnValue:
    visit = visits.visit_for(current_user, visit_id)
    checklist = checklists.checklist_of(visit.checklist)
    items = list(checklist.items)
    form = forms.record_form(items)
    if not form.is_submitted():
        _fill_in(form, visit)
    done = handle_post(
        form,
        lambda: visits.record_visit(
            current_user,
            visit,
            visits.Recording(
                visited_on=form.visited_on.data,
                summary=form.summary.data,
                grades=form.grades(items),
                notes=form.notes(items),
            ),
            form.seen,
        ),
        to=show_url(visit),
        message=lambda recorded: (
            "The visit has been recorded. Its judgement is "
            f"{JUDGEMENT_LABELS[recorded.judgement or ''].lower()}"
        ),
    )
    return done or render_template(
        "quality/record_visit.html", form=form, visit=visit, checklist=checklist, **_labels()
    )


def _fill_in(form: forms.RecordVisitForm, visit: Visit) -> None:
    """Start the page with what was recorded before, if anything, and the visit's version."""
    form.lock_version.data = str(visit.lock_version)
    form.visited_on.data = visit.visited_on
    form.summary.data = visit.summary
    for item_id, grade in visits.grades_of(visit).items():
        if f"grade_{item_id}" in form:
            form[f"grade_{item_id}"].data = grade.grade
            form[f"notes_{item_id}"].data = grade.notes


def _labels() -> dict[str, object]:
    return {
        "grade_labels": GRADE_LABELS,
        "judgement_labels": JUDGEMENT_LABELS,
        "rule": judgement.RULE,
    }


@bp.route("/visits/<int:visit_id>/actions/new", methods=["GET", "POST"])
@assure
def add_finding_action(visit_id: int) -> ResponseReturnValue:
    visit = visits.visit_for(current_user, visit_id)
    items = checklists.checklist_of(visit.checklist).items
    form = forms.FindingActionForm()
    form.item_id.choices = [
        SelectChoice(item_id, items[item_id].text) for item_id in visits.items_needing_action(visit)
    ]
    if not form.is_submitted() and request.args.get("item") in items:
        form.item_id.data = request.args["item"]
    done = handle_post(
        form,
        lambda: visits.add_finding_action(
            current_user,
            visit,
            item_id=form.item_id.data,
            title=form.title.data or "",
            owner=form.owner.data or "",
            due_on=form.due_on.data,
            detail=form.detail.data or "",
        ),
        to=show_url(visit),
        message=lambda action: f"The action ‘{action.title}’ has been added",
    )
    return done or render_template("quality/add_action.html", form=form, visit=visit)


@bp.route("/visits/<int:visit_id>/publish", methods=["POST"])
@assure
def publish_findings(visit_id: int) -> ResponseReturnValue:
    visit = visits.visit_for(current_user, visit_id)
    form = forms.PublishForm()
    return handle_button(
        lambda: visits.publish_findings(current_user, visit, form.seen),
        to=show_url(visit),
        message="The findings have been published to the provider",
        form=form,
    )
