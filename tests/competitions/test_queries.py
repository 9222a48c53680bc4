"""Every competitions page makes the same number of queries whatever the number of bidders.
The counts for a competition with 50 bidders are printed (run with -s) for the notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.competitions.models import (
    Competition,
    Evaluator,
    Invitation,
    ModeratedScore,
    QualityQuestion,
    Quote,
    QuoteVersion,
    Score,
)
from portal.core.db import db
from portal.core.pagination import PER_PAGE
from portal.core.time import utcnow
from portal.lots.models import Lot
from tests.conftest import sign_in
from tests.support import factories
from tests.support.pages import soup
from tests.support.queries import counting_queries, counts_read_alone, queries_for


def _bidders(competition: Competition, evaluators: list[Evaluator], start: int, count: int):
    """`count` more organisations on the lot, invited, each with a submitted, scored and
    moderated quote."""
    for number in range(start, start + count):
        user = factories.make_user(f"bidder-{number}@example.org")
        organisation = factories.make_organisation(user, legal_name=f"Bidder {number:03d} Ltd")
        factories.admit(organisation, "mentoring")
        db.session.add(Invitation(competition_id=competition.id, organisation_id=organisation.id))
        quote = Quote(
            competition_id=competition.id,
            organisation_id=organisation.id,
            status="submitted",
            answers={},
            price_pence=100_000 + number * 100,
            submitted_at=utcnow(),
        )
        db.session.add(quote)
        db.session.flush()
        answers = {question.key: f"Answer {number}" for question in competition.questions}
        db.session.add(
            QuoteVersion(
                quote_id=quote.id,
                number=1,
                answers=answers,
                price_pence=quote.price_pence,
                submitted_at=utcnow(),
            )
        )
        for question in competition.questions:
            for evaluator in evaluators:
                db.session.add(
                    Score(
                        evaluator_id=evaluator.id,
                        quote_id=quote.id,
                        question_id=question.id,
                        score=number % 5,
                        comment="Fine",
                    )
                )
            db.session.add(
                ModeratedScore(
                    quote_id=quote.id, question_id=question.id, score=number % 5, rationale="Ok"
                )
            )
    db.session.commit()


def test_pages_make_a_fixed_number_of_queries(app, commissioner, evaluator, provider, organisation):
    factories.admit(organisation, "mentoring")
    lot = db.session.scalar(select(Lot).where(Lot.slug == "mentoring"))
    now = utcnow()
    competition = Competition(
        kind="mini_competition",
        status="published",
        lot_id=lot.id,
        title="Queries",
        description="d",
        requirements="r",
        price_basis="total",
        quality_weight=60,
        price_weight=40,
        clarification_deadline=now - timedelta(days=2),
        submission_deadline=now - timedelta(days=1),
        published_at=now - timedelta(days=10),
        moderation_closed_at=now,
        questions=[
            QualityQuestion(position=1, text="Q1", weight=30, word_limit=100),
            QualityQuestion(position=2, text="Q2", weight=30, word_limit=100),
        ],
    )
    db.session.add(competition)
    db.session.flush()
    evaluators = [
        Evaluator(
            competition_id=competition.id,
            user_id=user.id,
            is_lead=user is commissioner,
            declared_at=now,
            has_conflict=False,
            scores_submitted_at=now,
        )
        for user in (commissioner, evaluator)
    ]
    db.session.add_all(evaluators)
    db.session.commit()
    # Organisation A bids too, so its provider can read its pages.
    db.session.add(Invitation(competition_id=competition.id, organisation_id=organisation.id))
    a_quote = Quote(
        competition_id=competition.id,
        organisation_id=organisation.id,
        status="submitted",
        answers={},
        price_pence=90_000,
        submitted_at=now,
    )
    db.session.add(a_quote)
    db.session.flush()
    db.session.add(
        QuoteVersion(
            quote_id=a_quote.id, number=1, answers={}, price_pence=90_000, submitted_at=now
        )
    )
    for question in competition.questions:
        db.session.add(
            ModeratedScore(quote_id=a_quote.id, question_id=question.id, score=2, rationale="Ok")
        )
        for each in evaluators:
            db.session.add(
                Score(
                    evaluator_id=each.id,
                    quote_id=a_quote.id,
                    question_id=question.id,
                    score=2,
                    comment="Ok",
                )
            )
    competition.winner_quote_id = a_quote.id
    db.session.commit()
    _bidders(competition, evaluators, 1, 2)

    commissioner_client = sign_in(app.test_client(), commissioner)
    provider_client = sign_in(app.test_client(), provider)
    evaluator_user = db.session.get(User, evaluator.id)
    evaluator_client = sign_in(app.test_client(), evaluator_user)
    c, q = competition.id, a_quote.id
    pages = {
        "staff list": (commissioner_client, "/competitions"),
        "staff competition page": (commissioner_client, f"/competitions/{c}"),
        "invitees": (commissioner_client, f"/competitions/{c}/invitees"),
        "evaluation": (evaluator_client, f"/competitions/{c}/evaluation"),
        "score a quote": (evaluator_client, f"/competitions/{c}/quotes/{q}/score"),
        "moderate a quote": (commissioner_client, f"/competitions/{c}/quotes/{q}/moderate"),
        "results": (commissioner_client, f"/competitions/{c}/results"),
        "award": (commissioner_client, f"/competitions/{c}/award"),
        "provider opportunities": (provider_client, "/competitions"),
        "provider competition page": (provider_client, f"/competitions/{c}"),
        "provider quote page": (provider_client, f"/competitions/{c}/quote"),
        "release package": (app.test_client(), f"/competitions/{c}/release-package"),
    }
    awarded_pages = {
        "provider assessment": (provider_client, f"/competitions/{c}/assessment"),
        "staff competition page, awarded": (commissioner_client, f"/competitions/{c}"),
        "provider competition page, awarded": (provider_client, f"/competitions/{c}"),
        "release package, awarded": (app.test_client(), f"/competitions/{c}/release-package"),
    }

    def measure() -> dict[str, int]:
        counts = {name: queries_for(app, client, url) for name, (client, url) in pages.items()}
        _set_status(c, "awarded")
        counts |= {
            name: queries_for(app, client, url) for name, (client, url) in awarded_pages.items()
        }
        _set_status(c, "published")
        return counts

    few = measure()
    _bidders(competition, evaluators, 3, 47)  # 50 bidders in all
    many = measure()
    print("\nQueries per page, competition with 50 bidders:")
    for name, count in many.items():
        print(f"  {name}: {count}")
    assert many == few
    # The invitees' count rides with their page's rows; a page past the end shows the last.
    invitees = f"/competitions/{c}/invitees"
    with counting_queries(app) as statements:
        commissioner_client.get(invitees)
    assert not counts_read_alone(statements)
    invited = db.session.scalar(select(func.count()).where(Invitation.competition_id == c))
    last = -(-invited // PER_PAGE)
    past = _rows(commissioner_client.get(f"{invitees}?page=99"))
    assert past and past == _rows(commissioner_client.get(f"{invitees}?page={last}"))


def _set_status(competition_id: int, status: str) -> None:
    db.session.execute(
        Competition.__table__.update()
        .where(Competition.id == competition_id)
        .values(status=status, awarded_at=utcnow())
    )
    db.session.commit()


def _competitions(lot: Lot, organisation, creator: User, start: int, count: int) -> None:
    """`count` more competitions, every other one a placement request, each inviting
    `organisation`, which has a quote in each of some states."""
    now = utcnow()
    for number in range(start, start + count):
        competition = Competition(
            kind="placement_request" if number % 2 else "mini_competition",
            status=("published", "draft", "awarded", "cancelled")[number % 4],
            lot_id=lot.id,
            title=f"Competition {number}",
            description="d",
            requirements="r",
            price_basis="total",
            quality_weight=60,
            price_weight=40,
            clarification_deadline=now + timedelta(days=number - 3),
            submission_deadline=now + timedelta(days=number - 2),
            created_by_id=creator.id if number % 3 else None,
        )
        db.session.add(competition)
        db.session.flush()
        db.session.add(
            Invitation(
                competition_id=competition.id,
                organisation_id=organisation.id,
                declined_at=now if number % 5 == 0 else None,
            )
        )
        if number % 3:
            db.session.add(
                Quote(
                    competition_id=competition.id,
                    organisation_id=organisation.id,
                    status=("draft", "submitted")[number % 2],
                    answers={},
                )
            )
    db.session.commit()


def test_the_lists_make_a_fixed_number_of_queries(app, commissioner, provider, organisation):
    """The council's list of competitions and a provider's opportunities, as there come to be
    more of them than fit on a page."""
    factories.admit(organisation, "mentoring")
    lot = db.session.scalar(select(Lot).where(Lot.slug == "mentoring"))
    commissioner_client = sign_in(app.test_client(), commissioner)
    provider_client = sign_in(app.test_client(), provider)
    pages = {
        "staff list": (commissioner_client, "/competitions"),
        "staff list, page 2": (commissioner_client, "/competitions?page=2"),
        "provider opportunities": (provider_client, "/competitions"),
        "provider opportunities, page 2": (provider_client, "/competitions?page=2"),
    }
    # A second page from the first (a page past the end reads a count of its own, below).
    _competitions(lot, organisation, commissioner, 1, PER_PAGE + 1)
    few = {name: queries_for(app, client, url) for name, (client, url) in pages.items()}
    _competitions(lot, organisation, commissioner, PER_PAGE + 2, 60)  # three pages of each list
    many = {name: queries_for(app, client, url) for name, (client, url) in pages.items()}
    assert many == few
    assert "Competition 62" in commissioner_client.get("/competitions").get_data(as_text=True)
    # How many there are in all is read with the page's rows, not by a statement of its own.
    for client in (commissioner_client, provider_client):
        with counting_queries(app) as statements:
            client.get("/competitions")
        assert not counts_read_alone(statements)


@pytest.mark.parametrize("who", ["provider", "commissioner"])
@pytest.mark.parametrize("page", ["2", "99", "2147483647"])
def test_a_page_past_the_end_shows_the_last(app, commissioner, provider, organisation, page, who):
    """A provider's opportunities and the council's list: the page's one statement finds no row
    past the end to carry the count, so the count is read alone and the last page shown, even
    for a page number past any integer."""
    factories.admit(organisation, "mentoring")
    lot = db.session.scalar(select(Lot).where(Lot.slug == "mentoring"))
    _competitions(lot, organisation, commissioner, 1, 3)
    client = sign_in(app.test_client(), provider if who == "provider" else commissioner)
    first = client.get("/competitions")
    response = client.get(f"/competitions?page={page}")
    assert response.status_code == 200
    assert _rows(response) == _rows(first) and len(_rows(first)) == 3


def _rows(response) -> list[str]:
    return [row.get_text(" ", strip=True) for row in soup(response).select("table tbody tr")]
