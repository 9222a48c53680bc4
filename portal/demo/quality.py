"""Demo quality visits, made through the visit services by the reviewer, with the clock set to
when each step happened: Bright Futures was visited two months ago (registers and risk
assessments partly met, so it requires improvement), its findings published with two actions,
one of them now overdue; and an announced visit to Stourbridge Mentoring Trust, planned ten
days ago for two days ago, is waiting to be recorded."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.core.time import clock_set_to, london_hour, today
from portal.organisations.models import Organisation
from portal.quality.models import MET, PARTLY_MET, Visit
from portal.quality.services import checklists, visits


def seed(users: dict[str, User], made: dict[str, Organisation]) -> None:
    """The visits, once (nothing is made when any visit exists)."""
    if db.session.scalar(select(Visit.id).limit(1)) is not None:
        return
    reviewer = users["reviewer@example.org"]
    now = today()
    _published(reviewer, made["provider@example.org"], now)
    _planned(reviewer, made["provider2@example.org"], now)


def _published(reviewer: User, organisation: Organisation, now: date) -> None:
    visited = now - timedelta(days=60)
    with clock_set_to(london_hour(visited - timedelta(days=14), 10)):
        visit = visits.plan_visit(
            reviewer,
            organisation,
            notice="announced",
            mode="on_site",
            lot_ids=[lot.id for lot in visits.admitted_lots(organisation)][:1],
            sites="Unit 4, Castle Business Park, Dudley",
            planned_on=visited,
        )
    with clock_set_to(london_hour(visited, 16)):
        items = checklists.checklist_of(visit.checklist).items
        grades: dict[str, str | None] = dict.fromkeys(items, MET)
        grades.update({"first_day_calling": PARTLY_MET, "risk_assessments": PARTLY_MET})
        visits.record_visit(
            reviewer,
            visit,
            visits.Recording(
                visited_on=visited,
                summary="A warm, well-organised centre where pupils are known well. Absence "
                "is not always followed up on the first day, and two activity risk "
                "assessments were out of date.",
                grades=grades,
                notes={
                    "first_day_calling": "Two absences last week were followed up the next "
                    "day; the school was told on the third day.",
                    "risk_assessments": "Kitchen and trip risk assessments were last reviewed "
                    "in 2024.",
                },
            ),
            visit.lock_version,
        )
        visits.add_finding_action(
            reviewer,
            visit,
            item_id="first_day_calling",
            title="Call about every unexplained absence the same morning",
            owner="Centre manager",
            due_on=visited + timedelta(days=50),
            detail="Write the first-day calling procedure down, name who makes the calls, and "
            "tell the placing school or council the same day.",
        )
        visits.add_finding_action(
            reviewer,
            visit,
            item_id="risk_assessments",
            title="Review the kitchen and trip risk assessments",
            owner="Health and safety lead",
            due_on=now + timedelta(days=20),
        )
    with clock_set_to(london_hour(visited + timedelta(days=2), 10)):
        visits.publish_findings(reviewer, visit, visit.lock_version)


def _planned(reviewer: User, organisation: Organisation, now: date) -> None:
    with clock_set_to(london_hour(now - timedelta(days=10), 10)):
        visits.plan_visit(
            reviewer,
            organisation,
            notice="announced",
            mode="on_site",
            lot_ids=[lot.id for lot in visits.admitted_lots(organisation)],
            sites="The Old Library, Stourbridge",
            planned_on=now - timedelta(days=2),
        )
