"""Drafting and publishing: a commissioner writes a competition (details, questions, files,
the panel), publishes it to every eligible provider on the lot, extends its deadline or cancels
it; and the council's list of competitions and who was invited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.accounts.models import User
from portal.accounts.services import active_staff_who_may
from portal.admissions import services as admissions
from portal.audit.services import record_change
from portal.capacity import listing
from portal.capacity import services as capacity
from portal.capacity.models import Capacity
from portal.competitions import ocds
from portal.competitions.clock import format_deadline, is_sealed, london_today, now
from portal.competitions.models import (
    CANCELLED,
    DRAFT,
    LOCAL_ONLY,
    LOCAL_WEIGHTED,
    PLACEMENT_REQUEST,
    PUBLISHED,
    QUOTE_SUBMITTED,
    TEXT_ANSWER,
    TOTAL_PRICE,
    Competition,
    CompetitionAttachment,
    Evaluator,
    Invitation,
    QualityQuestion,
    Quote,
)
from portal.competitions.services import placement_requests
from portal.competitions.services.common import (
    CHANGED,
    COMPETITION_WORKFLOW,
    CompetitionError,
    Details,
    _email_invited,
    _jsonable,
    _move_competition,
    _reason,
)
from portal.competitions.services.placement_requests import (
    _placement_weights,
    placement_problems,
    placement_questions,
)
from portal.core import workflow
from portal.core.db import db
from portal.core.errors import NotFoundForUser
from portal.core.pagination import PER_PAGE, Page, rows_and_total
from portal.documents import files, uploads
from portal.documents import services as documents
from portal.documents.models import PENDING, PURPOSE_COUNCIL_DOCUMENT
from portal.lots.models import Lot
from portal.organisations.models import Organisation


def check_details(details: Details, at: datetime) -> list[tuple[str, str]]:
    """Every problem with `details`, as (field, message): weights, deadlines and, for a
    placement request, anything that looks like a child's personal data."""
    problems = []
    local = details.local_weight if details.local_preference == LOCAL_WEIGHTED else 0
    if details.kind != PLACEMENT_REQUEST and (
        details.quality_weight + details.price_weight + local != 100
    ):
        total = details.quality_weight + details.price_weight + local
        problems.append(("quality_weight", f"The weights must total 100. They total {total} now"))
    if details.price_basis == TOTAL_PRICE:
        details.planned_units = None
    elif not details.planned_units:
        problems.append(
            (
                "planned_units",
                "Enter how many hours, days or placements the council will buy",
            )
        )
    if details.clarification_deadline <= at:
        problems.append(("clarification_deadline", "Questions deadline must be in the future"))
    if details.submission_deadline <= at:
        problems.append(("submission_deadline", "Quotes deadline must be in the future"))
    elif details.clarification_deadline >= details.submission_deadline:
        problems.append(
            (
                "clarification_deadline",
                "Questions deadline must be before the deadline for quotes",
            )
        )
    if details.kind == PLACEMENT_REQUEST:
        problems += placement_problems(details, at)
    return problems


def _settle(details: Details) -> None:
    """Check a draft's details, raising CompetitionError naming the first field with a
    problem; a placement request takes the published method's weights, and a competition
    without a local preference weighs it at nothing."""
    if details.kind == PLACEMENT_REQUEST:
        _placement_weights(details)
    problems = check_details(details, now())
    if problems:
        raise CompetitionError(problems[0][1], problems[0][0])
    if details.local_preference != LOCAL_WEIGHTED:
        details.local_weight = 0


def create_competition(actor: User, details: Details) -> Competition:
    """A new draft. Raises CompetitionError naming the first field with a problem. A placement
    request gets the published methodology's questions and weights."""
    _settle(details)
    competition = Competition(**vars(details), status=DRAFT, created_by_id=actor.id)
    if details.kind == PLACEMENT_REQUEST:
        competition.questions.extend(placement_questions())
    db.session.add(competition)
    db.session.flush()
    record_change("competition.created", competition, actor, after={"title": details.title})
    placement_requests.tell(placement_requests.MADE, actor, competition)
    return competition


