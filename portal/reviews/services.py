"""The rules for reviewing applications: what is waiting, assigning, opening (which moves a
submitted application to in review), comments per question and the council's private note. The
queue itself is in `queue`; the three decisions (return, approve per lot, reject) are in
`decisions`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.applications import services as applications
from portal.applications import snapshot as snapshots
from portal.applications.models import (
    APPROVED,
    IN_REVIEW,
    REJECTED,
    RETURNED,
    SUBMITTED,
    Application,
    ApplicationSubmission,
)
from portal.audit.services import record_change
from portal.core.db import db
from portal.core.errors import NotFoundForUser, ServiceError, found
from portal.core.permissions import roles_that_may
from portal.core.time import (
    LONDON,
    format_date,
    format_time,
    today,
    utcnow,
    working_days_between,
)
from portal.core.waiting import DUE_SOON, Figures, Waiting, plural
from portal.core.waiting import OVERDUE as OVERDUE_URGENCY
from portal.documents import services as documents
from portal.organisations.models import Organisation
from portal.questionnaires.schema import Question
from portal.reviews import models as decision_kinds
from portal.reviews.models import Decision, Review, ReviewComment
from portal.settings.services import framework_settings

# The statuses of applications waiting for a decision: those the queue shows unless asked.
WAITING = (SUBMITTED, IN_REVIEW)
# Who may be given an application to review.
REVIEW_CAPABILITY = "review_applications"
REVIEWING_ROLES = roles_that_may(REVIEW_CAPABILITY)
COMMENT_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 10000

# The automatic flags, by the code a filter uses.
FAILED_ANSWERS = "failed-answers"
DOCUMENTS = "documents"
DBS = "dbs"
OVERDUE = "overdue"
FLAG_LABELS = {
    FAILED_ANSWERS: "Failed pass/fail answers",
    DOCUMENTS: "Documents to check",
    DBS: "DBS register warnings",
    OVERDUE: "Over the service level",
}


class ReviewError(ServiceError):
    """Something a reviewer asked for that cannot be done, with a message to show them, and the
    field it is about when it is about one."""


class AlreadyDecided(ReviewError):
    """The application was decided (or changed) by someone else since the page was opened."""


@dataclass
class DecisionErrors(Exception):
    """A decision with mistakes in it: messages by field; nothing was stored."""

    errors: dict[str, str] = field(default_factory=dict)


# Loading -------------------------------------------------------------------------------------


def get_application(application_id: int) -> Application:
    """A submitted application (never a draft: the council does not see those). Raises
    NotFoundForUser (404) otherwise."""
    application = found(
        db.session.scalar(
            select(Application)
            .where(Application.id == application_id, Application.submitted_at.is_not(None))
            .options(joinedload(Application.organisation))
        )
    )
    return application


# Submitted copies read, by submission id, with the snapshot each was read from. A submission's
# snapshot never changes, and snapshots.read (the route through 150 questions) was a tenth of the
# review page's time on every view. A copy is reused only for a snapshot equal to the one it was
# read from (snapshots.decoded gives the same object for the same text, so the comparison is
# quick): an id that SQLite tests reuse for another submission reads afresh. Shared between
# requests: never change what it returns.
_COPIES: dict[int, tuple[dict[str, Any], snapshots.SubmittedCopy]] = {}
_COPIES_LIMIT = 64


def submitted_copy(submission: ApplicationSubmission) -> snapshots.SubmittedCopy:
    """What `submission` froze, as snapshots.read gives it."""
    copy: snapshots.SubmittedCopy = snapshots.made_once(
        _COPIES, _COPIES_LIMIT, submission.id, submission.snapshot, snapshots.read
    )
    return copy


def evidence_of(application: Application, copy: snapshots.SubmittedCopy) -> dict:
    """The documents a submission used as evidence, as they are today, by version id (see
    documents.evidence_today): the reviewer reads the frozen choice beside its status now."""
    chosen = [
        answer["version_id"]
        for _section, rows in copy.sections
        for question, answer in rows
        if question.type == "evidence" and answer
    ]
    return documents.evidence_today(application.organisation_id, chosen, today())


@dataclass(frozen=True)
class FlaggedAnswer:
    """An answer the reviewer must look at: `reason` says why; `next_id` is the question id of
    the next flagged answer on the page (None for the last one, or one not shown on the page)."""

    question_id: str | None
    label: str
    reason: str
    next_id: str | None = None


def flagged_answers(
    submission: ApplicationSubmission, copy: snapshots.SubmittedCopy, evidence: dict
) -> list[FlaggedAnswer]:
    """Every answer flagged on the review page, in the questionnaire's order: the pass/fail
    answers that failed when it was submitted (what the queue flags), and the documents chosen
    as evidence that need attention today (expired, a virus found, the file gone, and so on)."""
    failed = {flag["question"]: flag for flag in submission.flags or []}
    found = []
    for _section, rows in copy.sections:
        for question, answer in rows:
            if question.id in failed:
                found.append((question.id, question.label, failed.pop(question.id)["message"]))
            elif question.type == "evidence" and answer:
                held = evidence.get(answer["version_id"])
                if held is None:
                    found.append((question.id, question.label, "Document no longer held"))
                elif held.status.needs_attention:
                    found.append(
                        (question.id, question.label, f"Document {held.status.label.lower()}")
                    )
    # A failed answer not shown on the page (there should be none) is still listed.
    found += [(None, flag["label"], flag["message"]) for flag in failed.values()]
    return [
        FlaggedAnswer(
            question_id,
            label,
            reason,
            next_id=found[n + 1][0] if question_id and n + 1 < len(found) else None,
        )
        for n, (question_id, label, reason) in enumerate(found)
    ]


# Built once, the application's id bound: the review page reads it on every view.
_REVIEW = select(Review).where(Review.application_id == bindparam("application_id"))


# The review page names who opened the review and who it is assigned to: read with the review
# (their names alone), not a statement each when the page reads them.
_REVIEW_SHOWN = _REVIEW.options(
    joinedload(Review.opened_by).load_only(User.full_name),
    joinedload(Review.assigned_to).load_only(User.full_name),
)


def find_review(application: Application) -> Review:
    """The application's review row, or a blank one that is not saved when nobody has started
    it yet: for pages that only read, so that reading never writes."""
    review = db.session.scalar(_REVIEW_SHOWN, {"application_id": application.id})
    return review or Review(application_id=application.id, private_note="")


def review_of(application: Application) -> Review:
    """The application's review row, made on first use."""
    review = db.session.scalar(_REVIEW, {"application_id": application.id})
    if review is not None:
        return review
    review = Review(application_id=application.id, private_note="")
    try:
        with db.session.begin_nested():
            db.session.add(review)
    except IntegrityError:  # another reviewer made it a moment ago
        review = db.session.scalar(_REVIEW, {"application_id": application.id})
    return review


