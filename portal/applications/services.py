"""The rules for applications: starting one, saving answers page by page without ever losing
them or silently overwriting someone else's, moving between statuses (the one `transition`),
and moving a draft to a newer questionnaire version. Submitting and withdrawing are in
`submitting`.

The questionnaire engine (portal/questionnaires/) decides which pages and questions apply and
reads what was posted; this module decides what is stored, when, and by whom.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, bindparam, cast, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import User
from portal.applications import snapshot
from portal.applications.models import (
    APPROVED,
    DRAFT,
    EDITABLE,
    IN_REVIEW,
    OPEN,
    REJECTED,
    RETURNED,
    SUBMITTED,
    WITHDRAWN,
    Application,
    ApplicationSection,
    ApplicationSubmission,
)
from portal.applications.progress import Progress
from portal.audit.services import record_change
from portal.core.db import db
from portal.core.errors import ServiceError, found
from portal.core.memo import read_once_by_id
from portal.core.time import utcnow
from portal.core.workflow import Refusal, Workflow, move
from portal.lots.services import list_lots
from portal.organisations.models import Membership, Organisation
from portal.organisations.services import email_members_of
from portal.questionnaires import answers as engine_answers
from portal.questionnaires import routing
from portal.questionnaires import services as questionnaires
from portal.questionnaires.answers import ReadResult
from portal.questionnaires.models import PUBLISHED, QuestionnaireVersion
from portal.questionnaires.schema import Content, Page, Question, Section

# Every change of status an application may make: the provider's submit and withdraw, and
# the reviewers' moves (portal/reviews/decisions.py).
TRANSITIONS = {
    (DRAFT, SUBMITTED),
    (RETURNED, SUBMITTED),
    (SUBMITTED, IN_REVIEW),
    (IN_REVIEW, RETURNED),
    (IN_REVIEW, APPROVED),
    (IN_REVIEW, REJECTED),
    (DRAFT, WITHDRAWN),
    (SUBMITTED, WITHDRAWN),
    (IN_REVIEW, WITHDRAWN),
    (RETURNED, WITHDRAWN),
}
# Emails to every member of the organisation when an application arrives in a status. A
# decision's emails carry its reasons, so portal/reviews/ sends them itself.
STATUS_EMAILS = {
    SUBMITTED: ("application_submitted", "We have received your application"),
    WITHDRAWN: ("application_withdrawn", "Your application has been withdrawn"),
}
# A resubmission after a return says so: the same words as the first told people nothing new.
RESUBMITTED_EMAIL = ("application_resubmitted", "We have received your changed application")


class ApplicationError(ServiceError):
    """Something the provider asked for that cannot be done, with a message to show them."""


class NotEditable(ApplicationError):
    """A change to an application that is no longer a draft."""


class ApplicationChanged(ApplicationError):
    """Someone else changed the application's status since this page was opened."""


def _refuse_move(refusal: Refusal) -> ApplicationError:
    if not refusal.allowed:
        return ApplicationError(f"An application cannot go from {refusal.before} to {refusal.to}")
    return ApplicationChanged("Someone else has changed this application. Check it again")


WORKFLOW = Workflow(frozenset(TRANSITIONS), _refuse_move)


class NotWithdrawable(ApplicationError):
    """A withdrawal of an application that is already withdrawn or decided."""


class SectionNotFinished(ApplicationError):
    """A section marked as completed with questions still to answer."""


def _not_editable_message(status: str) -> str:
    if status == WITHDRAWN:
        return "You cannot change an application that has been withdrawn"
    if status in (APPROVED, REJECTED):
        return "You cannot change an application after a decision has been made"
    return "You cannot change an application after it has been submitted"


# Loading -------------------------------------------------------------------------------------


# Built once, the ids bound: every application page opens with it, and building it (and working
# out its cache key, literal ids and all) on each request cost about as much as running it.
_APPLICATION_FOR = (
    select(Application)
    .join(Membership, Membership.organisation_id == Application.organisation_id)
    .where(
        Application.id == bindparam("application_id"),
        Membership.user_id == bindparam("user_id"),
    )
    .options(
        joinedload(Application.organisation),
        # The content is deferred: read once per version (questionnaires.content_of).
        joinedload(Application.questionnaire_version),
    )
)


