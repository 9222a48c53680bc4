"""Results, award and standstill: the ranking by the published rules, the award (with or without
a standstill period) and its confirmation, and the assessment summary every bidder is sent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, null, select

from portal.accounts.models import User
from portal.competitions import scoring
from portal.competitions.clock import london_today, now
from portal.competitions.models import (
    AWARDED,
    CONFIRMED,
    DISTANCE_BAND,
    LOCAL_WEIGHTED,
    PUBLISHED,
    QUOTE_SUBMITTED,
    Competition,
    ModeratedScore,
    QualityQuestion,
    Quote,
    QuoteVersion,
)
from portal.competitions.services.common import (
    CompetitionError,
    _email_members_of_each,
    _move_competition,
    _reason,
    format_price,
)
from portal.competitions.services.evaluating import _unsealed, bidders, latest_version
from portal.competitions.services.quoting import ProviderView
from portal.core.db import db
from portal.core.errors import NotFoundForUser
from portal.core.time import add_working_days, format_date
from portal.organisations.models import Organisation

STANDSTILL_WORKING_DAYS = 8


@dataclass(frozen=True)
class ConfirmedAward:
    """What a confirmed award tells the domains that act on it (a contract is made from it):
    the winner, and the terms its latest submitted quote and the competition set."""

    competition_id: int
    reference: str  # "PR-12"
    is_placement: bool
    lot_id: int
    title: str
    organisation_id: int  # the winner's
    price_basis: str
    price_pence: int  # the winning quote's latest submitted price
    planned_units: int | None
    reference_code: str | None  # a placement request's pseudonymous reference
    start_date: date | None  # when a placement request asked the work to start
    confirmed_at: datetime


# Told of each confirmed award, in the confirming request's transaction (the app factory
# registers them: competitions knows nothing of what follows an award).
_award_confirmed: list[Callable[[User, ConfirmedAward], object]] = []


def on_award_confirmed(callback: Callable[[User, ConfirmedAward], object]) -> None:
    """Call `callback` with each award as it is confirmed (with or without a standstill)."""
    if callback not in _award_confirmed:
        _award_confirmed.append(callback)


def _tell_award_confirmed(user: User, competition: Competition) -> None:
    """After the move to CONFIRMED (which only one request can make): tell every listener."""
    winner = db.session.get(Quote, competition.winner_quote_id)
    award = ConfirmedAward(
        competition_id=competition.id,
        reference=competition.reference,
        is_placement=competition.is_placement,
        lot_id=competition.lot_id,
        title=competition.title,
        organisation_id=winner.organisation_id,
        price_basis=competition.price_basis,
        price_pence=latest_version(winner).price_pence,
        planned_units=competition.planned_units,
        reference_code=competition.reference_code,
        start_date=competition.start_date,
        confirmed_at=competition.confirmed_at,
    )
    for callback in _award_confirmed:
        callback(user, award)


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
    quotes = {quote.id: quote for quote in bidders(competition, attachments=False)}
    agreed = _agreed_scores(competition)
    bids = []
    for quote in quotes.values():
        version = latest_version(quote)
        scores = {question_id: m.score for question_id, m in agreed[quote.id].items()}
        bids.append(
            _bid(
                competition,
                quote.id,
                version.price_pence,
                version.answers,
                scores,
                quote.organisation.is_local,
            )
        )
    return [Ranked(quotes[r.key], r, agreed[r.key]) for r in _rank(competition, bids)]


def _bid(
    competition: Competition,
    quote_id: int,
    price_pence: int,
    answers: dict[str, Any] | None,
    scores: dict[int, int],
    is_local: bool,
) -> scoring.Bid:
    """What scoring reads of a quote: its latest version's price, the agreed score of each
    written question (`scores`, changed here) and the distance band's by the published bands."""
    for question in competition.questions:
        if question.answer_kind == DISTANCE_BAND:
            scores[question.id] = scoring.distance_score((answers or {}).get(question.key))
    return scoring.Bid(key=quote_id, price_pence=price_pence, scores=scores, is_local=is_local)