def update_competition(
    actor: User, competition: Competition, details: Details, seen: int | None
) -> None:
    """Change a draft's details. Raises CompetitionError."""
    _check_draft(competition, seen)
    details.kind = competition.kind
    _settle(details)
    for name, value in vars(details).items():
        setattr(competition, name, value)
    _draft_changed(competition, actor, "competition.updated", after={"title": details.title})


def _draft_changed(
    competition: Competition,
    actor: User,
    action: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """A change to a draft, written now (what it added has its id) and audited as `action`: its
    version goes up, so a page showing the draft as it was is out of date."""
    competition.lock_version += 1
    db.session.flush()
    record_change(action, competition, actor, before=before, after=after)


def _check_draft(competition: Competition, seen: int | None = None) -> None:
    if competition.status != DRAFT:
        raise CompetitionError("Only a draft can be changed: this competition has been published")
    if seen is not None and seen != competition.lock_version:
        raise CompetitionError(CHANGED)


def add_question(
    actor: User, competition: Competition, text: str, weight: int, word_limit: int
) -> QualityQuestion:
    _check_draft(competition)
    if competition.is_placement:
        raise CompetitionError("A placement request's questions are set by the published method")
    position = max((q.position for q in competition.questions), default=0) + 1
    question = QualityQuestion(
        position=position, text=text, weight=weight, word_limit=word_limit, answer_kind=TEXT_ANSWER
    )
    competition.questions.append(question)
    _draft_changed(competition, actor, "competition.question_added", after={"question": text})
    return question


def remove_question(actor: User, competition: Competition, question_id: int) -> None:
    _check_draft(competition)
    question = next((q for q in competition.questions if q.id == question_id), None)
    if question is None or competition.is_placement:
        raise NotFoundForUser()
    competition.questions.remove(question)
    _draft_changed(
        competition, actor, "competition.question_removed", before={"question": question.text}
    )


# Attachments: the council's own files, published with the competition ---------------------------


def attach_to_competition(actor: User, competition: Competition, storage) -> CompetitionAttachment:
    """Check and store a file to publish with the draft, in the council's part of the document
    store, with every upload's checks (size, type by content, zip bombs, macros, scripts, the
    virus scanner). Raises UploadRefused, StoreUnavailable or CompetitionError; nothing is saved
    then."""
    _check_draft(competition)
    checked = uploads.check_upload(storage, uploads.DOCUMENT_TYPES)
    stored = files.store_file(actor, None, checked, purpose=PURPOSE_COUNCIL_DOCUMENT)
    attachment = CompetitionAttachment(file=stored)
    competition.attachments.append(attachment)
    _draft_changed(
        competition,
        actor,
        "competition.file_attached",
        after={
            "file_id": stored.id,
            "filename": stored.original_filename,
            "sha256": stored.sha256,
            "scan_state": stored.scan_state,
        },
    )
    return attachment


def _competition_attachment(competition: Competition, attachment_id: int) -> CompetitionAttachment:
    found = next((a for a in competition.attachments if a.id == attachment_id), None)
    if found is None:
        raise NotFoundForUser()
    return found


def remove_from_competition(actor: User, competition: Competition, attachment_id: int) -> None:
    """Take a file off the draft and out of the store: before publication nobody outside the
    council has seen it. Raises CompetitionError once the competition is published."""
    _check_draft(competition)
    attachment = _competition_attachment(competition, attachment_id)
    stored = attachment.file
    competition.attachments.remove(attachment)
    _draft_changed(
        competition,
        actor,
        "competition.file_removed",
        before={"file_id": stored.id, "filename": stored.original_filename},
    )
    files.delete_file(stored)


def competition_download(user: User, competition: Competition, attachment_id: int) -> str:
    """A short-lived link to one of the competition's files. The caller has loaded the
    competition for `user` (council staff, or a member of an invited organisation); council
    downloads are audited. Raises NotFoundForUser or files.FileNotAvailable."""
    attachment = _competition_attachment(competition, attachment_id)
    return files.download_url(
        user, attachment.file, object_type="competition", object_id=competition.id
    )


def _attachment_problems(competition: Competition) -> list[str]:
    problems = []
    for attachment in competition.attachments:
        name = attachment.file.original_filename
        if attachment.file.scan_state == PENDING and attachment.file.is_available:
            problems.append(f"‘{name}’ is waiting for its virus check: wait, or remove it")
        elif not attachment.file.is_available:
            problems.append(f"Remove ‘{name}’: it cannot be downloaded")
    return problems


# The panel, named before the quotes open --------------------------------------------------------


def staff_who_can_evaluate() -> list[User]:
    """Council staff, but not those whose accounts are deactivated: they have left."""
    return active_staff_who_may("sit_on_evaluation_panels")


_EVALUATORS = (
    select(Evaluator)
    .where(Evaluator.competition_id == bindparam("competition_id"))
    .options(joinedload(Evaluator.user))
    .order_by(Evaluator.is_lead.desc(), Evaluator.id)
)


def evaluators_of(competition: Competition) -> list[Evaluator]:
    return list(db.session.scalars(_EVALUATORS, {"competition_id": competition.id}))


def set_evaluators(
    actor: User, competition: Competition, user_ids: list[int], lead_id: int | None
) -> None:
    """Name the panel (and its lead) before the quotes open. A mini-competition needs at least
    two evaluators and a lead among them; a placement request (lighter evaluation) one."""
    if competition.status not in (DRAFT, PUBLISHED) or not is_sealed(competition, now()):
        raise CompetitionError("The panel cannot change once the deadline for quotes has passed")
    staff = {user.id: user for user in staff_who_can_evaluate()}
    chosen = [user_id for user_id in dict.fromkeys(user_ids) if user_id in staff]
    needed = 1 if competition.is_placement else 2
    if len(chosen) < needed:
        raise CompetitionError(
            "Choose at least one evaluator"
            if needed == 1
            else "Choose at least two evaluators, so that scores can be moderated",
            "evaluators",
        )
    if competition.is_placement:
        lead_id = chosen[0] if len(chosen) == 1 else lead_id
    if lead_id not in chosen:
        raise CompetitionError("Choose the lead evaluator from the evaluators", "lead")
    for evaluator in evaluators_of(competition):
        db.session.delete(evaluator)
    db.session.flush()
    for user_id in chosen:
        db.session.add(
            Evaluator(competition_id=competition.id, user_id=user_id, is_lead=user_id == lead_id)
        )
    _draft_changed(
        competition,
        actor,
        "competition.evaluators_named",
        after={"evaluators": chosen, "lead": lead_id},
    )


# Publishing -------------------------------------------------------------------------------------


def publish_problems(competition: Competition, at: datetime) -> list[str]:
    """What stops the draft being published, in words for the commissioner."""
    problems = []
    if not competition.questions:
        problems.append("Add at least one quality question")
    weights = sum(question.weight for question in competition.questions)
    if competition.questions and weights != competition.quality_weight:
        problems.append(
            f"The question weights total {weights}, but quality counts for "
            f"{competition.quality_weight}: they must be the same"
        )
    if competition.submission_deadline <= at or competition.clarification_deadline <= at:
        problems.append("Change the deadlines: they must be in the future")
    evaluators = evaluators_of(competition)
    if len(evaluators) < (1 if competition.is_placement else 2):
        problems.append("Name the evaluators")
    return problems + _attachment_problems(competition)


def matching_capacity_rows(competition: Competition) -> list[listing.CapacityRow]:
    """`matching_capacity`, stale or not, as the draft's table shows it."""
    return listing.rows_of(matching_capacity(competition))


def matching_capacity(competition: Competition, *, confirmed_only: bool = False) -> list[Capacity]:
    """The capacity that fits a placement request: on its lot, serving its age band, with every
    need it names, in its area (capacity.matching)."""
    return capacity.matching(
        competition.lot_id,
        competition.age_band,
        competition.needs or [],
        competition.area,
        confirmed_only=confirmed_only,
    )


def invitable(competition: Competition) -> list[Organisation]:
    """Who publishing would invite: admitted to the lot and not suspended, eligible for call-offs
    (documents.call_off_problems: every required document held, in date and reviewed), and based
    in the borough if the council invites only local providers. A placement request limited to
    matching capacity (its capacity_limit_reason) invites only those of them with matching
    capacity confirmed in the last 30 days."""
    admitted = admissions.invitable_organisations(competition.lot)
    problems = documents.call_off_problems_of([each.id for each in admitted], london_today(now()))
    limited = competition.is_placement and competition.capacity_limit_reason is not None
    matching = (
        {each.organisation_id for each in matching_capacity(competition, confirmed_only=True)}
        if limited
        else set()
    )
    return [
        organisation
        for organisation in admitted
        if not problems[organisation.id]
        and (competition.local_preference != LOCAL_ONLY or organisation.is_local)
        and (not limited or organisation.id in matching)
    ]


def publish(actor: User, competition: Competition, seen: int | None) -> list[Invitation]:
    """Publish the draft: invite (and email) every eligible provider on the lot, recording who
    was invited. Raises CompetitionError."""
    at = now()
    problems = publish_problems(competition, at)
    if competition.status == DRAFT and problems:
        raise CompetitionError(problems[0])
    organisations = invitable(competition)
    if competition.status == DRAFT and not organisations:
        if competition.is_placement and competition.capacity_limit_reason is not None:
            raise CompetitionError(
                "No provider can be invited: none eligible on "
                f"{competition.lot.name} has matching capacity confirmed in the last 30 days. "
                "Change the details to invite every eligible provider, or wait for capacity"
            )
        raise CompetitionError(
            f"No provider can be invited: none is on {competition.lot.name} and eligible"
        )
    _move_competition(
        actor,
        competition,
        PUBLISHED,
        seen,
        "competition.published",
        published_at=at,
        invited_count=len(organisations),
    )
    invitations = [
        Invitation(competition_id=competition.id, organisation_id=organisation.id, invited_at=at)
        for organisation in organisations
    ]
    db.session.add_all(invitations)
    db.session.flush()
    record_change(
        "competition.invited",
        competition,
        actor,
        after={
            "organisations": [organisation.id for organisation in organisations],
            "limited_to_capacity": competition.capacity_limit_reason,
        },
    )
    kind = competition.kind_label
    _email_invited(competition, f"New {kind.lower()}", "competition_published")
    return invitations


def cancel(actor: User, competition: Competition, reason: str, seen: int | None) -> None:
    """Cancel at any stage before the award is confirmed, telling everyone invited why."""
    reason = _reason(reason)
    _move_competition(
        actor,
        competition,
        CANCELLED,
        seen,
        "competition.cancelled",
        cancelled_at=now(),
        cancel_reason=reason,
    )
    _email_invited(competition, "Cancelled", "competition_cancelled", reason=reason)
    placement_requests.tell(placement_requests.CANCELLED, actor, competition)


def extend_deadline(
    actor: User,
    competition: Competition,
    quotes: datetime,
    questions: datetime | None,
    reason: str,
    seen: int | None,
) -> None:
    """Move a published competition's deadline for quotes later (and its deadline for questions,
    when given), before the current one has passed, with a reason. Every invitee is emailed, the
    change audited and published as an OCDS tender amendment. Raises CompetitionError."""
    at = now()
    if competition.status != PUBLISHED:
        raise CompetitionError("Only an open competition's deadline can be extended")
    if competition.submission_deadline <= at:
        raise CompetitionError(
            "The deadline for quotes has passed, so it cannot be extended", "submission_date"
        )
    if quotes <= competition.submission_deadline:
        raise CompetitionError(
            "The new deadline for quotes must be later than the current one, "
            f"{format_deadline(competition.submission_deadline)}",
            "submission_date",
        )
    if questions is not None:
        if competition.clarification_deadline <= at:
            raise CompetitionError(
                "The deadline for questions has passed, so it cannot be extended",
                "clarification_date",
            )
        if questions <= competition.clarification_deadline:
            raise CompetitionError(
                "The new deadline for questions must be later than the current one, "
                f"{format_deadline(competition.clarification_deadline)}",
                "clarification_date",
            )
        if questions >= quotes:
            raise CompetitionError(
                "The new deadline for questions must be before the deadline for quotes",
                "clarification_date",
            )
    reason = _reason(reason)
    before = {
        "submission_deadline": competition.submission_deadline,
        "clarification_deadline": competition.clarification_deadline,
    }
    after = {
        "submission_deadline": quotes,
        "clarification_deadline": questions or before["clarification_deadline"],
    }
    # Compared with the version loaded when the page sent none: a move since then (an award,
    # a cancellation) counts in it, so the deadline of a competition no longer open is never
    # moved.
    workflow.change(
        competition,
        COMPETITION_WORKFLOW,
        seen=competition.lock_version if seen is None else seen,
        **after,
    )
    record_change(
        "competition.deadline_extended",
        competition,
        actor,
        before=_jsonable(before),
        after=_jsonable(after | {"reason": reason}),
    )
    ocds.record_release(competition, ocds.AMENDMENT, rationale=reason, changed=before)
    _email_invited(
        competition,
        "Deadline extended",
        "competition_deadline_extended",
        reason=reason,
        questions=format_deadline(competition.clarification_deadline) if questions else None,
    )


# Reading: the council's list and who was invited ------------------------------------------------


@dataclass(frozen=True)
class Counts:
    invited: int = 0
    declined: int = 0
    submitted: int = 0  # never which ones, before the deadline


# Built once (a statement built per request costs more than it takes PostgreSQL to answer):
# both counts in one statement, each reading only the declines or the submitted quotes.
_COUNTS = select(
    select(func.count(Invitation.id))
    .where(
        Invitation.competition_id == bindparam("competition_id"),
        Invitation.declined_at.is_not(None),
    )
    .scalar_subquery(),
    select(func.count(Quote.id))
    .where(Quote.competition_id == bindparam("competition_id"), Quote.status == QUOTE_SUBMITTED)
    .scalar_subquery(),
)


def counts(competition: Competition) -> Counts:
    """How many were invited, declined and have a submitted quote: all the council may know of
    the quotes before the deadline."""
    declined, submitted = db.session.execute(_COUNTS, {"competition_id": competition.id}).one()
    return Counts(competition.invited_count, declined, submitted)


def invitees(competition: Competition, number: int) -> Page:
    """Who was invited and who declined (with why): never who has quoted."""
    counted = select(func.count(Invitation.id)).where(Invitation.competition_id == competition.id)
    # How many in all rides on the page's rows (pagination.rows_and_total), counted by a
    # subquery not correlated to them: not a statement of its own.
    query = (
        select(Invitation, counted.correlate(None).scalar_subquery().label("total"))
        .join(Invitation.organisation)
        .where(Invitation.competition_id == competition.id)
        .options(contains_eager(Invitation.organisation))
        .order_by(Organisation.legal_name, Organisation.id)
        .limit(PER_PAGE)
    )
    rows, number, total = rows_and_total(
        number,
        lambda first: db.session.execute(query.offset(first)).all(),
        lambda: db.count(counted),
    )
    return Page([row[0] for row in rows], number, total)


def lots() -> list[Lot]:
    return list(
        db.session.scalars(select(Lot).where(Lot.is_active.is_(True)).order_by(Lot.position))
    )
