"""Submitting an application once it is complete (a reference, a snapshot of what was sent, the
reviewers told), the evidence it needs to be in date, and withdrawing it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.applications import snapshot
from portal.applications.models import (
    OPEN,
    SUBMITTED,
    WITHDRAWN,
    Application,
    ApplicationSubmission,
)
from portal.applications.progress import Progress
from portal.applications.services import (
    ApplicationChanged,
    NotWithdrawable,
    _store,
    check_editable,
    lock_application,
    lot_options,
    progress_of,
    transition,
)
from portal.core.db import db
from portal.core.permissions import roles_that_may
from portal.core.time import LONDON, today, utcnow
from portal.documents import services as documents
from portal.documents.models import DocumentVersion
from portal.organisations.models import Organisation
from portal.outbox.services import queue_email
from portal.questionnaires import answers as engine_answers
from portal.questionnaires.answers import ReadResult
from portal.questionnaires.schema import Page, Question, Section
from portal.reviews.models import Review

REFERENCE_PREFIX = "FLSF"


# Two first submissions in the same instant can pick the same next reference; the unique
# constraint refuses the second, which tries the next number.
REFERENCE_ATTEMPTS = 5


# Submitting -------------------------------------------------------------------------------------


@dataclass
class SubmitOutcome:
    result: ReadResult
    incomplete: list[Section] = field(default_factory=list)
    submission: ApplicationSubmission | None = None
    stale_evidence: list[StaleEvidence] = field(default_factory=list)


def submit_application(
    user: User, application: Application, form: Any, seen_lock_version: int | None
) -> SubmitOutcome:
    """Sign the declaration and submit: give the application its reference, freeze what was
    submitted and email every member of the organisation.

    Nothing is stored when the declaration has a mistake or a section is not completed (the
    outcome says which). Raises NotEditable if it has been submitted already, and
    ApplicationChanged if its status changed since the page was opened (`seen_lock_version`),
    so a second click, a replay or a second member's submit makes no second submission.
    """
    # A save of an answer waits, then sees it submitted and is refused; another submit waits,
    # then sees it submitted.
    lock_application(application)
    check_editable(application)
    if application.lock_version != seen_lock_version:
        raise ApplicationChanged(
            "This application has changed since you opened the page. Check it and try again"
        )
    progress = progress_of(application)
    section, page = progress.declaration_page
    result = engine_answers.read_page(
        progress.content, section, page, form, progress.answers, progress.lots, route=progress.route
    )
    incomplete = progress.incomplete_sections
    stale = stale_evidence(progress, today())
    if not result.is_valid or incomplete or stale:
        return SubmitOutcome(result, incomplete, stale_evidence=stale)
    if not _store(user, progress, section, result.answers, progress.version_of(section)):
        raise ApplicationChanged("Someone else is submitting this application. Check it again")
    progress = progress.refreshed()
    (declaration,) = result.answers.values()
    now = utcnow()
    for attempt in range(REFERENCE_ATTEMPTS):
        reference = application.reference or _next_reference(now)
        try:
            with db.session.begin_nested():
                transition(application, SUBMITTED, user, reference=reference, submitted_at=now)
            break
        except IntegrityError:
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
    number = db.session.scalar(
        select(func.count())
        .select_from(ApplicationSubmission)
        .where(ApplicationSubmission.application_id == application.id)
    )
    answers, lots = progress.answers, progress.lots
    submission = ApplicationSubmission(
        application_id=application.id,
        number=number + 1,
        submitted_at=now,
        submitted_by_id=user.id,
        declaration=declaration,
        snapshot=snapshot.build(application, progress, user, lot_options().names, now),
        lots=list(lots),
        flags=[
            {"question": q.id, "label": q.label, "answer": answers.get(q.id), "message": message}
            for q, message in progress.route.flags()
        ],
    )
    db.session.add(submission)
    db.session.flush()
    # The versions used stay, so the submission reads as it was (one deleted from the library
    # since it was chosen is not in the snapshot's documents, and has nothing to keep).
    documents.record_use(submission.id, [int(i) for i in submission.snapshot["documents"]])
    _tell_reviewers(application, submission)
    return SubmitOutcome(result, submission=submission)


def _tell_reviewers(application: Application, submission: ApplicationSubmission) -> None:
    """A first submission goes to every reviewer; a resubmission to the reviewer it is assigned
    to, when it is assigned to one. Never to a deactivated account: its owner has left."""
    assigned = db.session.scalar(
        select(Review.assigned_to_id).where(Review.application_id == application.id)
    )
    query = select(User).where(User.deactivated_at.is_(None)).order_by(User.id)
    if submission.number > 1 and assigned:
        query = query.where(User.id == assigned)
    else:
        query = query.where(User.role.in_(roles_that_may("hear_of_new_applications")))
    for reviewer in db.session.scalars(query):
        queue_email(
            reviewer.email,
            f"{'Resubmitted' if submission.number > 1 else 'New'} application to review "
            f"({application.reference})",
            "application_to_review",
            application=application,
            organisation=application.organisation,
            member=reviewer,
            submission=submission,
        )


def _next_reference(now: datetime) -> str:
    """FLSF-<year>-<5 digits>, numbered from 1 each year (the year in London)."""
    prefix = f"{REFERENCE_PREFIX}-{now.astimezone(LONDON).year}-"
    last = db.session.scalar(
        select(func.max(Application.reference)).where(Application.reference.like(f"{prefix}%"))
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:05d}"


# Evidence in date -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaleEvidence:
    """A document chosen as evidence that can no longer be used, with the page that asks."""

    section: Section
    page: Page
    error: engine_answers.AnswerError


def stale_evidence(progress: Progress, on: date, page: Page | None = None) -> list[StaleEvidence]:
    """The evidence answers that apply (those on `page`, when given) whose document version
    can no longer be used: it expired, a newer version was uploaded, or it was deleted or found
    to hold a virus since it was chosen. A submission is refused until each is chosen again,
    so it never freezes a document the provider has since put right."""
    if page is not None and not any(q.type == "evidence" for q in page.questions):
        return []
    content = progress.content
    asked_on = {q.id: (s, p) for s in content.sections for p in s.pages for q in p.questions}
    found = []
    for question in progress.route.questions():
        chosen = progress.answers.get(question.id)
        if question.type != "evidence" or chosen is None or question.id not in asked_on:
            continue
        section, its_page = asked_on[question.id]
        if page is not None and its_page.id != page.id:
            continue
        problem = documents.evidence_problem(progress.application.organisation_id, chosen, on)
        if problem:
            error = engine_answers.AnswerError(problem, question.id)
            found.append(StaleEvidence(section, its_page, error))
    return found


@dataclass(frozen=True)
class EvidenceUpload:
    """An upload started from an evidence question: the question, and the document details it
    fills in from the application's answers (money in pence, dates as dates)."""

    question: Question
    details: dict[str, Any]


