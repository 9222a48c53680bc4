"""A provider's record made to order for the risk rule and the record page: KPI returns rated
red or amber, open escalations, overdue actions, a published visit's judgement, a lapsed
mandatory document, people flagged on the DBS register. Written straight to the database (the
rule only reads them); the journeys that make them are the other parts' tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from portal.core.db import db
from portal.core.time import LONDON, today, utcnow
from portal.documents.models import INSURANCE, Document
from portal.kpi_returns import months
from portal.kpi_returns.models import KpiEscalation, KpiReturn
from portal.quality.models import Action, ChecklistVersion, Visit
from portal.staff_checks.models import StaffCheck
from tests.support import factories

RED, AMBER = "inadequate", "approaching_target"


def checklist() -> ChecklistVersion:
    found = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == 1))
    if found is None:
        found = ChecklistVersion(version=1, title="Checklist", content={}, digest="0" * 64)
        db.session.add(found)
        db.session.flush()
    return found


def give_record(
    organisation,
    *,
    reds: int = 0,
    ambers: int = 0,
    escalations: int = 0,
    overdue_actions: int = 0,
    lapsed: bool = False,
    dbs_flagged: int = 0,
    judgement: str | None = None,
) -> None:
    last = months.last_ended(today())
    ratings = [RED] * reds + [AMBER] * ambers
    for index, rating in enumerate(ratings):
        month = months.add_months(last, -index)
        moment = datetime.combine(month, time(12), tzinfo=LONDON).astimezone(UTC)
        db.session.add(
            KpiReturn(
                organisation_id=organisation.id,
                month=month,
                status="submitted",
                submitted_at=moment + timedelta(days=35),
                rating=rating,
            )
        )
    for _ in range(escalations):
        db.session.add(
            KpiEscalation(
                organisation_id=organisation.id,
                trigger="missing_return",
                trigger_key=f"test-{uuid.uuid4()}",
                month=last,
                evidence=[],
            )
        )
    for index in range(overdue_actions):
        db.session.add(
            Action(
                organisation_id=organisation.id,
                title=f"Put right number {index + 1}",
                owner="The manager",
                due_on=today() - timedelta(days=index + 1),
            )
        )
    if judgement:
        db.session.add(
            Visit(
                organisation_id=organisation.id,
                checklist_version_id=checklist().id,
                status="published",
                notice="announced",
                mode="on_site",
                planned_on=today() - timedelta(days=20),
                visited_on=today() - timedelta(days=20),
                judgement=judgement,
                published_at=utcnow() - timedelta(days=10),
            )
        )
    for index in range(dbs_flagged):
        db.session.add(
            StaffCheck(
                organisation_id=organisation.id,
                full_name=f"Flagged Person {index}",
                job_role="Tutor",
            )
        )
    db.session.commit()
    if lapsed:
        lapse_insurance(organisation)


def lapse_insurance(organisation) -> None:
    """The organisation's insurance certificates all expired yesterday."""
    held = db.session.scalars(
        select(Document).where(
            Document.organisation_id == organisation.id, Document.kind == INSURANCE
        )
    ).all()
    if not held:
        held = [factories.make_document(organisation, INSURANCE)]
    for document in held:
        document.current.expiry_date = today() - timedelta(days=1)
    db.session.commit()