def submissions_of(application: Application) -> list[ApplicationSubmission]:
    """Every submission, oldest first."""
    return list(
        db.session.scalars(
            select(ApplicationSubmission)
            .where(ApplicationSubmission.application_id == application.id)
            .order_by(ApplicationSubmission.number)
        )
    )


def reviewers() -> list[User]:
    """Council staff who may be assigned an application: not those deactivated (they have
    left), whom an application assigned to them shows as assigned to nobody."""
    return accounts.active_staff_who_may(REVIEW_CAPABILITY)


class ReviewerName(NamedTuple):
    id: int
    full_name: str


def reviewer_names() -> list[ReviewerName]:
    """The same people as reviewers(), by id and name alone: what the queue and the review
    page show of them."""
    return [ReviewerName(*row) for row in accounts.names_of_active_staff_who_may(REVIEW_CAPABILITY)]


# The queue (its rows: portal/reviews/queue.py) -------------------------------------------------


def service_level_days() -> int:
    """Working days an application may wait for a decision before it is overdue."""
    return framework_settings().review_service_level_days


def overdue_before(on: date, service_level: int) -> datetime:
    """The moment before which an application submitted has waited more than `service_level`
    working days by `on`: the start (in London) of the first day counted as not overdue."""
    day = on
    while working_days_between(day - timedelta(days=1), on) <= service_level:
        day -= timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=LONDON)


