"""Bad input in a quote and in its evaluation: each is refused with a clear message, and nothing
is half-written (the commissioner's draft and placement requests are in test_mistakes.py).

Every test here starts from a mini-competition drafted and published through the pages
(`published`), or from the same with two quotes submitted, the deadline passed and the panel's
declarations made (`closed`). Built through the pages that takes about a second a test, so each
is built once per worker and written back for each test (tests/support/snapshots.py); the people
signed in come from the same snapshot, since a client signed in before the rows are written back
would collide with them. What each test does still goes through HTTP against the real database.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from portal.competitions import clock
from portal.competitions.models import Competition, Quote, QuoteVersion, Score
from portal.competitions.services import common
from portal.core.db import db
from tests.competitions import helpers
from tests.competitions.conftest import evaluator_client as _plain_evaluator_client  # noqa: F401
from tests.conftest import commissioner_client as _plain_commissioner_client  # noqa: F401
from tests.conftest import other_provider_client as _plain_other_provider_client  # noqa: F401
from tests.conftest import provider_client as _plain_provider_client  # noqa: F401
from tests.support import snapshots
from tests.support.pages import field_value, page_errors, page_text


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def published_world(app, app_ctx, request) -> tuple[int, dict[str, FlaskClient]]:
    """The competition's id and the four people signed in: the commissioner (the panel's lead),
    an evaluator, and the providers of organisations A and B, both on the lot with C."""

    def build():
        # The commissioner and the evaluator first, as the fixture each test once built its own
        # competition with asked for them; organisations A, B and C then take ids 1, 2 and 3
        # (`helpers.quote_of` looks a quote up by its organisation's id).
        commissioner_client = request.getfixturevalue("_plain_commissioner_client")
        commissioner = request.getfixturevalue("commissioner")
        evaluator = request.getfixturevalue("evaluator")
        request.getfixturevalue("on_lot")
        clients = {
            "commissioner": commissioner_client,
            "evaluator": request.getfixturevalue("_plain_evaluator_client"),
            "provider": request.getfixturevalue("_plain_provider_client"),
            "other_provider": request.getfixturevalue("_plain_other_provider_client"),
        }
        competition_id = helpers.ready_mini_competition(
            commissioner_client, [commissioner, evaluator], commissioner
        )
        assert helpers.publish(commissioner_client, competition_id).status_code == 302
        return competition_id, clients

    return snapshots.shared(app, "competition-published", build, fixture=request.fixturename)


@pytest.fixture
def closed_world(app, app_ctx, request) -> tuple[tuple[int, list[int]], dict[str, FlaskClient]]:
    """`published_world`, then A's quote (£1,000) and B's (£1,250) submitted, the deadline
    passed and both evaluators' declarations made: the competition's id and the quotes' ids."""

    def build():
        competition_id, clients = request.getfixturevalue("published_world")
        helpers.quote_and_submit(clients["provider"], competition_id, ["A1", "A2"], "1000")
        helpers.quote_and_submit(clients["other_provider"], competition_id, ["B1", "B2"], "1250")
        helpers.pass_deadline(competition_id)
        for person in ("commissioner", "evaluator"):
            clients[person].post(
                f"/competitions/{competition_id}/declaration", data={"has_conflict": "no"}
            )
        db.session.rollback()
        return (competition_id, sorted(db.session.scalars(select(Quote.id)).all())), clients

    return snapshots.shared(app, "competition-closed", build, fixture=request.fixturename)


@pytest.fixture
def world(request) -> tuple[object, dict[str, FlaskClient]]:
    """The world the test starts from: `closed`'s for a test on it, else `published`'s."""
    return request.getfixturevalue(
        "closed_world" if "closed" in request.node.fixturenames else "published_world"
    )


@pytest.fixture
def published(published_world) -> int:
    return published_world[0]


@pytest.fixture
def closed(closed_world) -> tuple[int, list[int]]:
    competition_id, quote_ids = closed_world[0]
    return competition_id, list(quote_ids)  # each test its own list


# The people come from the world, so nothing is written before its rows are put back.


@pytest.fixture
def commissioner_client(world) -> FlaskClient:
    return world[1]["commissioner"]


@pytest.fixture
def evaluator_client(world) -> FlaskClient:
    return world[1]["evaluator"]


@pytest.fixture
def provider_client(world) -> FlaskClient:
    return world[1]["provider"]


@pytest.fixture
def other_provider_client(world) -> FlaskClient:
    return world[1]["other_provider"]


# Providers' quotes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("1250.505", "Price must have no more than 2 decimal places"),
        ("0", "Price must be more than £0"),
        ("-5", "Price must be more than £0"),
        ("a lot", "Price must be a number, like 1250 or 1250.50"),
    ],
)
def test_a_bad_price_is_refused_and_nothing_typed_is_lost(
    provider_client, published, price, message
):
    response = helpers.save_quote(provider_client, published, ["My answer", "Another"], price)
    assert response.status_code == 200
    assert page_errors(response) == {"price": message}
    assert field_value(response, "price") == price
    assert "My answer" in response.get_data(as_text=True)
    assert _count(Quote) == 0


