"""What the home pages say needs doing: a provider's next steps for each organisation, and the
council's counts of the work waiting for each role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select

from portal.accounts.models import User
from portal.applications import services as applications
from portal.applications.models import (
    APPROVED,
    DRAFT,
    IN_REVIEW,
    REJECTED,
    RETURNED,
    SUBMITTED,
    WITHDRAWN,
    Application,
)
from portal.competitions import clock
from portal.competitions.models import (
    AWARDED,
    PUBLISHED,
    QUOTE_SUBMITTED,
    Competition,
    Invitation,
    Quote,
)
from portal.competitions.models import DRAFT as COMPETITION_DRAFT
from portal.core.db import db
from portal.core.permissions import can
from portal.documents import services as documents
from portal.documents.models import Document
from portal.kpi_returns import months, reports
from portal.kpi_returns.obligations import DUE, MISSING, DueDates, MonthState, obligation_of
from portal.kpi_returns.obligations import state_of as kpi_state_of
from portal.organisations.models import Organisation
from portal.questionnaires.models import DRAFT as QUESTIONNAIRE_DRAFT
from portal.questionnaires.models import QuestionnaireVersion

# How far ahead the home page warns: a document expiring, a KPI return falling due.
DOCUMENT_WARNING_DAYS = 30
KPI_WARNING_DAYS = 14


@dataclass(frozen=True)
class NextSteps:
    """What one organisation has to do next, each with the page where it is done."""

    application: Application | None = None
    # For an application the provider can change: (sections completed, sections that count).
    sections: tuple[int, int] | None = None
    expired: list[Document] = field(default_factory=list)
    expiring: list[Document] = field(default_factory=list)
    returns: list[MonthState] = field(default_factory=list)
    invitations: list[Competition] = field(default_factory=list)

    @property
    def can_apply(self) -> bool:
        """No application under way: Apply (again, or for more lots) is the next step."""
        return self.application is None or self.application.status in (
            APPROVED,
            REJECTED,
            WITHDRAWN,
        )

    @property
    def waiting_for_council(self) -> bool:
        return self.application is not None and self.application.status in (SUBMITTED, IN_REVIEW)

    @property
    def returned(self) -> bool:
        return self.application is not None and self.application.status == RETURNED

    @property
    def draft(self) -> bool:
        return self.application is not None and self.application.status == DRAFT


def next_steps(organisation: Organisation, on_framework: bool) -> NextSteps:
    """Everything the organisation has to do next: its application, documents out of date or
    about to be, KPI returns due soon or missing, and mini-competitions open to its quote."""
    on = months.current_day()
    application = db.session.scalar(
        select(Application)
        .where(Application.organisation_id == organisation.id)
        .order_by(Application.created_at.desc(), Application.id.desc())
        .limit(1)
    )
    sections = None
    if application is not None and application.is_editable:
        progress = applications.progress_of(application)
        sections = (progress.completed_count, len(progress.counted))
    expired, expiring = [], []
    for document in documents.documents_of(organisation):
        expiry = document.current.expiry_date
        if expiry is None:
            continue
        if expiry < on:
            expired.append(document)
        elif expiry <= on + timedelta(days=DOCUMENT_WARNING_DAYS):
            expiring.append(document)
    return NextSteps(
        application=application,
        sections=sections,
        expired=expired,
        expiring=expiring,
        returns=_returns_to_do(organisation, on) if on_framework else [],
        invitations=_open_invitations(organisation),
    )


def _returns_to_do(organisation: Organisation, on: date) -> list[MonthState]:
    """The KPI returns missing, and those due within KPI_WARNING_DAYS, oldest first."""
    owed = obligation_of(organisation.id).months(on)
    if not owed:
        return []
    summaries = reports.return_summaries([organisation.id], owed[0], owed[-1])
    due = DueDates()
    states = [
        kpi_state_of(month, True, summaries.get((organisation.id, month)), on, due(month))
        for month in owed
    ]
    return [
        s
        for s in states
        if s.state == MISSING or (s.state == DUE and s.due <= on + timedelta(KPI_WARNING_DAYS))
    ]


def _open_invitations(organisation: Organisation) -> list[Competition]:
    """Competitions the organisation is invited to that are still open, not declined and
    without a submitted quote, soonest deadline first."""
    at = clock.now()
    quoted = select(Quote.id).where(
        Quote.competition_id == Competition.id,
        Quote.organisation_id == organisation.id,
        Quote.status == QUOTE_SUBMITTED,
    )
    return list(
        db.session.scalars(
            select(Competition)
            .join(Invitation, Invitation.competition_id == Competition.id)
            .where(
                Invitation.organisation_id == organisation.id,
                Invitation.declined_at.is_(None),
                Competition.status == PUBLISHED,
                Competition.submission_deadline > at,
                ~quoted.exists(),
            )
            .order_by(Competition.submission_deadline)
        )
    )


@dataclass(frozen=True)
class StaffCounts:
    """The work waiting for council staff, counted in one query per role."""

    applications_waiting: int | None = None
    competitions_to_publish: int | None = None
    competitions_to_evaluate: int | None = None
    awards_to_confirm: int | None = None
    questionnaires_to_publish: int | None = None


def staff_counts(user: User) -> StaffCounts:
    """Reviewers: applications waiting for a decision. Commissioners: mini-competitions to
    publish, to evaluate (closed) and awards to confirm. Admins: both of those, and
    questionnaire versions loaded but not published."""
    counts: dict[str, int] = {}
    if can(user, "review_applications"):
        counts["applications_waiting"] = db.count(
            select(func.count(Application.id)).where(Application.status.in_((SUBMITTED, IN_REVIEW)))
        )
    if can(user, "manage_competitions"):
        at = clock.now()
        row = db.session.execute(
            select(
                func.count(case((Competition.status == COMPETITION_DRAFT, 1))),
                func.count(
                    case(
                        (
                            and_(
                                Competition.status == PUBLISHED,
                                Competition.submission_deadline <= at,
                            ),
                            1,
                        )
                    )
                ),
                func.count(case((Competition.status == AWARDED, 1))),
            )
        ).one()
        counts |= {
            "competitions_to_publish": row[0],
            "competitions_to_evaluate": row[1],
            "awards_to_confirm": row[2],
        }
    if can(user, "manage_questionnaires"):
        counts["questionnaires_to_publish"] = db.count(
            select(func.count(QuestionnaireVersion.id)).where(
                QuestionnaireVersion.status == QUESTIONNAIRE_DRAFT
            )
        )
    return StaffCounts(**counts)
