"""The results page ranks quotes from plain rows (awarding.standings) and the award from whole
quotes (awarding.ranking): both must give the same places, marks and names from the same
figures, whatever the quotes' revisions, distance bands, local marks and ties."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.competitions.models import (
    DISTANCE_BAND,
    Competition,
    Invitation,
    ModeratedScore,
    QualityQuestion,
    Quote,
    QuoteVersion,
)
from portal.competitions.services import awarding
from portal.core.db import db
from portal.core.time import utcnow
from portal.lots.models import Lot
from tests.support import factories

BANDS = ["under-3", "5-to-10", "over-20"]


def _competition(lot: Lot, moderated: bool) -> Competition:
    now = utcnow()
    competition = Competition(
        kind="placement_request",
        status="published",
        lot_id=lot.id,
        title="Standings",
        description="d",
        requirements="r",
        price_basis="total",
        quality_weight=50,
        price_weight=40,
        local_preference="weighted",
        local_weight=10,
        clarification_deadline=now - timedelta(days=2),
        submission_deadline=now - timedelta(days=1),
        published_at=now - timedelta(days=10),
        moderation_closed_at=now if moderated else None,
        questions=[
            QualityQuestion(position=1, text="Fit", weight=30, word_limit=100),
            QualityQuestion(
                position=2, text="Distance", weight=20, word_limit=100, answer_kind=DISTANCE_BAND
            ),
        ],
    )
    db.session.add(competition)
    db.session.commit()
    return competition


def _bidder(competition: Competition, number: int, status: str) -> None:
    """A bidder whose quote was revised: its first version's price and band must not count."""
    user = factories.make_user(f"standing-{number}@example.org")
    organisation = factories.make_organisation(
        user,
        # Names out of the order of quote ids, some trading under another name.
        legal_name=f"Bidder {9 - number} Ltd",
        trading_name=f"Trading <{number}>" if number % 3 == 0 else None,
        is_local=number % 2 == 0,
    )
    db.session.add(Invitation(competition_id=competition.id, organisation_id=organisation.id))
    fit, distance = competition.questions
    # Bidders 1 and 7 are alike in all but name: equal totals.
    price = 100_000 + (number % 3) * 10_000
    quote = Quote(
        competition_id=competition.id,
        organisation_id=organisation.id,
        status=status,
        answers={},
        price_pence=price,
        submitted_at=utcnow(),
    )
    db.session.add(quote)
    db.session.flush()
    for version, (version_price, band) in enumerate(
        [(price * 3, "under-3"), (price, None if number == 4 else BANDS[number % 3])], start=1
    ):
        answers = {fit.key: "An answer"} | ({distance.key: band} if band else {})
        db.session.add(
            QuoteVersion(
                quote_id=quote.id,
                number=version,
                answers=answers,
                price_pence=version_price,
                submitted_at=utcnow(),
            )
        )
    db.session.add(
        ModeratedScore(quote_id=quote.id, question_id=fit.id, score=number % 3, rationale="Ok")
    )
    db.session.commit()


def _both(competition: Competition):
    ranked = awarding.ranking(competition)
    standings = awarding.standings(competition)
    return (
        [(entry.quote.id, entry.name, entry.result) for entry in ranked],
        [(standing.quote_id, standing.name, standing.result) for standing in standings],
    )


def test_the_results_page_ranks_as_the_award_does(app, organisation):
    factories.admit(organisation, "mentoring")
    lot = db.session.scalar(select(Lot).where(Lot.slug == "mentoring"))
    competition = _competition(lot, moderated=True)
    for number in range(1, 9):
        _bidder(competition, number, "withdrawn" if number == 5 else "submitted")
    with app.test_request_context():
        by_ranking, by_standings = _both(competition)
    assert by_standings == by_ranking
    assert len(by_standings) == 7  # not the withdrawn one
    assert any(result.shares_rank for _id, _name, result in by_standings)
    assert "Trading <3>" in [name for _id, name, _result in by_standings]


def test_nothing_is_ranked_before_evaluation_is_complete(app, organisation):
    factories.admit(organisation, "mentoring")
    lot = db.session.scalar(select(Lot).where(Lot.slug == "mentoring"))
    competition = _competition(lot, moderated=False)
    _bidder(competition, 1, "submitted")
    with app.test_request_context():
        assert _both(competition) == ([], [])