def test_an_answer_over_the_word_limit_is_refused(provider_client, published):
    long_answer = "word " * 101
    response = helpers.save_quote(provider_client, published, [long_answer, "Fine"], "100")
    (qid, _other) = helpers.question_ids(published)
    assert page_errors(response) == {
        f"answer_{qid}": "Your answer to question 1 must be 100 words or fewer. It is 101 words now"
    }
    assert _count(Quote) == 0


def test_a_save_from_a_stale_tab_is_refused_keeping_its_answers_then_goes_through(
    provider_client, published
):
    assert helpers.save_quote(
        provider_client, published, ["First", "Draft"], "100"
    ).status_code == (302)
    url = f"/competitions/{published}/quote"
    (first, second) = helpers.question_ids(published)
    stale_tab = provider_client.get(url)
    # Another tab saves after this one was opened.
    assert helpers.save_quote(provider_client, published, ["Other", "Tab"], "200").status_code == (
        302
    )

    typed = {
        f"answer_{first}": "From the stale tab",
        f"answer_{second}": "Still mine",
        "price": "150",
        "action": "save",
        "lock_version": field_value(stale_tab, "lock_version"),
    }
    refused = provider_client.post(url, data=typed)

    assert refused.status_code == 200
    assert page_errors(refused) == {"main-content": common.QUOTE_CHANGED}
    assert "From the stale tab" in refused.get_data(as_text=True)
    assert field_value(refused, "price") == "150"
    saved = helpers.quote_of(published, 1)
    assert (saved.answers[str(first)], saved.price_pence) == ("Other", 20000)
    # Saving again from the page that said so goes through: the page now holds the version
    # that is saved, so the provider is not stuck on the same refusal.
    again = provider_client.post(
        url, data=typed | {"lock_version": field_value(refused, "lock_version")}
    )
    assert again.status_code == 302
    saved = helpers.quote_of(published, 1)
    assert (saved.answers[str(first)], saved.price_pence) == ("From the stale tab", 15000)


def test_a_quote_cannot_be_submitted_unfinished(provider_client, published):
    helpers.save_quote(provider_client, published, ["Only one", ""], "")
    page = provider_client.get(f"/competitions/{published}/quote/submit")
    assert "Answer question 2" in page_text(page)
    assert "Enter your price" in page_text(page)
    response = helpers.submit_quote(provider_client, published)
    assert response.status_code == 200
    assert _count(QuoteVersion) == 0


def test_a_double_submission_makes_one_version(provider_client, published):
    helpers.save_quote(provider_client, published, ["One", "Two"], "100")
    url = f"/competitions/{published}/quote/submit"
    form = helpers.hidden(provider_client, url)
    first = provider_client.post(url, data=form)
    second = provider_client.post(url, data=form)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert _count(QuoteVersion) == 1


def test_a_quote_one_second_late_is_refused_with_the_deadline(
    app, monkeypatch, provider_client, published
):
    """The deadline is 12pm on Friday 5 March 2027, London time; the portal's clock is stopped
    at one second after it, then at one second before (through the one setting clock.now
    reads)."""
    helpers.save_quote(provider_client, published, ["One", "Two"], "100")
    deadline = datetime(2027, 3, 5, 12, 0, tzinfo=UTC)  # GMT in March: London is UTC
    db.session.rollback()
    db.session.execute(
        update(Competition)
        .where(Competition.id == published)
        .values(clarification_deadline=deadline - timedelta(days=1), submission_deadline=deadline)
    )
    db.session.commit()
    url = f"/competitions/{published}/quote/submit"
    form = helpers.hidden(provider_client, url)
    one_second_late = helpers.StoppedClock(deadline + timedelta(seconds=1))
    monkeypatch.setitem(app.config, "COMPETITION_CLOCK_OFFSET", one_second_late)
    with app.app_context():
        assert clock.now() == deadline + timedelta(seconds=1)  # the clock the request reads
    response = provider_client.post(url, data=form)
    assert response.status_code == 200
    assert (
        "The deadline for this competition was 12pm on Friday 5 March 2027. "
        "Your quote was not submitted." in page_text(response)
    )
    assert _count(QuoteVersion) == 0
    # The draft stays readable.
    page = provider_client.get(f"/competitions/{published}/quote")
    assert page.status_code == 200
    assert "One" in page.get_data(as_text=True)
    # One second before, it would have gone in.
    one_second_early = helpers.StoppedClock(deadline - timedelta(seconds=1))
    monkeypatch.setitem(app.config, "COMPETITION_CLOCK_OFFSET", one_second_early)
    assert provider_client.post(url, data=helpers.hidden(provider_client, url)).status_code == 302
    assert _count(QuoteVersion) == 1


def test_a_question_after_the_clarification_deadline_is_refused(provider_client, published):
    helpers.close_questions(published)
    response = provider_client.post(
        f"/competitions/{published}/ask", data={"question": "Too late?"}
    )
    assert response.status_code == 200
    assert "The deadline for questions was" in page_errors(response)["question"]


