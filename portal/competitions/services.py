"""The rules for mini-competitions and placement requests.

Two state machines, each with one table and one function that moves along it: COMPETITION_MOVES
(draft → published → awarded → confirmed, or cancelled) and QUOTE_MOVES (draft → submitted ↔
withdrawn, submitted again for each revision). Each move checks the table and the row's
lock_version in one UPDATE, records an audit event and queues its emails.

Whether a competition is open is read from its deadlines against `now()`, the database's clock,
never the browser's. Quotes are sealed: every function that hands the council a quote, a price,
an answer or an attachment goes through `_unsealed`, which refuses (404) before the submission
deadline, whoever asks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import ADMIN, COMMISSIONER, STAFF_ROLES, User
from portal.admissions import services as admissions
from portal.admissions.models import ADMITTED, Admission
from portal.audit.services import record_event
from portal.competitions import ocds, personal_data, scoring
from portal.competitions.models import (
    AWARDED,
    CANCELLED,
    CONFIRMED,
    DISTANCE_BAND,
    DRAFT,
    LOCAL_ONLY,
    LOCAL_WEIGHTED,
    PLACEMENT_REQUEST,
    PUBLISHED,
    QUOTE_DRAFT,
    QUOTE_SUBMITTED,
    QUOTE_WITHDRAWN,
    TEXT_ANSWER,
    TOTAL_PRICE,
    Clarification,
    Competition,
    CompetitionAttachment,
    Evaluator,
    Invitation,
    ModeratedScore,
    QualityQuestion,
    Quote,
    QuoteAttachment,
    QuoteVersion,
    Score,
)
from portal.core.db import db
from portal.core.errors import NotFoundForUser
from portal.core.numbers import plain_decimal, whole_number
from portal.core.pagination import PER_PAGE, Page, offset_of
from portal.core.time import LONDON, add_working_days, as_utc, format_date
from portal.documents import files, uploads
from portal.documents import services as documents
from portal.documents.models import PENDING, PURPOSE_COUNCIL_DOCUMENT, PURPOSE_DOCUMENT
from portal.lots.models import Lot
from portal.organisations.models import Membership, Organisation
from portal.outbox.services import queue_email

MANAGERS = (COMMISSIONER, ADMIN)
REASON_LIMIT = 2000
ANSWER_LIMIT = 5000
CLOSING_SOON = timedelta(hours=48)
STANDSTILL_WORKING_DAYS = 8
MAX_PRICE_PENCE = 10**12


class CompetitionError(Exception):
    """Something that cannot be done, with a message to show (on `field` when given)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class QuoteChanged(CompetitionError):
    """The quote changed after the page was shown (another tab, a colleague): QUOTE_CHANGED.
    The quote the exception is raised for has been refreshed to what is saved now."""

    def __init__(self) -> None:
        super().__init__(QUOTE_CHANGED)


# The clock -------------------------------------------------------------------------------------


def database_now() -> datetime:
    """The database's clock, in UTC: every deadline is judged by it, never by the browser's
    clock or a web server's."""
    if db.is_postgresql:
        return as_utc(db.session.scalar(select(func.now())))
    text = db.session.scalar(select(func.strftime("%Y-%m-%d %H:%M:%f", "now")))
    return as_utc(datetime.fromisoformat(text))


def now() -> datetime:
    """The time every deadline is judged by: the database's clock. Tests move it with the
    COMPETITION_CLOCK_OFFSET setting (a timedelta), so no test has to wait for a deadline."""
    return database_now() + current_app.config.get("COMPETITION_CLOCK_OFFSET", timedelta(0))


def london_today(at: datetime) -> date:
    return at.astimezone(LONDON).date()


