"""Visits and audits of a provider: planned by a reviewer, recorded against the checklist (a
grade and evidence notes per item, the judgement by the published rule), their findings
published to the provider with the actions they call for.

The provider sees a visit only once its findings are published. It is told of an announced
visit when it is planned; of an unannounced one only when the findings are published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.admissions.models import ADMITTED, Admission
from portal.admissions.services import is_on_framework, organisations_on_framework
from portal.audit.services import fields_of, record_change
from portal.core import workflow
from portal.core.db import db
from portal.core.errors import NotFoundForUser, found
from portal.core.permissions import can
from portal.core.time import format_date, today, utcnow
from portal.lots.models import Lot
from portal.organisations.models import Membership, Organisation
from portal.organisations.services import get_organisation_for
from portal.quality.models import (
    ANNOUNCED,
    GRADES,
    JUDGEMENT_LABELS,
    NOT_MET,
    PARTLY_MET,
    VISIT_MODES,
    VISIT_NOTICE,
    VISIT_PLANNED,
    VISIT_PUBLISHED,
    VISIT_RECORDED,
    Action,
    Visit,
    VisitGrade,
)
from portal.quality.services import checklists, judgement, risk
from portal.quality.services.actions import add_action
from portal.quality.services.common import VISIT_MOVES, QualityError
from portal.quality.services.telling import tell_members

SITES_LIMIT = 2000
NOTES_LIMIT = 2000
SUMMARY_LIMIT = 5000
# How far ahead a visit may be planned.
PLAN_AHEAD_DAYS = 2 * 365


# Reading ----------------------------------------------------------------------------------------


def visit_for(user: User, visit_id: int) -> Visit:
    """The visit, for council staff who may read quality work, or for a member of the visited
    organisation once its findings are published. NotFoundForUser (404) for anyone else, and for
    a provider asking about a visit not yet published, so a planned unannounced visit cannot be
    found out."""
    visit = found(db.session.get(Visit, visit_id))
    if user.is_staff:
        if not can(user, "read_quality"):
            raise NotFoundForUser()
        return visit
    if visit.status != VISIT_PUBLISHED:
        raise NotFoundForUser()
    get_organisation_for(user, visit.organisation_id)
    return visit


def providers_to_visit() -> list[Organisation]:
    """The organisations a visit may be planned to: those on the framework."""
    return organisations_on_framework()


def provider_to_visit(organisation_id: int) -> Organisation:
    """One organisation on the framework; NotFoundForUser (404) for any other id."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not is_on_framework(organisation):
        raise NotFoundForUser()
    return organisation


def admitted_lots(organisation: Organisation) -> list[Lot]:
    """The lots the organisation is admitted to, in the lots' order: those a visit may cover."""
    return list(
        db.session.scalars(
            select(Lot)
            .join(Admission, Admission.lot_id == Lot.id)
            .where(Admission.organisation_id == organisation.id, Admission.status == ADMITTED)
            .order_by(Lot.position, Lot.name)
        )
    )


def lot_names(visit: Visit) -> list[str]:
    if not visit.lot_ids:
        return []
    return list(
        db.session.scalars(
            select(Lot.name).where(Lot.id.in_(visit.lot_ids)).order_by(Lot.position, Lot.name)
        )
    )


def grades_of(visit: Visit) -> dict[str, VisitGrade]:
    return {grade.item_id: grade for grade in visit.grades}


def actions_of(visit: Visit) -> list[Action]:
    return list(
        db.session.scalars(
            select(Action).where(Action.visit_id == visit.id).order_by(Action.due_on, Action.id)
        )
    )


def items_needing_action(visit: Visit) -> list[str]:
    """The items the visit graded partly met or not met, in checklist order."""
    grades = grades_of(visit)
    return [
        item_id
        for item_id in checklists.checklist_of(visit.checklist).items
        if item_id in grades and grades[item_id].grade in (PARTLY_MET, NOT_MET)
    ]


def items_without_action(visit: Visit) -> list[str]:
    answered = {action.item_id for action in actions_of(visit)}
    return [item_id for item_id in items_needing_action(visit) if item_id not in answered]


@dataclass(frozen=True)
class CouncilVisits:
    planned: list[Visit]  # to record
    recorded: list[Visit]  # findings to publish