def evidence_question_for_upload(
    organisation: Organisation,
    application_id: int,
    section_id: str,
    page_id: str,
    question_id: str,
    kind: str,
) -> EvidenceUpload | None:
    """The evidence question an upload of `kind` was started from, when it is on a page on the
    route of one of the organisation's own applications that can still be changed; None for
    anything else, so the upload ends on the document's page instead."""
    application = db.session.get(Application, application_id)
    if (
        application is None
        or application.organisation_id != organisation.id
        or not application.is_editable
    ):
        return None
    progress = progress_of(application)
    found = progress.content.page(section_id, page_id)
    if found is None or not progress.route.is_on_route(*found):
        return None
    _section, page = found
    question = next(
        (
            q
            for q in page.questions
            if q.id == question_id and q.type == "evidence" and q.kind == kind
        ),
        None,
    )
    if question is None:
        return None
    return EvidenceUpload(question, _filled_details(progress, question))


def _filled_details(progress: Progress, question: Question) -> dict[str, Any]:
    """What the question's `fills` say the upload form starts with: fixed values, and the
    answers given so far on the application's route (an answer not given fills nothing)."""
    details: dict[str, Any] = {}
    kept = progress.route.kept  # the answers to questions that apply
    for fill in question.fills:
        if fill.value is not None:
            details[fill.detail] = fill.value
        elif kept.get(fill.answer) not in (None, ""):
            answer = kept[fill.answer]
            is_date = progress.content.question(fill.answer).type == "date"
            details[fill.detail] = date.fromisoformat(answer) if is_date else answer
    return details


def choose_uploaded(
    values: dict[str, Any],
    questions: list[Question],
    evidence: Mapping[str, list[DocumentVersion]],
    version_id: int | None,
) -> dict[str, Any]:
    """The page's values with a document just uploaded from it chosen, where one of its
    evidence questions may take that version (any other id is ignored)."""
    chosen = dict(values)
    for question in questions:
        offered = {v.id for v in evidence.get(question.kind, ())}
        if question.type == "evidence" and version_id in offered:
            chosen[question.id] = version_id
    return chosen


def evidence_options(application: Application, page: Page) -> dict[str, list[DocumentVersion]]:
    """The document versions each evidence question of the page may take, by kind."""
    return {
        q.kind: documents.usable_versions(application.organisation_id, q.kind, today())
        for q in page.questions
        if q.type == "evidence"
    }


# Withdrawing ------------------------------------------------------------------------------------


def can_withdraw(application: Application) -> bool:
    return application.status in OPEN


def check_can_withdraw(application: Application) -> None:
    """Raises NotWithdrawable once the application is withdrawn or decided."""
    if not can_withdraw(application):
        raise NotWithdrawable(
            "You cannot withdraw this application: it has already been "
            + ("withdrawn" if application.status == WITHDRAWN else "decided")
        )


def withdraw_application(user: User, application: Application) -> None:
    """Withdraw an application before a decision. Raises NotWithdrawable afterwards, and
    ApplicationChanged if someone else changed its status a moment ago."""
    check_can_withdraw(application)
    transition(application, WITHDRAWN, user, withdrawn_at=utcnow())