# What is waiting -----------------------------------------------------------------------------


# Built once: a statement built for every request costs more than running it. One read of the
# waiting applications from the index by status and submission, joined only to the user's own
# reviews (the index by assignee: a few hundred), not to every review (10x: 1,200 applications
# hashed against 8,800 reviews). An application has one review at most, so the counts are those
# of a join to every review.
_WAITING_COUNTS = (
    select(
        func.count(case((Application.submitted_at < bindparam("before"), 1))),
        func.count(Review.id),
        func.count(),
    )
    .select_from(Application)
    .outerjoin(
        Review,
        and_(
            Review.application_id == Application.id,
            Review.assigned_to_id == bindparam("user_id"),
        ),
    )
    .where(Application.status.in_(WAITING))
)


def waiting_for(user: User, organisations: list[Organisation]) -> list[Figures]:
    """For reviewers (and admins): the applications past the service level, those assigned to
    them, and all those waiting for a decision, each counted (figures read with the home's
    others) and linked to the queue filtered to them."""
    if user.role not in REVIEWING_ROLES:
        return []
    service_level = service_level_days()

    def items(counts: Sequence[Any]) -> list[Waiting]:
        return _applications_waiting(user, service_level, *counts)

    params = {"before": overdue_before(today(), service_level), "user_id": user.id}
    return [Figures(_WAITING_COUNTS, params, items)]


def _applications_waiting(
    user: User, service_level: int, overdue: int, mine: int, total: int
) -> list[Waiting]:
    items = []
    if overdue:
        items.append(
            Waiting(
                link="Applications over the service level",
                endpoint="reviews.queue",
                args={"flag": OVERDUE},
                hint=f"{plural(overdue, 'application has', 'applications have')} waited more "
                f"than {service_level} working days for a decision",
                urgency=OVERDUE_URGENCY,
            )
        )
    if mine:
        items.append(
            Waiting(
                link="Applications assigned to you",
                endpoint="reviews.queue",
                args={"assignee": user.id},
                hint=f"{plural(mine, 'application', 'applications')} waiting for your decision",
                urgency=DUE_SOON,
            )
        )
    if total:
        items.append(
            Waiting(
                link="Applications waiting for a decision",
                endpoint="reviews.queue",
                hint=f"{plural(total, 'application', 'applications')} in the queue",
            )
        )
    return items


# Assigning and opening -----------------------------------------------------------------------


def assign(actor: User, application: Application, assignee_id: int | None) -> None:
    """Give the application to a reviewer (or to nobody). Raises ReviewError for someone who
    cannot review."""
    _check_open(application)
    assignee = db.session.get(User, assignee_id) if assignee_id else None
    if assignee_id and (
        assignee is None or assignee.role not in REVIEWING_ROLES or not assignee.is_active
    ):
        raise ReviewError("Select a reviewer from the list", field="assignee")
    review = review_of(application)
    before = review.assigned_to_id
    if before == assignee_id:
        return
    review.assigned_to_id = assignee_id
    record_change(
        "review.assigned",
        application,
        actor,
        application.organisation_id,
        before={"assigned_to_id": before},
        after={"assigned_to_id": assignee_id},
        object_type="application",
    )
    db.session.flush()