def council_visits() -> CouncilVisits:
    """The visits waiting for the council: planned (to record, soonest first) and recorded
    (findings to publish). One query."""
    visits = list(
        db.session.scalars(
            select(Visit)
            .where(Visit.status.in_((VISIT_PLANNED, VISIT_RECORDED)))
            .options(joinedload(Visit.organisation))
            .order_by(Visit.planned_on, Visit.id)
        )
    )
    return CouncilVisits(
        planned=[v for v in visits if v.status == VISIT_PLANNED],
        recorded=[v for v in visits if v.status == VISIT_RECORDED],
    )


def published_visits_for(user: User) -> list[Visit]:
    """The published visits of every organisation `user` is a member of, newest first. One
    query."""
    mine = select(Membership.organisation_id).where(Membership.user_id == user.id)
    return list(
        db.session.scalars(
            select(Visit)
            .where(Visit.organisation_id.in_(mine), Visit.status == VISIT_PUBLISHED)
            .options(joinedload(Visit.organisation))
            .order_by(Visit.published_at.desc(), Visit.id.desc())
        )
    )


# Planning ---------------------------------------------------------------------------------------


def plan_visit(
    user: User,
    organisation: Organisation,
    *,
    notice: str | None,
    mode: str | None,
    lot_ids: list[int],
    sites: str | None,
    planned_on: date | None,
) -> Visit:
    """Plan a visit to `organisation` (on the framework) on the lots it is admitted to that
    `lot_ids` names, against the newest checklist. The provider's members are emailed for an
    announced visit, never for an unannounced one. Audited."""
    errors: dict[str, str] = {}
    if notice not in VISIT_NOTICE:
        errors["notice"] = "Select whether the visit is announced or unannounced"
    if mode not in VISIT_MODES:
        errors["mode"] = "Select whether the visit is on site or remote"
    admitted = {lot.id for lot in admitted_lots(organisation)}
    if not lot_ids:
        errors["lot_ids"] = "Select the types of service the visit looks at"
    elif not set(lot_ids) <= admitted:
        errors["lot_ids"] = "Select only types of service the provider is on the framework for"
    text = (sites or "").strip().replace("\r\n", "\n")
    if len(text) > SITES_LIMIT:
        errors["sites"] = f"Sites must be {SITES_LIMIT:,} characters or fewer"
    if planned_on is None:
        errors["planned_on"] = "Enter the date of the visit"
    elif planned_on < today():
        errors["planned_on"] = "The date of the visit must be today or in the future"
    elif (planned_on - today()).days > PLAN_AHEAD_DAYS:
        errors["planned_on"] = "The date of the visit must be within the next two years"
    if errors:
        raise QualityError(errors=errors)
    assert notice is not None and mode is not None and planned_on is not None
    version = checklists.current_version()
    visit = Visit(
        organisation_id=organisation.id,
        checklist_version_id=version.id,
        notice=notice,
        mode=mode,
        lot_ids=sorted(set(lot_ids)),
        sites=text,
        planned_on=planned_on,
        planned_by_id=user.id,
    )
    db.session.add(visit)
    db.session.flush()
    record_change("visit.planned", visit, user, visit.organisation_id, after=_plan_of(visit))
    if notice == ANNOUNCED:
        tell_members(
            organisation.id,
            f"The council will visit {organisation.display_name} on {format_date(planned_on)}",
            "quality_visit_planned",
            visit=visit,
            organisation=organisation,
            lots=lot_names(visit),
        )
    return visit


def _plan_of(visit: Visit) -> dict[str, object]:
    return {
        **fields_of(visit, ("notice", "mode", "lot_ids", "sites", "planned_on")),
        "checklist_version": visit.checklist.version,
    }


# Recording --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recording:
    """What the recording page sent: the day, the summary and, per item, grade and notes."""

    visited_on: date | None
    summary: str | None
    grades: dict[str, str | None]
    notes: dict[str, str | None]