def format_deadline(moment: datetime) -> str:
    """'12pm on Friday 5 March 2027': a deadline with the day of the week, London time."""
    local = as_utc(moment).astimezone(LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    time = f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"
    return f"{time} on {local:%A} {format_date(local)}"


def is_open(competition: Competition, at: datetime) -> bool:
    return competition.status == PUBLISHED and at < competition.submission_deadline


def is_sealed(competition: Competition, at: datetime) -> bool:
    return competition.status == DRAFT or at < competition.submission_deadline


def questions_open(competition: Competition, at: datetime) -> bool:
    return competition.status == PUBLISHED and at < competition.clarification_deadline


@dataclass(frozen=True)
class Stage:
    label: str
    colour: str
    time_left: str = ""


def stage(competition: Competition, at: datetime) -> Stage:
    """Where the competition is, read from its status and deadlines."""
    if competition.status == DRAFT:
        return Stage("Draft", "grey")
    if competition.status == CANCELLED:
        return Stage("Cancelled", "red")
    if competition.status == AWARDED:
        return Stage("Awarded, in standstill", "blue")
    if competition.status == CONFIRMED:
        return Stage("Awarded", "green")
    left = competition.submission_deadline - at
    if left <= timedelta(0):
        return Stage("Closed", "orange")
    if left <= CLOSING_SOON:
        return Stage("Closing soon", "yellow", time_left(left))
    return Stage("Open", "turquoise", time_left(left))


def time_left(left: timedelta) -> str:
    days, hours = left.days, left.seconds // 3600
    if days >= 2:
        return f"{days} days left"
    hours += days * 24
    if hours >= 1:
        return f"{hours} hour{'s' if hours != 1 else ''} left"
    minutes = max(1, left.seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''} left"


# State machines ------------------------------------------------------------------------------

COMPETITION_MOVES = {
    (DRAFT, PUBLISHED),
    (DRAFT, CANCELLED),
    (PUBLISHED, AWARDED),
    (PUBLISHED, CANCELLED),
    (AWARDED, CONFIRMED),
    (AWARDED, CANCELLED),
}
QUOTE_MOVES = {
    (QUOTE_DRAFT, QUOTE_SUBMITTED),
    (QUOTE_SUBMITTED, QUOTE_SUBMITTED),  # a revision
    (QUOTE_SUBMITTED, QUOTE_WITHDRAWN),
    (QUOTE_WITHDRAWN, QUOTE_SUBMITTED),
}
_COMPETITION_REFUSALS = {
    PUBLISHED: "This competition has already been published",
    AWARDED: "This competition has already been awarded",
    CONFIRMED: "This competition's award has been confirmed",
    CANCELLED: "This competition has been cancelled",
    DRAFT: "This competition has not been published",
}
CHANGED = "This competition has changed since you opened the page. Check it and try again"
QUOTE_CHANGED = "Your quote has changed since you opened the page. Check it and try again"


def _move_competition(
    actor: User, competition: Competition, to: str, seen: int | None, action: str, **values
) -> None:
    """Move the competition to `to` if COMPETITION_MOVES allows it and nobody has changed it
    since `seen` (its lock_version when the page was shown); record `action`."""
    before = competition.status
    if (before, to) not in COMPETITION_MOVES:
        raise CompetitionError(_COMPETITION_REFUSALS[before])
    if seen is not None and seen != competition.lock_version:
        raise CompetitionError(CHANGED)
    values = {"status": to, "lock_version": competition.lock_version + 1, **values}
    moved = db.session.execute(
        update(Competition)
        .where(
            Competition.id == competition.id,
            Competition.lock_version == competition.lock_version,
            Competition.status == before,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.refresh(competition)
        raise CompetitionError(CHANGED)
    for name, value in values.items():
        set_committed_value(competition, name, value)
    _audit(action, actor, competition, before={"status": before}, after=_jsonable(values))
    if to in ocds.TAG_OF_MOVE and competition.published_at is not None:
        ocds.record_release(competition, ocds.TAG_OF_MOVE[to])


def _move_quote(actor: User, quote: Quote, to: str, seen: int | None, **values) -> None:
    before = quote.status
    if (before, to) not in QUOTE_MOVES:
        raise CompetitionError(
            "Your quote has been withdrawn: submit it again to take part"
            if before == QUOTE_WITHDRAWN
            else "You have not submitted a quote"
        )
    if seen is not None and seen != quote.lock_version:
        raise QuoteChanged()
    values = {"status": to, "lock_version": quote.lock_version + 1, **values}
    moved = db.session.execute(
        update(Quote)
        .where(Quote.id == quote.id, Quote.lock_version == quote.lock_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.refresh(quote)
        raise QuoteChanged()
    for name, value in values.items():
        set_committed_value(quote, name, value)


def _jsonable(values: dict) -> dict:
    return {
        key: value.isoformat() if isinstance(value, (date, datetime)) else value
        for key, value in values.items()
    }


def _audit(action: str, actor: User | None, competition: Competition, **detail) -> None:
    record_event(
        action,
        object_type="competition",
        object_id=competition.id,
        actor_id=actor.id if actor else None,
        **detail,
    )


def _members(organisation_ids: list[int]) -> dict[int, list[User]]:
    """The members of each organisation, in one query."""
    members: dict[int, list[User]] = defaultdict(list)
    for membership in db.session.scalars(
        select(Membership)
        .where(Membership.organisation_id.in_(organisation_ids))
        .options(joinedload(Membership.user))
    ):
        members[membership.organisation_id].append(membership.user)
    return members


def _email_invited(competition: Competition, subject: str, template: str, **context) -> None:
    """Email every member of every invited organisation."""
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.competition_id == competition.id)
        .options(joinedload(Invitation.organisation))
    ).all()
    members = _members([invitation.organisation_id for invitation in invitations])
    for invitation in invitations:
        for user in members[invitation.organisation_id]:
            queue_email(
                user.email,
                f"{subject}: {competition.title}",
                template,
                competition=competition,
                organisation=invitation.organisation,
                member=user,
                deadline=format_deadline(competition.submission_deadline),
                **context,
            )


# Money and words ---------------------------------------------------------------------------


def parse_price(text: str | None) -> int:
    """Pence from what someone typed ("£1,250.50"). Raises CompetitionError."""
    cleaned = (text or "").strip().replace(",", "").removeprefix("£").strip()
    if not cleaned:
        raise CompetitionError("Enter your price", "price")
    amount = plain_decimal(cleaned)
    if amount is None:
        raise CompetitionError("Price must be a number, like 1250 or 1250.50", "price")
    if amount.as_tuple().exponent < -2:
        raise CompetitionError("Price must have no more than 2 decimal places", "price")
    if amount <= 0:
        raise CompetitionError("Price must be more than £0", "price")
    pence = int(amount * 100)
    if pence > MAX_PRICE_PENCE:
        raise CompetitionError("Price must be £10,000,000,000 or less", "price")
    return pence


def format_price(pence: int | None) -> str:
    if pence is None:
        return ""
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


def word_count(text: str | None) -> int:
    return len((text or "").split())


# Drafting ------------------------------------------------------------------------------------


@dataclass
class Details:
    """What a commissioner gives for a competition, from the form."""

    kind: str
    lot_id: int
    title: str
    description: str
    requirements: str
    price_basis: str
    planned_units: int | None
    quality_weight: int
    price_weight: int
    local_preference: str
    local_weight: int
    clarification_deadline: datetime
    submission_deadline: datetime
    reference_code: str | None = None
    age_band: str | None = None
    needs_summary: str | None = None
    hours_per_week: int | None = None
    start_date: date | None = None
    area: str | None = None


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
        checks = [
            ("reference_code", personal_data.reference_code_problem(details.reference_code or "")),
            ("area", personal_data.area_problem(details.area or "")),
        ]
        for name, what in (
            ("title", "Title"),
            ("description", "Description"),
            ("requirements", "Requirements"),
            ("needs_summary", "Needs summary"),
        ):
            checks.append((name, personal_data.problem_in(getattr(details, name), what)))
        problems += [(name, message) for name, message in checks if message]
        if details.start_date is not None and details.start_date < london_today(at):
            problems.append(("start_date", "Start date must be today or in the future"))
    return problems


def _placement_weights(details: Details) -> None:
    details.price_weight = scoring.PLACEMENT_PRICE_WEIGHT
    details.quality_weight = 100 - scoring.PLACEMENT_PRICE_WEIGHT
    details.local_preference, details.local_weight = "none", 0


def create_competition(actor: User, details: Details) -> Competition:
    """A new draft. Raises CompetitionError naming the first field with a problem. A placement
    request gets the published methodology's questions and weights."""
    if details.kind == PLACEMENT_REQUEST:
        _placement_weights(details)
    problems = check_details(details, now())
    if problems:
        raise CompetitionError(problems[0][1], problems[0][0])
    if details.local_preference != LOCAL_WEIGHTED:
        details.local_weight = 0
    competition = Competition(**vars(details), status=DRAFT, created_by_id=actor.id)
    if details.kind == PLACEMENT_REQUEST:
        for position, (text, weight, limit, kind) in enumerate(scoring.PLACEMENT_QUESTIONS, 1):
            competition.questions.append(
                QualityQuestion(
                    position=position, text=text, weight=weight, word_limit=limit, answer_kind=kind
                )
            )
    db.session.add(competition)
    db.session.flush()
    _audit("competition.created", actor, competition, after={"title": details.title})
    return competition


def update_competition(
    actor: User, competition: Competition, details: Details, seen: int | None
) -> None:
    """Change a draft's details. Raises CompetitionError."""
    _check_draft(competition, seen)
    details.kind = competition.kind
    if details.kind == PLACEMENT_REQUEST:
        _placement_weights(details)
    problems = check_details(details, now())
    if problems:
        raise CompetitionError(problems[0][1], problems[0][0])
    if details.local_preference != LOCAL_WEIGHTED:
        details.local_weight = 0
    for name, value in vars(details).items():
        setattr(competition, name, value)
    competition.lock_version += 1
    _audit("competition.updated", actor, competition, after={"title": details.title})


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
    competition.lock_version += 1
    db.session.flush()
    _audit("competition.question_added", actor, competition, after={"question": text})
    return question


def remove_question(actor: User, competition: Competition, question_id: int) -> None:
    _check_draft(competition)
    question = next((q for q in competition.questions if q.id == question_id), None)
    if question is None or competition.is_placement:
        raise NotFoundForUser()
    competition.questions.remove(question)
    competition.lock_version += 1
    _audit("competition.question_removed", actor, competition, before={"question": question.text})


# Attachments: the council's own files, published with the competition ----------------------


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
    competition.lock_version += 1
    db.session.flush()
    _audit(
        "competition.file_attached",
        actor,
        competition,
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
    competition.lock_version += 1
    db.session.flush()
    _audit(
        "competition.file_removed",
        actor,
        competition,
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


def staff_who_can_evaluate() -> list[User]:
    """Council staff, but not those whose accounts are deactivated: they have left."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(STAFF_ROLES), User.deactivated_at.is_(None))
            .order_by(User.full_name, User.id)
        )
    )


def evaluators_of(competition: Competition) -> list[Evaluator]:
    return list(
        db.session.scalars(
            select(Evaluator)
            .where(Evaluator.competition_id == competition.id)
            .options(joinedload(Evaluator.user))
            .order_by(Evaluator.is_lead.desc(), Evaluator.id)
        )
    )


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
    competition.lock_version += 1
    _audit(
        "competition.evaluators_named",
        actor,
        competition,
        after={"evaluators": chosen, "lead": lead_id},
    )


# Publishing ----------------------------------------------------------------------------------


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


def invitable(competition: Competition) -> list[Organisation]:
    """Who publishing would invite: admitted to the lot and not suspended, eligible for call-offs
    (documents.call_off_problems: every required document held, in date and reviewed), and based
    in the borough if the council invites only local providers."""
    admitted = admissions.invitable_organisations(competition.lot)
    problems = documents.call_off_problems_of([each.id for each in admitted], london_today(now()))
    return [
        organisation
        for organisation in admitted
        if not problems[organisation.id]
        and (competition.local_preference != LOCAL_ONLY or organisation.is_local)
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
    _audit(
        "competition.invited",
        actor,
        competition,
        after={"organisations": [organisation.id for organisation in organisations]},
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
    if seen is not None and seen != competition.lock_version:
        raise CompetitionError(CHANGED)
    before = {
        "submission_deadline": competition.submission_deadline,
        "clarification_deadline": competition.clarification_deadline,
    }
    after = {
        "submission_deadline": quotes,
        "clarification_deadline": questions or before["clarification_deadline"],
    }
    moved = db.session.execute(
        update(Competition)
        .where(
            Competition.id == competition.id,
            Competition.lock_version == competition.lock_version,
            Competition.status == PUBLISHED,
        )
        .values(lock_version=competition.lock_version + 1, **after)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.refresh(competition)
        raise CompetitionError(CHANGED)
    for name, value in {"lock_version": competition.lock_version + 1, **after}.items():
        set_committed_value(competition, name, value)
    _audit(
        "competition.deadline_extended",
        actor,
        competition,
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


def _reason(reason: str | None, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CompetitionError("Enter a reason", field)
    if len(reason) > REASON_LIMIT:
        raise CompetitionError(f"Reason must be {REASON_LIMIT} characters or fewer", field)
    return reason


# Reading: the council's list and page ---------------------------------------------------------


def get_competition(competition_id: int) -> Competition:
    """For council staff. Raises NotFoundForUser (404)."""
    competition = db.session.scalar(
        select(Competition)
        .where(Competition.id == competition_id)
        .options(
            joinedload(Competition.lot),
            joinedload(Competition.created_by),
            selectinload(Competition.questions),
            selectinload(Competition.attachments).joinedload(CompetitionAttachment.file),
        )
    )
    if competition is None:
        raise NotFoundForUser()
    return competition


@dataclass(frozen=True)
class Counts:
    invited: int = 0
    declined: int = 0
    submitted: int = 0  # never which ones, before the deadline


def counts(competitions: list[Competition]) -> dict[int, Counts]:
    """How many were invited, declined and have a submitted quote, per competition: all the
    council may know of the quotes before the deadline. Two queries, each reading only the
    declines and the submitted quotes."""
    ids = [competition.id for competition in competitions]
    declined = dict(
        db.session.execute(
            select(Invitation.competition_id, func.count(Invitation.id))
            .where(Invitation.competition_id.in_(ids), Invitation.declined_at.is_not(None))
            .group_by(Invitation.competition_id)
        ).all()
    )
    submitted = dict(
        db.session.execute(
            select(Quote.competition_id, func.count(Quote.id))
            .where(Quote.competition_id.in_(ids), Quote.status == QUOTE_SUBMITTED)
            .group_by(Quote.competition_id)
        ).all()
    )
    return {
        competition.id: Counts(
            competition.invited_count,
            declined.get(competition.id, 0),
            submitted.get(competition.id, 0),
        )
        for competition in competitions
    }


def competitions_for_staff(number: int) -> Page:
    total = db.session.scalar(select(func.count(Competition.id)))
    number, offset = offset_of(number, total)
    competitions = db.session.scalars(
        select(Competition)
        .options(joinedload(Competition.lot), joinedload(Competition.created_by))
        .order_by(Competition.created_at.desc(), Competition.id.desc())
        .limit(PER_PAGE)
        .offset(offset)
    ).all()
    return Page(competitions, number, total)


def invitees(competition: Competition, number: int) -> Page:
    """Who was invited and who declined (with why): never who has quoted."""
    total = db.session.scalar(
        select(func.count(Invitation.id)).where(Invitation.competition_id == competition.id)
    )
    number, offset = offset_of(number, total)
    rows = db.session.scalars(
        select(Invitation)
        .join(Invitation.organisation)
        .where(Invitation.competition_id == competition.id)
        .options(joinedload(Invitation.organisation))
        .order_by(Organisation.legal_name, Organisation.id)
        .limit(PER_PAGE)
        .offset(offset)
    ).all()
    return Page(rows, number, total)


def clarifications_of(competition: Competition) -> list[Clarification]:
    return list(
        db.session.scalars(
            select(Clarification)
            .where(Clarification.competition_id == competition.id)
            .order_by(Clarification.asked_at, Clarification.id)
        )
    )


def answered_clarifications(competition: Competition) -> list[Clarification]:
    return list(
        db.session.scalars(
            select(Clarification)
            .where(
                Clarification.competition_id == competition.id,
                Clarification.answered_at.is_not(None),
            )
            .order_by(Clarification.answered_at, Clarification.id)
        )
    )


def get_clarification(competition: Competition, clarification_id: int) -> Clarification:
    clarification = db.session.get(Clarification, clarification_id)
    if clarification is None or clarification.competition_id != competition.id:
        raise NotFoundForUser()
    return clarification


def answer_clarification(
    actor: User,
    competition: Competition,
    clarification: Clarification,
    published_question: str,
    answer: str,
) -> None:
    """Publish the answer to every invited provider, with the question as the commissioner
    worded it and without saying who asked."""
    if competition.status != PUBLISHED or not is_open(competition, now()):
        raise CompetitionError("Questions can be answered only while the competition is open")
    if clarification.answered_at is not None:
        raise CompetitionError("This question has already been answered")
    answer = (answer or "").strip()
    if not answer:
        raise CompetitionError("Enter your answer", "answer")
    clarification.published_question = (published_question or "").strip() or clarification.question
    clarification.answer = answer
    clarification.answered_at = now()
    clarification.answered_by_id = actor.id
    _audit(
        "competition.clarification_answered",
        actor,
        competition,
        after={"clarification_id": clarification.id},
    )
    _email_invited(
        competition, "Question answered", "competition_clarification", clarification=clarification
    )


# Providers: opportunities ---------------------------------------------------------------------


@dataclass(frozen=True)
class Opportunity:
    competition: Competition
    invitation: Invitation
    quote_status: str | None
    stage: Stage


def opportunities_for(user: User, number: int) -> Page:
    """The competitions the user's organisations were invited to, newest deadline first.
    Four queries, however many there are."""
    organisation_ids = select(Membership.organisation_id).where(Membership.user_id == user.id)
    criteria = [Invitation.organisation_id.in_(organisation_ids)]
    total = db.session.scalar(select(func.count(Invitation.id)).where(*criteria))
    number, offset = offset_of(number, total)
    invitations = db.session.scalars(
        select(Invitation)
        .join(Competition, Competition.id == Invitation.competition_id)
        .where(*criteria)
        .options(joinedload(Invitation.organisation))
        .order_by(Competition.submission_deadline.desc(), Invitation.id)
        .limit(PER_PAGE)
        .offset(offset)
    ).all()
    competitions = {
        competition.id: competition
        for competition in db.session.scalars(
            select(Competition)
            .where(Competition.id.in_([i.competition_id for i in invitations]))
            .options(joinedload(Competition.lot))
        )
    }
    quotes = {
        (row.competition_id, row.organisation_id): row.status
        for row in db.session.execute(
            select(Quote.competition_id, Quote.organisation_id, Quote.status).where(
                Quote.competition_id.in_(list(competitions)),
                Quote.organisation_id.in_(organisation_ids),
            )
        )
    }
    at = now()
    return Page(
        [
            Opportunity(
                competitions[i.competition_id],
                i,
                quotes.get((i.competition_id, i.organisation_id)),
                stage(competitions[i.competition_id], at),
            )
            for i in invitations
        ],
        number,
        total,
    )


@dataclass
class ProviderView:
    """A competition as one invited organisation sees it."""

    competition: Competition
    invitation: Invitation
    organisation: Organisation
    quote: Quote | None
    at: datetime


def get_opportunity(user: User, competition_id: int, *, acting: bool = False) -> ProviderView:
    """The competition as the user's invited organisation sees it. Raises NotFoundForUser (404)
    if none of their organisations was invited; with `acting` (asking, quoting, declining) also
    if it is no longer admitted to the lot (suspended or removed)."""
    found = db.session.execute(
        select(Invitation, Competition)
        .join(Competition, Competition.id == Invitation.competition_id)
        .join(Membership, Membership.organisation_id == Invitation.organisation_id)
        .where(Invitation.competition_id == competition_id, Membership.user_id == user.id)
        .options(
            joinedload(Invitation.organisation),
            joinedload(Competition.lot),
            selectinload(Competition.questions),
            selectinload(Competition.attachments).joinedload(CompetitionAttachment.file),
        )
        .order_by(Invitation.organisation_id)
        .limit(1)
    ).first()
    if found is None:
        raise NotFoundForUser()
    invitation, competition = found
    if acting:
        status = db.session.scalar(
            select(Admission.status).where(
                Admission.organisation_id == invitation.organisation_id,
                Admission.lot_id == competition.lot_id,
            )
        )
        if status != ADMITTED:
            raise NotFoundForUser()
    quote = db.session.scalar(_quote_of(competition.id, invitation.organisation_id))
    return ProviderView(competition, invitation, invitation.organisation, quote, now())


def _quote_of(competition_id: int, organisation_id: int):
    """The query for an organisation's quote, with what its pages show."""
    return (
        select(Quote)
        .where(Quote.competition_id == competition_id, Quote.organisation_id == organisation_id)
        .options(
            selectinload(Quote.versions),
            selectinload(Quote.attachments).joinedload(QuoteAttachment.file),
        )
    )


def deadline_passed_message(competition: Competition) -> str:
    return (
        f"The deadline for this competition was {format_deadline(competition.submission_deadline)}."
        " Your quote was not submitted."
    )


def _check_open(view: ProviderView, *, message: str | None = None) -> None:
    competition = view.competition
    if competition.status == CANCELLED:
        raise CompetitionError("This competition has been cancelled")
    if not is_open(competition, view.at):
        raise CompetitionError(message or deadline_passed_message(competition))


def ask_clarification(user: User, view: ProviderView, question: str) -> Clarification:
    """A question for the council, until the clarification deadline."""
    competition = view.competition
    if competition.status != PUBLISHED or not questions_open(competition, view.at):
        raise CompetitionError(
            "The deadline for questions was "
            f"{format_deadline(competition.clarification_deadline)}. Your question was not sent."
        )
    question = (question or "").strip()
    if not question:
        raise CompetitionError("Enter your question", "question")
    if len(question) > REASON_LIMIT:
        raise CompetitionError(f"Question must be {REASON_LIMIT} characters or fewer", "question")
    clarification = Clarification(
        competition_id=competition.id,
        organisation_id=view.organisation.id,
        asked_by_id=user.id,
        question=question,
        asked_at=view.at,
    )
    db.session.add(clarification)
    db.session.flush()
    record_event(
        "competition.clarification_asked",
        object_type="competition",
        object_id=competition.id,
        actor_id=user.id,
        organisation_id=view.organisation.id,
        after={"clarification_id": clarification.id},
    )
    return clarification


# Providers: quotes ---------------------------------------------------------------------------


def text_questions(competition: Competition) -> list[QualityQuestion]:
    return [q for q in competition.questions if q.answer_kind == TEXT_ANSWER]


def _check_answers(competition: Competition, answers: dict[str, str]) -> dict[str, str]:
    kept = {}
    for question in competition.questions:
        value = (answers.get(question.key) or "").strip()
        if question.answer_kind == DISTANCE_BAND:
            if value and value not in scoring.DISTANCE_BANDS:
                raise CompetitionError("Choose how far you are", f"answer_{question.key}")
        elif word_count(value) > question.word_limit:
            raise CompetitionError(
                f"Your answer to question {question.position} must be {question.word_limit} "
                f"words or fewer. It is {word_count(value)} words now",
                f"answer_{question.key}",
            )
        elif len(value) > ANSWER_LIMIT * 10:
            raise CompetitionError("Your answer is too long", f"answer_{question.key}")
        kept[question.key] = value
    return kept


def save_quote(
    user: User, view: ProviderView, answers: dict[str, str], price: str, seen: int | None
) -> Quote:
    """Save the working copy of the organisation's quote (a draft, or changes to a submitted
    quote that count once submitted again). Raises CompetitionError; nothing is saved then."""
    _check_open(view, message=None)
    kept = _check_answers(view.competition, answers)
    price_pence = parse_price(price) if (price or "").strip() else None
    if view.quote is None:
        seen = None  # the first save: there was no quote for the page to have shown
    quote = _working_copy(user, view)
    _write_quote(
        quote,
        seen,
        answers=kept,
        price_pence=price_pence,
        updated_at=view.at,
        updated_by_id=user.id,
    )
    return quote


def _working_copy(user: User, view: ProviderView) -> Quote:
    """The organisation's quote, made as an empty draft if it has none yet."""
    if view.quote is not None:
        return view.quote
    quote = Quote(
        competition_id=view.competition.id,
        organisation_id=view.organisation.id,
        status=QUOTE_DRAFT,
        answers={},
        updated_at=view.at,
        updated_by_id=user.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(quote)
    except IntegrityError:
        # Another request made it a moment ago (a second tab, a double click, a colleague):
        # both read "no quote", and the unique (competition, organisation) key let only its
        # INSERT through. Carry on with that quote, so this request's save or file is applied
        # to it rather than ending on an error page.
        quote = db.session.scalars(_quote_of(view.competition.id, view.organisation.id)).one()
    view.quote = quote
    return quote


def _write_quote(quote: Quote, seen: int | None = None, **values) -> None:
    """Write `values` to the working copy and count the change in its lock_version, in one
    UPDATE under the row's lock: saves made at the same moment each land whole, one after the
    other, and none is lost. With `seen` (the lock_version the page showed), refuse with
    QUOTE_CHANGED if someone changed it since."""
    written = db.session.execute(
        update(Quote)
        .where(Quote.id == quote.id, *([Quote.lock_version == seen] if seen is not None else []))
        .values(**values, lock_version=Quote.lock_version + 1)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:
        db.session.refresh(quote)
        raise QuoteChanged()
    for name, value in values.items():
        set_committed_value(quote, name, value)
    db.session.expire(quote, ["lock_version"])


def submission_problems(view: ProviderView) -> list[tuple[str, str]]:
    """What stops the working copy being submitted, as (field, message)."""
    quote = view.quote
    if quote is None:
        return [("price", "Enter your price")]
    problems = []
    for question in view.competition.questions:
        if not (quote.answers or {}).get(question.key):
            what = (
                "Choose how far you are"
                if question.answer_kind == DISTANCE_BAND
                else (f"Answer question {question.position}")
            )
            problems.append((f"answer_{question.key}", what))
    if quote.price_pence is None:
        problems.append(("price", "Enter your price"))
    return problems


def submit_quote(user: User, view: ProviderView, seen: int | None) -> QuoteVersion:
    """Submit the working copy as a new version, if the deadline (by the database's clock) has
    not passed. Raises CompetitionError with the deadline message for a late quote."""
    _check_open(view)
    problems = submission_problems(view)
    if problems:
        raise CompetitionError(problems[0][1], problems[0][0])
    quote = view.quote
    version = QuoteVersion(
        quote_id=quote.id,
        number=len(quote.versions) + 1,
        answers=dict(quote.answers),
        price_pence=quote.price_pence,
        attachment_ids=[a.id for a in quote.attachments if a.removed_at is None],
        submitted_at=view.at,
        submitted_by_id=user.id,
    )
    try:
        _move_quote(user, quote, QUOTE_SUBMITTED, seen, submitted_at=view.at)
    except CompetitionError as error:
        raise CompetitionError(_submitted_meanwhile(quote) or error.message) from None
    db.session.add(version)
    db.session.flush()
    quote.versions.append(version)
    record_event(
        "quote.submitted",
        object_type="quote",
        object_id=quote.id,
        organisation_id=quote.organisation_id,
        actor_id=user.id,
        after={"competition_id": view.competition.id, "version": version.number},
    )
    if view.invitation.declined_at is not None:
        view.invitation.declined_at = None
        view.invitation.decline_reason = None
    for member in _members([view.organisation.id])[view.organisation.id]:
        queue_email(
            member.email,
            f"Quote received: {view.competition.title}",
            "competition_quote_received",
            competition=view.competition,
            organisation=view.organisation,
            member=member,
            version=version,
            price=format_price(version.price_pence),
            deadline=format_deadline(view.competition.submission_deadline),
        )
    return version


def _submitted_meanwhile(quote: Quote) -> str | None:
    """If the quote changed under the person submitting it because someone (in another tab,
    or a colleague) submitted it, what to tell them; None for any other change."""
    db.session.refresh(quote)
    latest = db.session.scalar(
        select(QuoteVersion)
        .where(QuoteVersion.quote_id == quote.id)
        .order_by(QuoteVersion.number.desc())
        .limit(1)
    )
    if (
        quote.status != QUOTE_SUBMITTED
        or latest is None
        or latest.submitted_at != quote.submitted_at
        or quote.updated_at > latest.submitted_at
    ):
        return None
    return (
        f"Your quote has just been submitted by someone else in your organisation (version "
        f"{latest.number}). Check it, and submit it again if you want to change it"
    )


def withdraw_quote(user: User, view: ProviderView, seen: int | None) -> None:
    _check_open(view, message="The deadline has passed: your quote can no longer be withdrawn")
    if view.quote is None:
        raise CompetitionError("You have not submitted a quote")
    _move_quote(user, view.quote, QUOTE_WITHDRAWN, seen)
    record_event(
        "quote.withdrawn",
        object_type="quote",
        object_id=view.quote.id,
        organisation_id=view.organisation.id,
        actor_id=user.id,
    )


def decline(user: User, view: ProviderView, reason: str) -> None:
    """Say the organisation will not quote, and why (the council learns why providers do not
    bid). A submitted quote must be withdrawn first."""
    _check_open(view, message="The deadline has passed")
    if view.quote is not None and view.quote.status == QUOTE_SUBMITTED:
        raise CompetitionError(
            "You have submitted a quote. Withdraw it first if you do not want to take part",
            "reason",
        )
    if view.invitation.declined_at is not None:
        raise CompetitionError("You have already told the council you will not quote", "reason")
    reason = _reason(reason)
    view.invitation.declined_at = view.at
    view.invitation.decline_reason = reason
    view.invitation.declined_by_id = user.id
    record_event(
        "competition.declined",
        object_type="competition",
        object_id=view.competition.id,
        organisation_id=view.organisation.id,
        actor_id=user.id,
        after={"reason": reason},
    )


def attach_file(user: User, view: ProviderView, storage) -> QuoteAttachment:
    """Check and store a file for the quote (in the organisation's part of the document store).
    Raises UploadRefused, StoreUnavailable or CompetitionError."""
    _check_open(view)
    checked = uploads.check_upload(storage, uploads.DOCUMENT_TYPES)
    quote = _working_copy(user, view)
    stored = files.store_file(
        user, view.organisation.id, checked, purpose=PURPOSE_DOCUMENT, dbs_copy=False
    )
    attachment = QuoteAttachment(quote_id=quote.id, file=stored)
    db.session.add(attachment)
    db.session.flush()
    _write_quote(quote)
    return attachment


def _attachment(quote: Quote | None, attachment_id: int) -> QuoteAttachment:
    found = next((a for a in (quote.attachments if quote else []) if a.id == attachment_id), None)
    if found is None:
        raise NotFoundForUser()
    return found


def remove_attachment(user: User, view: ProviderView, attachment_id: int) -> None:
    """Take a file off the working copy. A file a submitted version names stays stored."""
    _check_open(view)
    attachment = _attachment(view.quote, attachment_id)
    attachment.removed_at = view.at
    _write_quote(view.quote)


def provider_download(user: User, view: ProviderView, attachment_id: int) -> str:
    attachment = _attachment(view.quote, attachment_id)
    return files.download_url(user, attachment.file, object_type="quote", object_id=view.quote.id)


# The council after the deadline ---------------------------------------------------------------


def _unsealed(competition: Competition) -> datetime:
    """The sealed-quote rule: nothing of any quote reaches anyone at the council before the
    submission deadline (by the database's clock). Raises NotFoundForUser (404)."""
    at = now()
    if is_sealed(competition, at):
        raise NotFoundForUser()
    return at


def evaluator_for(user: User, competition: Competition) -> Evaluator:
    """The user's place on the panel. Raises NotFoundForUser (404) for anyone not on it."""
    evaluator = db.session.scalar(
        select(Evaluator).where(
            Evaluator.competition_id == competition.id, Evaluator.user_id == user.id
        )
    )
    if evaluator is None:
        raise NotFoundForUser()
    return evaluator


def evaluator_or_none(user: User, competition: Competition) -> Evaluator | None:
    try:
        return evaluator_for(user, competition)
    except NotFoundForUser:
        return None


def _scoring_evaluator(user: User, competition: Competition) -> Evaluator:
    """An evaluator who has declared no conflict, after the deadline: the only people quotes
    open to. Raises NotFoundForUser (404) otherwise."""
    _unsealed(competition)
    evaluator = evaluator_for(user, competition)
    if not evaluator.can_score:
        raise NotFoundForUser()
    return evaluator


def bidders(competition: Competition) -> list[Quote]:
    """The submitted quotes with their organisations and versions, by organisation name. Only
    after the deadline (see _unsealed)."""
    _unsealed(competition)
    return list(
        db.session.scalars(
            select(Quote)
            .join(Quote.organisation)
            .where(Quote.competition_id == competition.id, Quote.status == QUOTE_SUBMITTED)
            .options(
                joinedload(Quote.organisation),
                selectinload(Quote.versions),
                selectinload(Quote.attachments).joinedload(QuoteAttachment.file),
            )
            .order_by(Organisation.legal_name, Quote.id)
        )
    )


def bidder_names(competition: Competition) -> list[str]:
    """Who quoted: the names an evaluator needs to declare a conflict. After the deadline."""
    _unsealed(competition)
    return list(
        db.session.scalars(
            select(func.coalesce(Organisation.trading_name, Organisation.legal_name))
            .join(Quote, Quote.organisation_id == Organisation.id)
            .where(Quote.competition_id == competition.id, Quote.status == QUOTE_SUBMITTED)
            .order_by(Organisation.legal_name)
        )
    )


def declare(
    user: User, competition: Competition, has_conflict: bool, detail: str | None
) -> Evaluator:
    """The evaluator declares whether they have a conflict of interest with any bidder. A
    conflict takes them off the panel for this competition (recorded)."""
    _unsealed(competition)
    evaluator = evaluator_for(user, competition)
    if evaluator.declared_at is not None:
        raise CompetitionError("You have already made your declaration")
    if has_conflict:
        detail = _reason(detail, "detail")
    evaluator.declared_at = now()
    evaluator.has_conflict = has_conflict
    evaluator.conflict_detail = detail if has_conflict else None
    _audit(
        "competition.conflict_declared",
        user,
        competition,
        after={"has_conflict": has_conflict, "detail": evaluator.conflict_detail},
    )
    return evaluator


def latest_version(quote: Quote) -> QuoteVersion:
    return quote.versions[-1]


def get_quote_for_evaluator(user: User, competition: Competition, quote_id: int) -> Quote:
    _scoring_evaluator(user, competition)
    quote = next((q for q in bidders(competition) if q.id == quote_id), None)
    if quote is None:
        raise NotFoundForUser()
    return quote


def council_download(user: User, competition: Competition, quote_id: int, attachment_id: int):
    quote = get_quote_for_evaluator(user, competition, quote_id)
    if attachment_id not in latest_version(quote).attachment_ids:
        raise NotFoundForUser()
    attachment = _attachment(quote, attachment_id)
    return files.download_url(user, attachment.file, object_type="quote", object_id=quote.id)


def scores_by(evaluator: Evaluator) -> dict[tuple[int, int], Score]:
    return {
        (score.quote_id, score.question_id): score
        for score in db.session.scalars(select(Score).where(Score.evaluator_id == evaluator.id))
    }


def _check_can_score(competition: Competition, evaluator: Evaluator) -> None:
    if competition.moderation_closed_at is not None:
        raise CompetitionError("Scoring has closed: the scores have been moderated")
    if evaluator.scores_submitted_at is not None:
        raise CompetitionError("You have submitted your scores, so they cannot be changed")


def _score_value(raw: str | int | None, field: str) -> int:
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise CompetitionError("Choose a score from 0 to 4", field)
    score = whole_number(text, maximum=scoring.MAX_SCORE)
    if score is None:
        raise CompetitionError("Score must be a whole number from 0 to 4", field)
    return score


def save_scores(
    user: User, competition: Competition, quote: Quote, entries: dict[int, tuple[str, str]]
) -> None:
    """The evaluator's own score and comment for each written question of `quote`."""
    evaluator = _scoring_evaluator(user, competition)
    _check_can_score(competition, evaluator)
    existing = scores_by(evaluator)
    checked = {}
    for question in text_questions(competition):
        raw, comment = entries.get(question.id, ("", ""))
        value = _score_value(raw, f"score_{question.id}")
        comment = (comment or "").strip()
        if not comment:
            raise CompetitionError(
                "Enter a comment on why you gave this score", f"comment_{question.id}"
            )
        checked[question.id] = (value, comment)
    for question_id, (value, comment) in checked.items():
        score = existing.get((quote.id, question_id))
        if score is None:
            db.session.add(
                Score(
                    evaluator_id=evaluator.id,
                    quote_id=quote.id,
                    question_id=question_id,
                    score=value,
                    comment=comment,
                )
            )
        else:
            score.score, score.comment, score.updated_at = value, comment, now()
    _audit("competition.scored", user, competition, after={"quote_id": quote.id})


def submit_scores(user: User, competition: Competition) -> None:
    """The evaluator's scores are final, and the others' open to them. For a placement request
    (one evaluator, no moderation) they are the agreed scores and evaluation closes."""
    evaluator = _scoring_evaluator(user, competition)
    _check_can_score(competition, evaluator)
    quotes = bidders(competition)
    mine = scores_by(evaluator)
    missing = [
        quote
        for quote in quotes
        for question in text_questions(competition)
        if (quote.id, question.id) not in mine
    ]
    if missing:
        raise CompetitionError(
            f"Score every question of every quote first: {missing[0].organisation.display_name}"
            " has a question without a score"
        )
    evaluator.scores_submitted_at = now()
    _audit("competition.scores_submitted", user, competition)
    if competition.is_placement:
        for quote in quotes:
            for question in text_questions(competition):
                score = mine[quote.id, question.id]
                db.session.add(
                    ModeratedScore(
                        quote_id=quote.id,
                        question_id=question.id,
                        score=score.score,
                        rationale=score.comment,
                        moderated_by_id=user.id,
                    )
                )
        competition.moderation_closed_at = now()
        _audit("competition.evaluation_closed", user, competition)


@dataclass
class Panel:
    """The panel's progress, for the competition page."""

    evaluators: list[Evaluator]

    @property
    def active(self) -> list[Evaluator]:
        return [e for e in self.evaluators if not e.has_conflict]

    @property
    def all_submitted(self) -> bool:
        active = self.active
        return bool(active) and all(
            e.can_score and e.scores_submitted_at is not None for e in active
        )

    @property
    def lead(self) -> Evaluator | None:
        return next((e for e in self.evaluators if e.is_lead), None)


def panel(competition: Competition) -> Panel:
    return Panel(evaluators_of(competition))


@dataclass
class ModerationRow:
    question: QualityQuestion
    scores: list[tuple[str, Score]]  # (evaluator name, score)
    agreed: ModeratedScore | None


def moderation_of(user: User, competition: Competition, quote: Quote) -> list[ModerationRow]:
    """Every evaluator's score for each written question of `quote`, for the lead, once every
    evaluator without a conflict has submitted theirs."""
    evaluator = _scoring_evaluator(user, competition)
    if not evaluator.is_lead:
        raise NotFoundForUser()
    the_panel = panel(competition)
    if not the_panel.all_submitted:
        raise CompetitionError("Every evaluator must submit their scores before moderation")
    scores = db.session.scalars(
        select(Score).where(
            Score.quote_id == quote.id,
            Score.evaluator_id.in_([e.id for e in the_panel.active]),
        )
    ).all()
    names = {e.id: e.user.full_name for e in the_panel.active}
    agreed = {
        m.question_id: m
        for m in db.session.scalars(
            select(ModeratedScore).where(ModeratedScore.quote_id == quote.id)
        )
    }
    return [
        ModerationRow(
            question,
            [(names[s.evaluator_id], s) for s in scores if s.question_id == question.id],
            agreed.get(question.id),
        )
        for question in text_questions(competition)
    ]


def moderate(
    user: User, competition: Competition, quote: Quote, entries: dict[int, tuple[str, str]]
) -> None:
    """The lead records the agreed score and its rationale for each written question."""
    rows = moderation_of(user, competition, quote)
    if competition.moderation_closed_at is not None:
        raise CompetitionError("Moderation has closed: the scores are final")
    checked = {}
    for row in rows:
        raw, rationale = entries.get(row.question.id, ("", ""))
        value = _score_value(raw, f"score_{row.question.id}")
        rationale = (rationale or "").strip()
        if not rationale:
            raise CompetitionError(
                "Enter the reason for the agreed score", f"comment_{row.question.id}"
            )
        checked[row.question.id] = (value, rationale)
    for row in rows:
        value, rationale = checked[row.question.id]
        if row.agreed is None:
            db.session.add(
                ModeratedScore(
                    quote_id=quote.id,
                    question_id=row.question.id,
                    score=value,
                    rationale=rationale,
                    moderated_by_id=user.id,
                )
            )
        else:
            row.agreed.score, row.agreed.rationale = value, rationale
            row.agreed.moderated_by_id, row.agreed.updated_at = user.id, now()
    _audit("competition.moderated", user, competition, after={"quote_id": quote.id})


def close_moderation(user: User, competition: Competition) -> None:
    """The lead closes moderation once every quote has agreed scores: evaluation is complete."""
    evaluator = _scoring_evaluator(user, competition)
    if not evaluator.is_lead:
        raise NotFoundForUser()
    if competition.moderation_closed_at is not None:
        raise CompetitionError("Moderation has already closed")
    agreed = set(
        db.session.execute(
            select(ModeratedScore.quote_id, ModeratedScore.question_id)
            .join(Quote, Quote.id == ModeratedScore.quote_id)
            .where(Quote.competition_id == competition.id)
        ).all()
    )
    for quote in bidders(competition):
        for question in text_questions(competition):
            if (quote.id, question.id) not in agreed:
                raise CompetitionError(
                    f"Agree a score for every question first: "
                    f"{quote.organisation.display_name} has a question without one"
                )
    competition.moderation_closed_at = now()
    _audit("competition.evaluation_closed", user, competition)


# Results, award and feedback ------------------------------------------------------------------


@dataclass
class Ranked:
    quote: Quote
    result: scoring.Result
    agreed: dict[int, ModeratedScore] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.quote.organisation.display_name


def evaluation_complete(competition: Competition) -> bool:
    return competition.moderation_closed_at is not None


def _agreed_scores(competition: Competition) -> dict[int, dict[int, ModeratedScore]]:
    agreed: dict[int, dict[int, ModeratedScore]] = defaultdict(dict)
    for score in db.session.scalars(
        select(ModeratedScore)
        .join(Quote, Quote.id == ModeratedScore.quote_id)
        .where(Quote.competition_id == competition.id)
    ):
        agreed[score.quote_id][score.question_id] = score
    return agreed


def ranking(competition: Competition) -> list[Ranked]:
    """Every submitted quote scored and ranked by the published rules, best first. Only once
    evaluation is complete (an empty list before)."""
    _unsealed(competition)
    if not evaluation_complete(competition):
        return []
    quotes = {quote.id: quote for quote in bidders(competition)}
    agreed = _agreed_scores(competition)
    bids = []
    for quote in quotes.values():
        version = latest_version(quote)
        scores = {question_id: m.score for question_id, m in agreed[quote.id].items()}
        for question in competition.questions:
            if question.answer_kind == DISTANCE_BAND:
                scores[question.id] = scoring.distance_score(version.answers.get(question.key))
        bids.append(
            scoring.Bid(
                key=quote.id,
                price_pence=version.price_pence,
                scores=scores,
                is_local=quote.organisation.is_local,
            )
        )
    weights = {question.id: question.weight for question in competition.questions}
    local_weight = competition.local_weight if competition.local_preference == LOCAL_WEIGHTED else 0
    results = scoring.rank(bids, weights, competition.price_weight, local_weight)
    return [Ranked(quotes[r.key], r, agreed[r.key]) for r in results]


def award(
    user: User,
    competition: Competition,
    quote_id: int,
    reason: str | None,
    standstill: bool,
    seen: int | None,
) -> None:
    """Award to the chosen quote (normally the top-ranked; another needs a reason), then send
    every bidder their assessment summary. With a standstill the award is confirmed 8 working
    days later; without, at once."""
    if competition.status in (AWARDED, CONFIRMED):
        raise CompetitionError(_awarded_meanwhile(competition))
    if competition.status == PUBLISHED and not evaluation_complete(competition):
        _unsealed(competition)
        raise CompetitionError("You cannot award until evaluation is complete")
    ranked = ranking(competition) if competition.status == PUBLISHED else []
    chosen = next((r for r in ranked if r.quote.id == quote_id), None)
    if competition.status == PUBLISHED and chosen is None:
        raise CompetitionError("Choose the winning quote", "winner")
    reason = (reason or "").strip()
    if chosen is not None and chosen.result.rank != 1:
        reason = _reason(reason, "reason")
    at = now()
    ends_on = add_working_days(london_today(at), STANDSTILL_WORKING_DAYS) if standstill else None
    try:
        _move_competition(
            user,
            competition,
            AWARDED,
            seen,
            "competition.awarded",
            awarded_at=at,
            winner_quote_id=quote_id,
            award_reason=reason or None,
            standstill_ends_on=ends_on,
        )
    except CompetitionError as error:
        # Another commissioner awarded it while this one had the page open.
        db.session.refresh(competition)
        if competition.status in (AWARDED, CONFIRMED):
            raise CompetitionError(_awarded_meanwhile(competition)) from None
        raise error from None
    if not standstill:
        _move_competition(
            user, competition, CONFIRMED, None, "competition.award_confirmed", confirmed_at=at
        )
    members = _members([r.quote.organisation_id for r in ranked])
    for entry in ranked:
        summary = _assessment(competition, ranked, entry)
        for member in members[entry.quote.organisation_id]:
            queue_email(
                member.email,
                f"Result: {competition.title}",
                "competition_assessment",
                competition=competition,
                member=member,
                summary=summary,
            )


def _awarded_meanwhile(competition: Competition) -> str:
    return (
        f"This competition has just been awarded to {winner_name(competition)}. "
        "Nothing was changed by you"
    )


def confirm_award(user: User, competition: Competition, seen: int | None) -> None:
    """Confirm an award made with a standstill, once the standstill period has ended (by the
    database's clock, in London), and tell every bidder."""
    if competition.status == AWARDED and london_today(now()) <= competition.standstill_ends_on:
        raise CompetitionError(
            f"The standstill period ends on {format_date(competition.standstill_ends_on)}. "
            "You can confirm the award after that"
        )
    _move_competition(
        user, competition, CONFIRMED, seen, "competition.award_confirmed", confirmed_at=now()
    )
    winner = winner_name(competition)
    quotes = bidders(competition)
    members = _members([quote.organisation_id for quote in quotes])
    for quote in quotes:
        for member in members[quote.organisation_id]:
            queue_email(
                member.email,
                f"Award confirmed: {competition.title}",
                "competition_award_confirmed",
                competition=competition,
                organisation=quote.organisation,
                member=member,
                winner=winner,
                is_winner=quote.id == competition.winner_quote_id,
            )


@dataclass
class QuestionFeedback:
    question: QualityQuestion
    score: int
    reason: str
    marks: str
    winner_score: int
    winner_marks: str


@dataclass
class Assessment:
    """What a bidder is told: their scores and reasons per question, the winner's scores and
    their rank."""

    organisation_name: str
    rank: int
    shares_rank: bool
    bidders: int
    is_winner: bool
    questions: list[QuestionFeedback]
    quality: str
    price: str
    local: str
    total: str
    your_price: str
    winner_quality: str
    winner_price: str
    winner_local: str
    winner_total: str
    abnormally_low: bool
    standstill_ends_on: date | None


def _assessment(competition: Competition, ranked: list[Ranked], entry: Ranked) -> Assessment:
    winner = next(r for r in ranked if r.quote.id == competition.winner_quote_id)
    rows = []
    for question in competition.questions:
        if question.answer_kind == DISTANCE_BAND:
            band = latest_version(entry.quote).answers.get(question.key)
            score, reason = (
                scoring.distance_score(band),
                (
                    f"Scored by the published distance bands: "
                    f"{scoring.DISTANCE_BANDS.get(band, ('not given', 0))[0]}"
                ),
            )
        else:
            score, reason = entry.agreed[question.id].score, entry.agreed[question.id].rationale
        winner_score = (
            scoring.distance_score(latest_version(winner.quote).answers.get(question.key))
            if question.answer_kind == DISTANCE_BAND
            else winner.agreed[question.id].score
        )
        rows.append(
            QuestionFeedback(
                question,
                score,
                reason,
                scoring.shown(entry.result.question_marks[question.id]),
                winner_score,
                scoring.shown(winner.result.question_marks[question.id]),
            )
        )
    result, best = entry.result, winner.result
    return Assessment(
        organisation_name=entry.name,
        rank=result.rank,
        shares_rank=result.shares_rank,
        bidders=len(ranked),
        is_winner=entry is winner,
        questions=rows,
        quality=scoring.shown(result.quality),
        price=scoring.shown(result.price),
        local=scoring.shown(result.local),
        total=scoring.shown(result.total),
        your_price=format_price(result.price_pence),
        winner_quality=scoring.shown(best.quality),
        winner_price=scoring.shown(best.price),
        winner_local=scoring.shown(best.local),
        winner_total=scoring.shown(best.total),
        abnormally_low=result.abnormally_low,
        standstill_ends_on=competition.standstill_ends_on,
    )


def assessment_for(view: ProviderView) -> Assessment:
    """The organisation's assessment summary, once the competition is awarded. Raises
    NotFoundForUser (404) before, or if it did not quote."""
    competition = view.competition
    if competition.status not in (AWARDED, CONFIRMED):
        raise NotFoundForUser()
    ranked = ranking(competition)
    entry = next((r for r in ranked if r.quote.organisation_id == view.organisation.id), None)
    if entry is None:
        raise NotFoundForUser()
    return _assessment(competition, ranked, entry)


def winner_name(competition: Competition) -> str | None:
    if competition.winner_quote_id is None:
        return None
    return db.session.scalar(
        select(func.coalesce(Organisation.trading_name, Organisation.legal_name))
        .join(Quote, Quote.organisation_id == Organisation.id)
        .where(Quote.id == competition.winner_quote_id)
    )


def lots() -> list[Lot]:
    return list(
        db.session.scalars(select(Lot).where(Lot.is_active.is_(True)).order_by(Lot.position))
    )
