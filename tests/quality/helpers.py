"""Visits and actions made through the services, for tests of what follows from them."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app

from portal.core.db import db
from portal.core.time import today
from portal.quality.models import MET, Visit
from portal.quality.services import actions, checklists, visits
from tests.support import factories


def on_framework(organisation, lot_slug: str = "mentoring"):
    factories.admit(organisation, lot_slug)
    return organisation


def planned_visit(organisation, reviewer, *, notice: str = "announced", on: date | None = None):
    lots = visits.admitted_lots(organisation) or [None]
    if lots == [None]:
        on_framework(organisation)
        lots = visits.admitted_lots(organisation)
    visit = visits.plan_visit(
        reviewer,
        organisation,
        notice=notice,
        mode="on_site",
        lot_ids=[lots[0].id],
        sites="1 High Street, Anytown",
        planned_on=on or today(),
    )
    db.session.commit()
    return visit


def all_met(visit: Visit) -> dict[str, str]:
    return dict.fromkeys(checklists.checklist_of(visit.checklist).items, MET)


def recorded_visit(organisation, reviewer, grades: dict[str, str] | None = None, **kwargs):
    visit = planned_visit(organisation, reviewer, **kwargs)
    given = {**all_met(visit), **(grades or {})}
    visits.record_visit(
        reviewer,
        visit,
        visits.Recording(
            visited_on=today(), summary="A calm, well-run centre.", grades=given, notes={}
        ),
        visit.lock_version,
    )
    db.session.commit()
    return visit


def published_visit(organisation, reviewer, item_id: str = "registers_kept", due_in: int = 30):
    """A published visit with one item partly met and one action for it."""
    visit = recorded_visit(organisation, reviewer, {item_id: "partly_met"})
    action = visits.add_finding_action(
        reviewer,
        visit,
        item_id=item_id,
        title="Keep afternoon registers",
        owner="Centre manager",
        due_on=today() + timedelta(days=due_in),
    )
    db.session.commit()
    # The emails carry links: build them as a request would.
    with current_app.test_request_context():
        visits.publish_findings(reviewer, visit, visit.lock_version)
    db.session.commit()
    return visit, action


def form_of_record(visit: Visit, grades: dict[str, str], *, version: int | None = None) -> dict:
    """What the recording page posts for `grades` (item id -> grade)."""
    day = today()
    data = {
        "lock_version": str(visit.lock_version if version is None else version),
        "visited_on": parts(day),
        "summary": "Registers were patchy.",
    }
    for item_id, grade in grades.items():
        data[f"grade_{item_id}"] = grade
        data[f"notes_{item_id}"] = ""
    return data


def action_due(organisation, reviewer, due_on: date):
    """An action added by hand (no visit), due on `due_on` (the past allowed: written after)."""
    action = actions.add_action(
        organisation,
        reviewer,
        title="Update the risk assessment",
        owner="Manager",
        due_on=today(),
    )
    action.due_on = due_on
    db.session.commit()
    return action


def parts(day: date) -> list[str]:
    """A date as a GOV.UK date input posts it: day, month and year under one name."""
    return [str(day.day), str(day.month), str(day.year)]
