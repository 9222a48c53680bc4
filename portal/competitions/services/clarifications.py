"""Clarifications: a provider asks a question before the clarification deadline; the council
answers it to every invited provider, without saying who asked."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from portal.accounts.models import User
from portal.audit.services import record_change
from portal.competitions.clock import format_deadline, is_open, now, questions_open
from portal.competitions.models import PUBLISHED, Clarification, Competition
from portal.competitions.services.common import (
    REASON_LIMIT,
    CompetitionError,
    _email_invited,
)
from portal.competitions.services.quoting import ProviderView
from portal.core.db import db
from portal.core.errors import found, typed_text

_CLARIFICATIONS = (
    select(Clarification)
    .where(Clarification.competition_id == bindparam("competition_id"))
    .order_by(Clarification.asked_at, Clarification.id)
)


def clarifications_of(competition: Competition) -> list[Clarification]:
    return list(db.session.scalars(_CLARIFICATIONS, {"competition_id": competition.id}))


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
    return found(db.session.get(Clarification, clarification_id), competition_id=competition.id)


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
    record_change(
        "competition.clarification_answered",
        competition,
        actor,
        after={"clarification_id": clarification.id},
    )
    _email_invited(
        competition, "Question answered", "competition_clarification", clarification=clarification
    )


def ask_clarification(user: User, view: ProviderView, question: str) -> Clarification:
    """A question for the council, until the clarification deadline."""
    competition = view.competition
    if competition.status != PUBLISHED or not questions_open(competition, view.at):
        raise CompetitionError(
            "The deadline for questions was "
            f"{format_deadline(competition.clarification_deadline)}. Your question was not sent."
        )
    question = typed_text(
        question,
        CompetitionError,
        "question",
        missing="Enter your question",
        limit=REASON_LIMIT,
        what="Question",
    )
    clarification = Clarification(
        competition_id=competition.id,
        organisation_id=view.organisation.id,
        asked_by_id=user.id,
        question=question,
        asked_at=view.at,
    )
    db.session.add(clarification)
    db.session.flush()
    record_change(
        "competition.clarification_asked",
        competition,
        user,
        view.organisation.id,
        after={"clarification_id": clarification.id},
    )
    return clarification