def start_review(reviewer: User, application: Application) -> None:
    """A reviewer starts the review: a submitted application moves to in review, and the first
    to start it is recorded as its opener (four-eyes keeps them from also confirming an
    approval). Only a POST starts it, so a link followed from elsewhere cannot make someone the
    opener. Starting one that is already in review changes nothing; raises AlreadyDecided when
    the application has been decided or returned since."""
    review = review_of(application)
    if application.status == SUBMITTED:
        try:
            applications.transition(application, IN_REVIEW, reviewer)
        except applications.ApplicationChanged:
            # Another reviewer started it at the same moment: it is in review either way.
            db.session.refresh(application)
    if application.status != IN_REVIEW:
        raise AlreadyDecided(decided_message(application))
    if review.opened_by_id is None:
        review.opened_by_id, review.opened_at = reviewer.id, utcnow()
        db.session.flush()


def _check_open(application: Application) -> None:
    if application.status not in WAITING:
        raise AlreadyDecided(decided_message(application))


def check_in_review(application: Application) -> None:
    """Raises AlreadyDecided, saying who decided and when, unless the application is in
    review: comments and decisions are made only then."""
    if application.status != IN_REVIEW:
        raise AlreadyDecided(decided_message(application))


def decided_message(application: Application) -> str:
    decision = db.session.scalar(
        select(Decision)
        .where(Decision.application_id == application.id)
        .order_by(Decision.id.desc())
        .limit(1)
        .options(joinedload(Decision.decided_by))
    )
    if decision is None:
        return f"This application is {application.status_label.lower()}: it cannot be changed"
    who = decision.decided_by.full_name if decision.decided_by else "another reviewer"
    verb = {
        decision_kinds.RETURNED: "returned to the provider",
        decision_kinds.APPROVED: "approved",
        decision_kinds.REJECTED: "rejected",
    }[decision.kind]
    return (
        f"This application was {verb} by {who} at {format_time(decision.decided_at)} on "
        f"{format_date(decision.decided_at)}"
    )


# Comments and the private note ---------------------------------------------------------------


# Built once, the submission's id bound: the review page reads them on every view.
_COMMENTS = (
    select(ReviewComment)
    .where(ReviewComment.submission_id == bindparam("submission_id"))
    .options(joinedload(ReviewComment.author))
)


def comments_on(submission: ApplicationSubmission) -> dict[str, ReviewComment]:
    """The comments on a submission, by question id."""
    return {
        comment.question_id: comment
        for comment in db.session.scalars(_COMMENTS, {"submission_id": submission.id})
    }


@dataclass(frozen=True)
class EarlierComment:
    submission_number: int
    comment: ReviewComment


def earlier_comments(submission: ApplicationSubmission) -> dict[str, list[EarlierComment]]:
    """The comments sent to the provider on the application's earlier submissions, by question
    id, oldest first: on a resubmission the reviewer sees what the council asked for before,
    beside the answer given since. One query, none for a first submission."""
    found: dict[str, list[EarlierComment]] = {}
    if submission.number == 1:
        return found  # a first submission has no earlier rounds: no query
    for number, comment in db.session.execute(
        select(ApplicationSubmission.number, ReviewComment)
        .join(ApplicationSubmission, ApplicationSubmission.id == ReviewComment.submission_id)
        .where(
            ReviewComment.application_id == submission.application_id,
            ApplicationSubmission.number < submission.number,
            ReviewComment.shared_at.is_not(None),
        )
        .options(joinedload(ReviewComment.author))
        .order_by(ApplicationSubmission.number)
    ):
        found.setdefault(comment.question_id, []).append(EarlierComment(number, comment))
    return found


@dataclass(frozen=True)
class CommentTarget:
    """A question of the latest submission, as asked and answered, with its comment if any."""

    submission: ApplicationSubmission
    copy: snapshots.SubmittedCopy
    question: Question
    answer: Any
    comment: ReviewComment | None


def comment_target(application: Application, question_id: str) -> CommentTarget:
    """The question `question_id` of the latest submission, read once for the comment page and
    its save. Raises NotFoundForUser (404) for a question that was not asked, and
    AlreadyDecided unless the application is in review."""
    check_in_review(application)
    submission = applications.latest_submission(application)
    copy = snapshots.read(submission.snapshot)
    for _section, rows in copy.sections:
        for question, answer in rows:
            if question.id == question_id:
                comment = comments_on(submission).get(question_id)
                return CommentTarget(submission, copy, question, answer, comment)
    raise NotFoundForUser()


