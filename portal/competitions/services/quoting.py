"""The provider's side: a competition their organisation was invited to (the list of them is
portal/competitions/services/lists.py), and its quote (a working copy saved as often as they
like, submitted as numbered versions, withdrawn, or declined with a reason), with its files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.admissions.models import ADMITTED, Admission
from portal.audit.services import record_change
from portal.competitions import scoring
from portal.competitions.clock import format_deadline, is_open, now
from portal.competitions.models import (
    CANCELLED,
    DISTANCE_BAND,
    QUOTE_DRAFT,
    QUOTE_SUBMITTED,
    QUOTE_WITHDRAWN,
    TEXT_ANSWER,
    Competition,
    CompetitionAttachment,
    Invitation,
    QualityQuestion,
    Quote,
    QuoteAttachment,
    QuoteVersion,
)
from portal.competitions.services.common import (
    QUOTE_WORKFLOW,
    CompetitionError,
    _members,
    _move_quote,
    _reason,
    _unless_none,
    format_price,
)
from portal.core import workflow
from portal.core.db import db
from portal.core.errors import NotFoundForUser
from portal.core.numbers import plain_decimal
from portal.documents import files, uploads
from portal.documents.models import PURPOSE_DOCUMENT
from portal.organisations.models import Membership, Organisation
from portal.outbox.services import queue_email

ANSWER_LIMIT = 5000
MAX_PRICE_PENCE = 10**12


# An opportunity --------------------------------------------------------------------------------


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


# Money and words --------------------------------------------------------------------------------


def parse_price(text: str | None) -> int:
    """Pence from what someone typed ("£1,250.50"). Raises CompetitionError."""
    cleaned = (text or "").strip().replace(",", "").removeprefix("£").strip()
    if not cleaned:
        raise CompetitionError("Enter your price", "price")
    amount = plain_decimal(cleaned)
    if amount is None:
        raise CompetitionError("Price must be a number, like 1250 or 1250.50", "price")
    exponent = amount.as_tuple().exponent  # an int: plain_decimal gives no NaN or infinity
    if isinstance(exponent, int) and exponent < -2:
        raise CompetitionError("Price must have no more than 2 decimal places", "price")
    if amount <= 0:
        raise CompetitionError("Price must be more than £0", "price")
    pence = int(amount * 100)
    if pence > MAX_PRICE_PENCE:
        raise CompetitionError("Price must be £10,000,000,000 or less", "price")
    return pence


def word_count(text: str | None) -> int:
    return len((text or "").split())


# Quotes -----------------------------------------------------------------------------------------


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
    workflow.change(quote, QUOTE_WORKFLOW, seen=_unless_none(seen), **values)


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
    record_change(
        "quote.submitted",
        quote,
        user,
        quote.organisation_id,
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
    record_change("quote.withdrawn", view.quote, user, view.organisation.id)


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
    record_change(
        "competition.declined",
        view.competition,
        user,
        view.organisation.id,
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