def get_application_for(user: User, application_id: int) -> Application:
    """The application, with its organisation and questionnaire version.

    Raises NotFoundForUser (404) when there is no such application or it belongs to an
    organisation `user` is not a member of, so nobody can tell the two apart.
    """
    return found(
        db.session.scalar(_APPLICATION_FOR, {"application_id": application_id, "user_id": user.id})
    )


def current_application_of(organisation: Organisation) -> Application | None:
    """The organisation's latest application: its open one if it has one."""
    return db.session.scalar(
        select(Application)
        .where(Application.organisation_id == organisation.id)
        .order_by(Application.id.desc())
        .limit(1)
    )


def people_named(organisation: Organisation) -> list[dict[str, Any]]:
    """The people the organisation's latest application lists for the DBS register (a group
    question's `fills`), each as register details, dates as dates: what the register's add
    form starts with, so nobody types them twice."""
    application = current_application_of(organisation)
    if application is None:
        return []
    route = progress_of(application).route
    people = []
    for question in route.questions():
        if question.type != "group" or not question.fills:
            continue
        types = {q.id: q.type for q in question.questions}
        for item in route.kept.get(question.id) or []:
            person = {}
            for fill in question.fills:
                value = item.get(fill.answer)
                if value not in (None, ""):
                    is_date = types[fill.answer] == "date"
                    person[fill.detail] = date.fromisoformat(value) if is_date else value
            people.append(person)
    return people


def latest_applications(organisation_ids: list[int]) -> dict[int, Application]:
    """current_application_of for several organisations, by organisation id (those that have
    one): one query, read once in a page however many of its parts ask (the provider's home:
    its list and the applications waiting)."""
    return {
        id_: application
        for id_, application in _latest_by_organisation(organisation_ids).items()
        if application is not None
    }


# With each one's questionnaire version (its content deferred), which a draft's progress
# reads: joined here rather than fetched in a query of its own on every provider's home. Built
# once: a statement built for every request costs more than running it.
_LATEST = (
    select(Application)
    .where(
        Application.id.in_(
            select(func.max(Application.id))
            .where(Application.organisation_id.in_(bindparam("ids", expanding=True)))
            .group_by(Application.organisation_id)
        )
    )
    .options(joinedload(Application.questionnaire_version))
)


@read_once_by_id
def _latest_by_organisation(organisation_ids: list[int]) -> dict[int, Application | None]:
    found: dict[int, Application | None] = dict.fromkeys(organisation_ids)
    for application in db.session.scalars(_LATEST, {"ids": organisation_ids}):
        found[application.organisation_id] = application
    return found


@dataclass(frozen=True)
class LotOptions:
    choices: list[tuple[str, str]]  # (slug, name) of the lots open to applicants
    names: dict[str, str]  # every lot's name by slug, for answers given earlier


def published_content() -> Content | None:
    """The questionnaire new applications start on, if one is published."""
    version = questionnaires.published_version()
    return questionnaires.content_of(version) if version else None


def lot_options(chosen: Collection[str] = ()) -> LotOptions:
    """The lots an applicant may choose: the open ones, and any closed since they chose it (a
    closed lot is not offered to new applicants, but an answer already given is kept)."""
    lots = list_lots()
    return LotOptions(
        choices=[
            (lot.slug, lot.name if lot.is_active else f"{lot.name} (closed to new applications)")
            for lot in lots
            if lot.is_active or lot.slug in chosen
        ],
        names={lot.slug: lot.name for lot in lots},
    )


_SECTIONS = select(ApplicationSection).where(
    ApplicationSection.application_id == bindparam("application_id")
)


def progress_of(application: Application) -> Progress:
    rows = db.session.scalars(_SECTIONS, {"application_id": application.id})
    return Progress(
        application,
        questionnaires.content_of(application.questionnaire_version),
        {row.section_id: row for row in rows},
    )


# Starting ------------------------------------------------------------------------------------