def record_visit(user: User, visit: Visit, recording: Recording, seen: int | None) -> Visit:
    """Record the visit against its checklist: every item graded, notes per item, the day it
    took place (not in the future) and a summary; the judgement follows the grades by the
    published rule (services/judgement.py). A recorded visit may be recorded again until its
    findings are published. Of two people recording at once, one lands and the other is told
    the visit has just been changed: nothing of theirs is written. Audited."""
    checklist = checklists.checklist_of(visit.checklist)
    errors: dict[str, str] = {}
    if recording.visited_on is None:
        errors["visited_on"] = "Enter the date the visit took place"
    elif recording.visited_on > today():
        errors["visited_on"] = "The date the visit took place must be today or in the past"
    grades: dict[str, str] = {}
    notes: dict[str, str] = {}
    for item_id, item in checklist.items.items():
        grade = recording.grades.get(item_id)
        if grade not in GRADES:
            errors[f"grade_{item_id}"] = f"Select a grade for ‘{item.text}’"
        else:
            grades[item_id] = grade
        note = (recording.notes.get(item_id) or "").strip().replace("\r\n", "\n")
        if len(note) > NOTES_LIMIT:
            errors[f"notes_{item_id}"] = (
                f"Evidence notes must be {NOTES_LIMIT:,} characters or fewer"
            )
        notes[item_id] = note
    # Checked last, as the page asks for it last (the error summary follows the page).
    summary = (recording.summary or "").strip().replace("\r\n", "\n")
    if not summary:
        errors["summary"] = "Enter a summary of the visit for the provider"
    elif len(summary) > SUMMARY_LIMIT:
        errors["summary"] = f"The summary must be {SUMMARY_LIMIT:,} characters or fewer"
    if errors:
        raise QualityError(errors=errors)
    assert recording.visited_on is not None
    decided = judgement.judge(grades, checklist.safeguarding_items)
    before: dict[str, Any] = {"status": visit.status, "judgement": visit.judgement}
    workflow.move(
        visit,
        VISIT_RECORDED,
        VISIT_MOVES,
        seen=workflow.page_version(seen),
        visited_on=recording.visited_on,
        summary=summary,
        judgement=decided.judgement,
        recorded_by_id=user.id,
        recorded_at=utcnow(),
    )
    existing = grades_of(visit)
    for item_id, grade in grades.items():
        row = existing.get(item_id)
        if row is None:
            visit.grades.append(VisitGrade(item_id=item_id, grade=grade, notes=notes[item_id]))
        else:
            row.grade, row.notes = grade, notes[item_id]
    db.session.flush()
    record_change(
        "visit.recorded",
        visit,
        user,
        visit.organisation_id,
        before=before,
        after={
            "status": VISIT_RECORDED,
            "judgement": decided.judgement,
            "visited_on": recording.visited_on.isoformat(),
            "grades": grades,
        },
    )
    return visit


# Findings ---------------------------------------------------------------------------------------


def add_finding_action(
    user: User,
    visit: Visit,
    *,
    item_id: str | None,
    title: str,
    owner: str,
    due_on: date | None,
    detail: str = "",
) -> Action:
    """Add an action for one of the items a recorded visit graded partly met or not met, before
    its findings are published (the rules of any action are actions.add_action's)."""
    if visit.status != VISIT_RECORDED:
        raise QualityError(
            "Actions can be added to a visit's findings only after it is recorded and before "
            "they are published"
        )
    if item_id not in items_needing_action(visit):
        raise QualityError("Select a checklist item graded partly met or not met", "item_id")
    return add_action(
        visit.organisation,
        user,
        title=title,
        owner=owner,
        due_on=due_on,
        detail=detail,
        visit=visit,
        item_id=item_id,
    )


# Publishing -------------------------------------------------------------------------------------


def publish_findings(user: User, visit: Visit, seen: int | None) -> Visit:
    """Publish a recorded visit's findings to the provider: every item graded partly met or
    not met must have an action first. The provider's members are emailed (for an unannounced
    visit, this is the first they hear of it). Audited."""
    if visit.status == VISIT_RECORDED:
        missing = items_without_action(visit)
        if missing:
            items = checklists.checklist_of(visit.checklist).items
            raise QualityError(
                f"Add an action for ‘{items[missing[0]].text}’ before publishing the findings"
                + (f" ({len(missing)} items have none)" if len(missing) > 1 else "")
            )
    workflow.move(
        visit, VISIT_PUBLISHED, VISIT_MOVES, seen=workflow.page_version(seen), published_at=utcnow()
    )
    record_change(
        "visit.published",
        visit,
        user,
        visit.organisation_id,
        before={"status": VISIT_RECORDED},
        after={"status": VISIT_PUBLISHED, "judgement": visit.judgement},
    )
    assert visit.judgement is not None
    tell_members(
        visit.organisation_id,
        f"Findings of the council's visit to {visit.organisation.display_name}",
        "quality_findings_published",
        visit=visit,
        organisation=visit.organisation,
        judgement=JUDGEMENT_LABELS[visit.judgement],
        actions=actions_of(visit),
    )
    risk.refresh_one(visit.organisation)
    return visit


# Shared -----------------------------------------------------------------------------------------
