"""Evaluation and moderation, after the deadline: evaluators declare conflicts, score each
written answer and submit their scores; the lead evaluator agrees a score for each and closes
moderation.

Quotes are sealed: every function that hands the council a quote, a price, an answer or an
attachment goes through `_unsealed`, which refuses (404) before the submission deadline,
whoever asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.audit.services import record_change
from portal.competitions import scoring
from portal.competitions.clock import is_sealed, now
from portal.competitions.models import (
    QUOTE_SUBMITTED,
    Competition,
    Evaluator,
    ModeratedScore,
    QualityQuestion,
    Quote,
    QuoteAttachment,
    QuoteVersion,
    Score,
)
from portal.competitions.services.common import CompetitionError, _reason
from portal.competitions.services.drafting import evaluators_of
from portal.competitions.services.quoting import _attachment, text_questions
from portal.core.db import db
from portal.core.errors import NotFoundForUser, found
from portal.core.numbers import whole_number
from portal.documents import files
from portal.organisations.models import Organisation


def _unsealed(competition: Competition) -> datetime:
    """The sealed-quote rule: nothing of any quote reaches anyone at the council before the
    submission deadline (by the database's clock). Raises NotFoundForUser (404)."""
    at = now()
    if is_sealed(competition, at):
        raise NotFoundForUser()
    return at


def evaluator_for(user: User, competition: Competition) -> Evaluator:
    """The user's place on the panel. Raises NotFoundForUser (404) for anyone not on it."""
    evaluator = found(
        db.session.scalar(
            select(Evaluator).where(
                Evaluator.competition_id == competition.id, Evaluator.user_id == user.id
            )
        )
    )
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


def bidders(competition: Competition, attachments: bool = True) -> list[Quote]:
    """The submitted quotes with their organisations and versions, by organisation name. Only
    after the deadline (see _unsealed). `attachments=False` leaves their attachments to load
    if asked for: ranking never reads them, and loading them was a statement more."""
    _unsealed(competition)
    options = [joinedload(Quote.organisation), selectinload(Quote.versions)]
    if attachments:
        options.append(selectinload(Quote.attachments).joinedload(QuoteAttachment.file))
    return list(
        db.session.scalars(
            select(Quote)
            .join(Quote.organisation)
            .where(Quote.competition_id == competition.id, Quote.status == QUOTE_SUBMITTED)
            .options(*options)
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
    record_change(
        "competition.conflict_declared",
        competition,
        user,
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


# Scoring ----------------------------------------------------------------------------------------


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
    record_change("competition.scored", competition, user, after={"quote_id": quote.id})


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
    record_change("competition.scores_submitted", competition, user)
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
        record_change("competition.evaluation_closed", competition, user)


# Moderation -------------------------------------------------------------------------------------


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

    def place_of(self, user: User) -> Evaluator | None:
        """`user`'s place on the panel, if any: what evaluator_or_none reads, without asking
        the database again."""
        return next((e for e in self.evaluators if e.user_id == user.id), None)


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
    record_change("competition.moderated", competition, user, after={"quote_id": quote.id})


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
    record_change("competition.evaluation_closed", competition, user)