def start_application(user: User, organisation: Organisation) -> Application:
    """Open a draft on the published questionnaire, or return the organisation's open
    application if it has one. After an earlier application (withdrawn, rejected, or admitted
    and now applying for more lots) the draft starts with its answers, so nothing is typed
    twice; the declaration is never carried over.

    Raises ApplicationError when no questionnaire is published.
    """
    existing = _open_application_of(organisation)
    if existing is not None:
        return existing
    version = questionnaires.published_version()
    if version is None:
        raise ApplicationError("The council is not taking applications at the moment")
    previous = current_application_of(organisation)
    application = Application(
        organisation_id=organisation.id,
        questionnaire_version_id=version.id,
        created_by_id=user.id,
        previous_application_id=previous.id if previous else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(application)
    except IntegrityError:
        # Another member (or a second click) opened one a moment ago: carry on with theirs.
        return _open_application_of(organisation)
    content = questionnaires.content_of(version)
    carried = _answers_of(previous, content) if previous else {}
    rows: dict[str, ApplicationSection] = {}
    _write_sections(user, application, content, carried, rows)
    _keep_completed(Progress(application, content, rows))
    record_change(
        "application.started",
        application,
        user,
        organisation.id,
        after={
            "questionnaire_version": version.version,
            "previous_application_id": application.previous_application_id,
        },
    )
    return application


def _keep_completed(progress: Progress) -> None:
    """A section the earlier application answered in full, and this version asks in the same
    way, starts Completed: reapplying or adding a lot means answering only what is new. The
    lots section starts In progress, since choosing lots is why a provider applies again."""
    lots_question = progress.content.lots_question
    for section, status in progress.route.task_list():
        row = progress.rows.get(section.id)
        holds_lots = lots_question is not None and lots_question in section.questions
        if row is not None and status == routing.COMPLETED and not holds_lots:
            row.completed = True
    db.session.flush()


def _open_application_of(organisation: Organisation) -> Application | None:
    return db.session.scalar(
        select(Application).where(
            Application.organisation_id == organisation.id, Application.status.in_(OPEN)
        )
    )


def _answers_of(previous: Application, content: Content) -> dict[str, Any]:
    """The earlier application's answers that still answer `content`'s questions: what it last
    submitted, or (never submitted) its draft."""
    submission = latest_submission(previous)
    if submission is not None:
        old = snapshot.frozen_content(submission.snapshot["questionnaire"]["content"])
        answers = submission.snapshot["answers"]
    else:
        progress = progress_of(previous)
        old, answers = progress.content, progress.answers
    return carried_answers(old, content, answers)


def carried_answers(old: Content, new: Content, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers given to `old` that still answer `new`'s questions: those the new version
    asks in the same way (questionnaires.changed_questions judges that for the questions on the
    applicant's route; any other must be the same question in every detail). Declarations are
    never carried: each submission needs its own."""
    lots = routing.chosen_lots(new, answers)
    changed = set(questionnaires.changed_questions(old, new, answers, lots))
    on_route = {q.id for q in routing.questions_on_route(new, answers, lots)}
    old_ids = {q.id for q in old.questions}
    carried = {}
    for question in new.questions:
        if question.type == "declaration" or question.id not in answers:
            continue
        if question.id not in old_ids or question.id in changed:
            continue
        if question.id not in on_route and old.question(question.id) != question:
            continue
        carried[question.id] = answers[question.id]
    return carried


def _write_sections(
    user: User,
    application: Application,
    content: Content,
    answers: Mapping[str, Any],
    rows: dict[str, ApplicationSection],
    keep_completed: set[str] = frozenset(),
) -> None:
    """Store `answers` section by section in `content`'s sections (a question may sit in
    another section in another version), replacing what `rows` held. Each section's version
    moves on, so a page opened before sees the change."""
    by_section: dict[str, dict[str, Any]] = {section.id: {} for section in content.sections}
    for section in content.sections:
        for question in section.questions:
            if question.id in answers:
                by_section[section.id][question.id] = answers[question.id]
    now = utcnow()
    for section_id, row in list(rows.items()):
        if section_id not in by_section:
            db.session.delete(row)
            del rows[section_id]
    for section_id, section_answers in by_section.items():
        row = rows.get(section_id)
        if row is not None:
            row.answers = section_answers
            row.version += 1
            row.completed = row.completed and section_id in keep_completed
            row.updated_by_id, row.updated_at = user.id, now
        elif section_answers:
            rows[section_id] = ApplicationSection(
                application_id=application.id,
                section_id=section_id,
                answers=section_answers,
                updated_by_id=user.id,
                updated_at=now,
            )
            db.session.add(rows[section_id])
    db.session.flush()


# Saving answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    question: Question
    theirs: Any  # the stored answer
    yours: Any  # the answer read from the page, or (typed_as_is) the text as typed
    typed_as_is: bool = False


@dataclass
class Conflict:
    """Someone else saved the section after this page was opened: what they saved beside what
    this person typed (still on the page, not saved), and the version to save over should they
    choose to."""

    saved_by: str | None
    saved_at: datetime
    version: int
    rows: list[ConflictRow] = field(default_factory=list)


@dataclass
class PageOutcome:
    result: ReadResult
    conflict: Conflict | None = None

    @property
    def saved(self) -> bool:
        return self.conflict is None


def save_page(
    user: User,
    progress: Progress,
    section: Section,
    page: Page,
    form: Any,
    seen_version: int,
    lot_choices: list[str],
    evidence_choices: dict[str, list[int]] | None = None,
) -> PageOutcome:
    """Read the posted page and store every answer on it that is valid, even when others on
    the page are not (their typed values go back on the page): nothing typed is lost, and a
    section with a mistake in it stays In progress.

    Nothing is stored when someone else saved the section after the page was opened
    (`seen_version`): the outcome's conflict says what they saved. Answers to questions that do
    not apply, and fields that are not questions on the page, are ignored. Raises NotEditable
    after submission, and UnknownOption (400) for a value none of a question's options.
    """
    check_editable(progress.application)
    result = engine_answers.read_page(
        progress.content,
        section,
        page,
        form,
        progress.answers,
        progress.lots,
        lot_choices,
        evidence_choices,
        route=progress.route,
    )
    row = progress.rows.get(section.id)
    stored = row.answers if row else {}
    changes = {k: v for k, v in result.answers.items() if k not in stored or stored[k] != v}
    questions = [q for q in page.questions if q.id in result.values]
    if seen_version != progress.version_of(section):
        return PageOutcome(result, _conflict(progress, section, questions, result))
    if changes and not _store(user, progress, section, changes, seen_version):
        return PageOutcome(result, _conflict(progress, section, questions, result))
    return PageOutcome(result)


@dataclass
class ItemOutcome:
    result: ReadResult
    conflict: Conflict | None = None
    full: bool = False  # the group already has as many items as it may

    @property
    def saved(self) -> bool:
        return self.result.is_valid and self.conflict is None and not self.full


def save_item(
    user: User,
    progress: Progress,
    section: Section,
    group: Question,
    number: int | None,
    form: Any,
    seen_version: int,
) -> ItemOutcome:
    """Add an item to a repeating group (`number` None) or change item `number` (from 1). An
    item with a mistake is not stored; the page shows what was typed. Raises NotEditable after
    submission."""
    check_editable(progress.application)
    result = engine_answers.read_item(group, form)
    items = list(progress.answers.get(group.id) or [])
    if number is None and not engine_answers.can_add_item(group, items):
        return ItemOutcome(result, full=True)
    if not result.is_valid:
        return ItemOutcome(result)
    if number is None:
        items.append(result.answers)
    else:
        items[number - 1] = result.answers
    conflict = _save_items(user, progress, section, group, items, seen_version, result)
    return ItemOutcome(result, conflict)


def remove_item(
    user: User, progress: Progress, section: Section, group: Question, number: int, seen: int
) -> Conflict | None:
    """Remove item `number` (from 1) of a repeating group, unless the section changed since
    the confirmation page was opened (item 2 may no longer be the one they saw)."""
    check_editable(progress.application)
    items = list(progress.answers.get(group.id) or [])
    del items[number - 1]
    return _save_items(user, progress, section, group, items, seen, None)


def _save_items(user, progress, section, group, items, seen, result) -> Conflict | None:
    typed = result or ReadResult(values={group.id: items})
    if seen != progress.version_of(section) or not _store(
        user, progress, section, {group.id: items}, seen
    ):
        typed.values.setdefault(group.id, items)
        return _conflict(progress, section, [group], typed, group_typed=items)
    return None


def lock_application(application: Application) -> None:
    """Hold the application's row until the request commits, read afresh: a submission or a
    decision made meanwhile is seen, and another waits for this one."""
    db.session.execute(
        select(Application)
        .where(Application.id == application.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def check_editable(application: Application) -> None:
    """Raises NotEditable, with the reason to show, unless the provider may change answers."""
    if not application.is_editable:
        raise NotEditable(_not_editable_message(application.status))


def _store(
    user: User, progress: Progress, section: Section, changes: dict[str, Any], seen: int
) -> bool:
    """Write `changes` into the section if its version is still `seen`: False if someone else
    saved it first. The application row is written first, which (on PostgreSQL) waits for a
    submission in progress and then refuses, so no answer lands after a submission froze them.
    """
    touched = db.session.execute(
        update(Application)
        .where(Application.id == progress.application.id, Application.status.in_(EDITABLE))
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if touched.rowcount != 1:
        db.session.refresh(progress.application)
        raise NotEditable(_not_editable_message(progress.application.status))
    now = utcnow()
    row = progress.rows.get(section.id)
    if row is None:
        row = ApplicationSection(
            application_id=progress.application.id,
            section_id=section.id,
            answers=changes,
            version=1,
            updated_by_id=user.id,
            updated_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:  # another member saved the section's first answers just now
            return False
        progress.rows[section.id] = row
        return True
    merged = {**row.answers, **changes}
    written = db.session.execute(
        update(ApplicationSection)
        .where(ApplicationSection.id == row.id, ApplicationSection.version == seen)
        .values(answers=merged, version=seen + 1, updated_by_id=user.id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:
        return False
    for name, value in (("answers", merged), ("version", seen + 1), ("updated_at", now)):
        set_committed_value(row, name, value)
    return True


def _conflict(
    progress: Progress,
    section: Section,
    questions: list[Question],
    result: ReadResult,
    group_typed: list | None = None,
) -> Conflict:
    """What someone else saved in the section, read afresh, beside what this person typed."""
    row = db.session.scalar(
        select(ApplicationSection)
        .where(
            ApplicationSection.application_id == progress.application.id,
            ApplicationSection.section_id == section.id,
        )
        .options(selectinload(ApplicationSection.updated_by))
        .execution_options(populate_existing=True)
    )
    if row is not None:
        progress.rows[section.id] = row
    theirs = row.answers if row else {}
    lines = []
    for question in questions:
        saved = theirs.get(question.id)
        if question.id in result.answers:
            lines.append(ConflictRow(question, saved, result.answers[question.id]))
        elif group_typed is not None:
            lines.append(ConflictRow(question, saved, group_typed))
        else:
            typed = _typed_text(result.values.get(question.id))
            lines.append(ConflictRow(question, saved, typed, typed_as_is=True))
    return Conflict(
        saved_by=row.updated_by.full_name if row and row.updated_by else None,
        saved_at=row.updated_at if row else utcnow(),
        version=row.version if row else 0,
        rows=lines,
    )


def _typed_text(raw: Any) -> str:
    """An answer that could not be read, as it was typed (a date's parts, the boxes ticked)."""
    if isinstance(raw, dict):
        return " ".join(str(v) for v in raw.values() if v)
    if isinstance(raw, list):
        return ", ".join(str(v) for v in raw)
    return str(raw or "")


def mark_section(user: User, progress: Progress, section: Section, completed: bool) -> None:
    """The provider's answer to "Have you completed this section?". Raises SectionNotFinished
    when they say yes with questions still to answer, and NotEditable after submission."""
    check_editable(progress.application)
    if completed and progress.unfinished_page(section) is not None:
        raise SectionNotFinished(
            "You cannot mark this section as completed until you have answered every question"
        )
    row = progress.rows.get(section.id)
    if row is None:
        row = ApplicationSection(
            application_id=progress.application.id, section_id=section.id, answers={}
        )
        db.session.add(row)
        progress.rows[section.id] = row
    row.completed = completed
    row.updated_by_id, row.updated_at = user.id, utcnow()
    db.session.flush()


# Moving between statuses ----------------------------------------------------------------------


def transition(application: Application, to: str, actor: User, **changes: Any) -> None:
    """Move the application to status `to`, if the transition table allows it and nobody else
    has moved it since it was loaded; record the event and (STATUS_EMAILS) email the
    organisation's members. The one way any status changes, here and in portal/reviews/.
    Raises ApplicationError for a move the table does not allow, ApplicationChanged when
    someone else got there first."""
    before = application.status
    move(application, to, WORKFLOW, updated_at=utcnow(), **changes)
    record_change(
        f"application.{to}",
        application,
        actor,
        application.organisation_id,
        before={"status": before},
        after={"status": to, **{k: v for k, v in changes.items() if isinstance(v, str)}},
    )
    email = RESUBMITTED_EMAIL if (before, to) == (RETURNED, SUBMITTED) else STATUS_EMAILS.get(to)
    if email:
        template, subject = email
        email_members(application, subject, template, actor=actor)


def email_members(application: Application, subject: str, template: str, **context: Any) -> None:
    """Email every member of the application's organisation, the reference in the subject."""
    if application.reference:
        subject += f" ({application.reference})"
    email_members_of(
        application.organisation,
        subject,
        template,
        application=application,
        organisation=application.organisation,
        **context,
    )


# Built once, the application's id bound: every page about a submitted application reads it.
_LATEST_SUBMISSION = (
    select(ApplicationSubmission, cast(ApplicationSubmission.snapshot, Text))
    .where(ApplicationSubmission.application_id == bindparam("application_id"))
    .options(defer(ApplicationSubmission.snapshot))
    .order_by(ApplicationSubmission.number.desc())
    .limit(1)
)


def latest_submission(application: Application) -> ApplicationSubmission | None:
    """The application's latest submission. Its snapshot comes as JSON text, decoded only when
    it is not the one decoded last time (snapshot.decoded): a snapshot never changes."""
    found = db.session.execute(_LATEST_SUBMISSION, {"application_id": application.id}).first()
    if found is None:
        return None
    submission, text = found
    set_committed_value(submission, "snapshot", snapshot.decoded(submission.id, text))
    return submission


def submitted_copy(application: Application) -> snapshot.SubmittedCopy | None:
    """What was last submitted, read from its frozen snapshot alone."""
    submission = latest_submission(application)
    return snapshot.read(submission.snapshot) if submission else None


# A newer questionnaire -----------------------------------------------------------------------


@dataclass(frozen=True)
class NewerVersion:
    version: QuestionnaireVersion
    changed: list[Question]  # the questions on the applicant's route that are new or changed


# Built once: the task list asks on every request.
_PUBLISHED_ID = select(QuestionnaireVersion.id).where(QuestionnaireVersion.status == PUBLISHED)


def newer_version(progress: Progress) -> NewerVersion | None:
    """The published version, when it is not the one the draft is on and it asks something on
    the applicant's route differently: only then is moving worth offering."""
    application = progress.application
    published_id = db.session.scalar(_PUBLISHED_ID)
    if not application.is_editable or published_id in (None, application.questionnaire_version_id):
        return None
    version = questionnaires.get_version(published_id)
    new = questionnaires.content_of(version)
    changed = questionnaires.changed_questions(
        progress.content, new, progress.answers, progress.lots
    )
    return NewerVersion(version, [new.question(q) for q in changed]) if changed else None


def move_to_newer_version(user: User, progress: Progress) -> NewerVersion | None:
    """Move the draft to the published version: answers carry over by question id, the changed
    questions are left to answer again, and sections with a changed question are no longer
    Completed. Does nothing (returns None) when there is nothing to move to."""
    check_editable(progress.application)
    newer = newer_version(progress)
    if newer is None:
        return None
    application = progress.application
    new = questionnaires.content_of(newer.version)
    changed = {q.id for q in newer.changed}
    keep_completed = {s.id for s in new.sections if not changed & {q.id for q in s.questions}}
    carried = carried_answers(progress.content, new, progress.answers)
    before = application.questionnaire_version.version
    _write_sections(user, application, new, carried, progress.rows, keep_completed)
    application.questionnaire_version_id = newer.version.id
    application.questionnaire_version = newer.version
    application.updated_at = utcnow()
    record_change(
        "application.moved_to_new_version",
        application,
        user,
        application.organisation_id,
        before={"questionnaire_version": before},
        after={
            "questionnaire_version": newer.version.version,
            "changed_questions": sorted(changed),
        },
    )
    db.session.flush()
    return newer
