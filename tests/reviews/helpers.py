"""Submitted applications written straight to the database, for the queue's tests: many of
them, with the parts the queue reads (a submission's lots and flags, the documents it used, the
organisation's DBS register), without going through every question page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from portal.applications.models import SUBMITTED, Application, ApplicationSubmission
from portal.core.db import db
from portal.core.time import utcnow
from portal.organisations.models import Organisation
from portal.questionnaires import services as questionnaires
from portal.questionnaires.models import QuestionnaireVersion
from tests.applications.helpers import EVERY_TYPE
from tests.support import factories


def version() -> QuestionnaireVersion:
    found, _new = questionnaires.load_version(EVERY_TYPE)
    return found


def submitted_applications(
    count: int,
    *,
    lots: list[str] = ("online-tuition",),
    submitted_at: datetime | None = None,
    flags: list | None = None,
    start: int = 0,
) -> list[Application]:
    """`count` organisations, each with an application submitted for `lots`."""
    questionnaire = version()
    owner = factories.make_user(f"owner-{start}-{count}@example.org")
    when = submitted_at or utcnow() - timedelta(days=1)
    made = []
    for n in range(start, start + count):
        organisation = Organisation(
            **{
                **factories.ORGANISATION_DETAILS,
                "legal_name": f"Provider {n:04d} Ltd",
                "company_number": f"{n:08d}",
            }
        )
        db.session.add(organisation)
        db.session.flush()
        application = Application(
            organisation_id=organisation.id,
            questionnaire_version_id=questionnaire.id,
            status=SUBMITTED,
            reference=f"FLSF-2026-{n:05d}",
            submitted_at=when,
            created_by_id=owner.id,
        )
        db.session.add(application)
        db.session.flush()
        db.session.add(
            ApplicationSubmission(
                application_id=application.id,
                number=1,
                submitted_at=when,
                declaration={},
                snapshot={},
                lots=list(lots),
                flags=flags or [],
            )
        )
        made.append(application)
    db.session.commit()
    return made


def day(value: date) -> datetime:
    return datetime(value.year, value.month, value.day, 12, tzinfo=utcnow().tzinfo)