def save_comment(
    reviewer: User, application: Application, target: CommentTarget, body: str | None
) -> ReviewComment | None:
    """Write, change or (an empty body) remove the reviewer's comment on `target`. Raises
    ReviewError for a comment that is too long."""
    body = (body or "").strip()
    if len(body) > COMMENT_MAX_LENGTH:
        raise ReviewError(
            f"Comment must be {COMMENT_MAX_LENGTH:,} characters or less", field="comment"
        )
    question_id, submission, comment = target.question.id, target.submission, target.comment
    before = comment.body if comment else None
    if body == (before or ""):
        return comment  # a second click, or saved unchanged: nothing to record
    if not body:
        if comment is not None:
            db.session.delete(comment)
        comment = None
    elif comment is None:
        comment = ReviewComment(
            application_id=application.id,
            submission_id=submission.id,
            question_id=question_id,
            body=body,
            author_id=reviewer.id,
        )
        db.session.add(comment)
    else:
        comment.body, comment.author_id, comment.updated_at = body, reviewer.id, utcnow()
    record_change(
        "review.comment_saved",
        application,
        reviewer,
        application.organisation_id,
        before={"question": question_id, "comment": before},
        after={"question": question_id, "comment": body or None},
        object_type="application",
    )
    db.session.flush()
    return comment


def save_note(reviewer: User, application: Application, note: str | None) -> None:
    """The council's private note: never shown to the provider."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ReviewError(f"Note must be {NOTE_MAX_LENGTH:,} characters or less", field="note")
    review = review_of(application)
    if review.private_note == note:
        return
    review.private_note = note
    review.note_updated_by_id, review.note_updated_at = reviewer.id, utcnow()
    record_change(
        "review.note_saved",
        application,
        reviewer,
        application.organisation_id,
        object_type="application",
    )
    db.session.flush()


def shared_comments(application: Application) -> dict[str, ReviewComment]:
    """What the provider sees of the comments: those on the submission that was last returned,
    by question id (none unless the application is returned to them now)."""
    if application.status != RETURNED:
        return {}
    submission_id = db.session.scalar(
        select(Decision.submission_id)
        .where(Decision.application_id == application.id, Decision.kind == "returned")
        .order_by(Decision.id.desc())
        .limit(1)
    )
    return {
        comment.question_id: comment
        for comment in db.session.scalars(
            select(ReviewComment).where(
                ReviewComment.submission_id == submission_id,
                ReviewComment.shared_at.is_not(None),
            )
        )
    }


def provider_decision(application: Application) -> Decision | None:
    """The decision the provider is shown: the one that returned their application (while it is
    returned) or decided it; None while it waits."""
    if application.status not in (RETURNED, APPROVED, REJECTED):
        return None
    return db.session.scalar(
        select(Decision)
        .where(Decision.application_id == application.id)
        .order_by(Decision.id.desc())
        .limit(1)
    )


# What changed in a resubmission ----------------------------------------------------------------


def changed_answers(submission: ApplicationSubmission) -> set[str]:
    """The questions whose answers differ between `submission` and the one before it (asked in
    one and not the other counts): highlighted for the reviewer of a resubmission."""
    if submission.number == 1:
        return set()
    # Only the earlier snapshot's answers: the questionnaire frozen with them is most of it.
    old = db.session.scalar(
        select(ApplicationSubmission.snapshot["answers"]).where(
            ApplicationSubmission.application_id == submission.application_id,
            ApplicationSubmission.number == submission.number - 1,
        )
    )
    new = submission.snapshot["answers"]
    return {qid for qid in new.keys() | old.keys() if new.get(qid) != old.get(qid)}