def _rank(competition: Competition, bids: list[scoring.Bid]) -> list[scoring.Result]:
    weights = {question.id: question.weight for question in competition.questions}
    local_weight = competition.local_weight if competition.local_preference == LOCAL_WEIGHTED else 0
    return scoring.rank(bids, weights, competition.price_weight, local_weight)


@dataclass(frozen=True)
class Standing:
    """A quote's place in the ranking, as the results page shows it."""

    quote_id: int
    name: str
    result: scoring.Result


# Built once, for the results page: what ranking reads of each submitted quote (its latest
# version's price, and its answers only where a question is scored by distance band) and the
# agreed scores, as plain rows. Whole quotes with every version's answers, and the scores as
# objects, were most of the page's CPU (8.8 ms a request at 10x).
_LATEST_NUMBER = (
    select(func.max(QuoteVersion.number))
    .where(QuoteVersion.quote_id == Quote.id)
    .correlate(Quote)
    .scalar_subquery()
)


def _bids_statement(with_answers: bool):
    return (
        select(
            Quote.id,
            Organisation.trading_name,
            Organisation.legal_name,
            Organisation.is_local,
            QuoteVersion.price_pence,
            QuoteVersion.answers if with_answers else null(),
        )
        .join(Organisation, Organisation.id == Quote.organisation_id)
        .join(
            QuoteVersion,
            and_(QuoteVersion.quote_id == Quote.id, QuoteVersion.number == _LATEST_NUMBER),
        )
        .where(
            Quote.competition_id == bindparam("competition_id"),
            Quote.status == QUOTE_SUBMITTED,
        )
        # The order bidders() reads them in, so that equal places come out as ranking()'s do.
        .order_by(Organisation.legal_name, Quote.id)
    )


_BIDS = {with_answers: _bids_statement(with_answers) for with_answers in (False, True)}
_AGREED = (
    select(ModeratedScore.quote_id, ModeratedScore.question_id, ModeratedScore.score)
    .join(Quote, Quote.id == ModeratedScore.quote_id)
    .where(Quote.competition_id == bindparam("competition_id"))
)


def standings(competition: Competition) -> list[Standing]:
    """ranking() for the results page: every submitted quote scored and ranked by the same
    rules from the same figures, best first, with its organisation's name. Only after the
    deadline (404 before), and only once evaluation is complete (an empty list before)."""
    _unsealed(competition)
    if not evaluation_complete(competition):
        return []
    by_band = any(question.answer_kind == DISTANCE_BAND for question in competition.questions)
    ids = {"competition_id": competition.id}
    agreed: dict[int, dict[int, int]] = defaultdict(dict)
    for quote_id, question_id, score in db.session.execute(_AGREED, ids):
        agreed[quote_id][question_id] = score
    names, bids = {}, []
    for quote_id, trading_name, legal_name, is_local, price, answers in db.session.execute(
        _BIDS[by_band], ids
    ):
        names[quote_id] = trading_name or legal_name  # Organisation.display_name
        bids.append(_bid(competition, quote_id, price, answers, agreed[quote_id], is_local))
    return [Standing(r.key, names[r.key], r) for r in _rank(competition, bids)]


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
        _tell_award_confirmed(user, competition)
    _email_members_of_each(
        [
            (entry.quote.organisation_id, {"summary": _assessment(competition, ranked, entry)})
            for entry in ranked
        ],
        f"Result: {competition.title}",
        "competition_assessment",
        competition=competition,
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
    _tell_award_confirmed(user, competition)
    winner = winner_name(competition)
    quotes = bidders(competition)
    _email_members_of_each(
        [
            (
                quote.organisation_id,
                {
                    "organisation": quote.organisation,
                    "is_winner": quote.id == competition.winner_quote_id,
                },
            )
            for quote in quotes
        ],
        f"Award confirmed: {competition.title}",
        "competition_award_confirmed",
        competition=competition,
        winner=winner,
    )


# Feedback to every bidder -----------------------------------------------------------------------


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