def test_withdrawn_then_resubmitted_quotes_keep_every_version(provider_client, published):
    helpers.quote_and_submit(provider_client, published, ["One", "Two"], "100")
    url = f"/competitions/{published}/quote/withdraw"
    assert provider_client.post(url, data=helpers.hidden(provider_client, url)).status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(Quote.status)) == "withdrawn"
    helpers.quote_and_submit(provider_client, published, ["One", "Three"], "90")
    db.session.rollback()
    assert db.session.scalar(select(Quote.status)) == "submitted"
    assert [
        v.price_pence
        for v in db.session.scalars(select(QuoteVersion).order_by(QuoteVersion.number))
    ] == [10000, 9000]


# Evaluation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("5", "Score must be a whole number from 0 to 4"),
        ("-1", "Score must be a whole number from 0 to 4"),
        ("", "Choose a score from 0 to 4"),
    ],
)
def test_a_score_outside_0_to_4_is_refused(evaluator_client, closed, score, message):
    competition_id, (quote_id, _other) = closed
    qid, qid2 = helpers.question_ids(competition_id)
    response = evaluator_client.post(
        f"/competitions/{competition_id}/quotes/{quote_id}/score",
        data={
            f"score_{qid}": score,
            f"comment_{qid}": "Hmm",
            f"score_{qid2}": "2",
            f"comment_{qid2}": "Ok",
        },
    )
    assert response.status_code == 200
    assert page_errors(response) == {f"score_{qid}": message}
    assert _count(Score) == 0


def test_scores_are_independent_until_submitted_and_final_after_moderation(
    commissioner_client, evaluator_client, closed
):
    competition_id, quote_ids = closed
    helpers.score_all(evaluator_client, competition_id, quote_ids, {q: [2, 2] for q in quote_ids})
    # The lead cannot moderate (and so see others' scores) before everyone has submitted.
    response = commissioner_client.get(
        f"/competitions/{competition_id}/quotes/{quote_ids[0]}/moderate"
    )
    assert response.status_code == 302
    helpers.score_all(
        commissioner_client, competition_id, quote_ids, {q: [3, 3] for q in quote_ids}
    )
    for client in (commissioner_client, evaluator_client):
        client.post(f"/competitions/{competition_id}/evaluation/submit")
    helpers.moderate_all(commissioner_client, competition_id, {q: [3, 2] for q in quote_ids})
    commissioner_client.post(f"/competitions/{competition_id}/moderation/close")
    qid, qid2 = helpers.question_ids(competition_id)
    before = _count(Score)
    response = evaluator_client.post(
        f"/competitions/{competition_id}/quotes/{quote_ids[0]}/score",
        data={
            f"score_{qid}": "4",
            f"comment_{qid}": "Late",
            f"score_{qid2}": "4",
            f"comment_{qid2}": "Late",
        },
    )
    assert page_errors(response) == {
        "main-content": "Scoring has closed: the scores have been moderated"
    }
    assert _count(Score) == before


def test_awarding_before_evaluation_is_complete_is_refused(commissioner_client, closed):
    competition_id, _quotes = closed
    assert commissioner_client.get(f"/competitions/{competition_id}/award").status_code == 404
    response = commissioner_client.post(
        f"/competitions/{competition_id}/award", data={"winner": "1", "standstill": "no"}
    )
    assert response.status_code == 404
    db.session.rollback()
    assert db.session.get(Competition, competition_id).status == "published"


def test_another_winner_needs_a_reason_and_a_standstill_delays_confirmation(
    commissioner_client, evaluator_client, closed, other_provider_client
):
    competition_id, quote_ids = closed
    for client in (commissioner_client, evaluator_client):
        helpers.score_all(client, competition_id, quote_ids, {q: [3, 3] for q in quote_ids})
        client.post(f"/competitions/{competition_id}/evaluation/submit")
    helpers.moderate_all(commissioner_client, competition_id, {q: [3, 3] for q in quote_ids})
    commissioner_client.post(f"/competitions/{competition_id}/moderation/close")
    url = f"/competitions/{competition_id}/award"
    second = quote_ids[1]  # B: £1,250, ranked 2
    response = commissioner_client.post(
        url,
        data=helpers.hidden(commissioner_client, url)
        | {"winner": str(second), "standstill": "yes"},
    )
    assert page_errors(response) == {"reason": "Enter a reason"}
    response = commissioner_client.post(
        url,
        data=helpers.hidden(commissioner_client, url)
        | {"winner": str(second), "standstill": "yes", "reason": "A lacked capacity when checked"},
    )
    assert response.status_code == 302
    db.session.rollback()
    competition = db.session.get(Competition, competition_id)
    assert competition.status == "awarded"
    assert competition.standstill_ends_on is not None
    page = page_text(other_provider_client.get(f"/competitions/{competition_id}/assessment"))
    assert "Your quote won" in page
    assert "A lacked capacity when checked" in page
    response = commissioner_client.post(f"/competitions/{competition_id}/confirm-award")
    assert "The standstill period ends on" in page_text(commissioner_client.get(response.location))
    db.session.rollback()
    assert db.session.get(Competition, competition_id).status == "awarded"
