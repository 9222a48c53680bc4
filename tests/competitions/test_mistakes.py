"""Bad input: each is refused with a clear message, and nothing is half-written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from portal.admissions.models import Admission
from portal.competitions.models import Competition, Quote, QuoteVersion, Score
from portal.competitions.services import common
from portal.core.db import db
from tests.competitions import helpers
from tests.conftest import sign_in
from tests.support import factories
from tests.support.pages import field_value, page_errors, page_text


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


# The commissioner's draft ---------------------------------------------------------------------


def test_weights_that_do_not_total_100_are_refused(commissioner_client, on_lot):
    data = helpers.mini_competition_form(quality_weight="60", price_weight="30")
    response = commissioner_client.post("/competitions/new?kind=mini_competition", data=data)
    assert response.status_code == 200
    assert page_errors(response) == {
        "quality_weight": "The weights must total 100. They total 90 now"
    }
    assert field_value(response, "title") == "Supported internships for 2027"
    assert _count(Competition) == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"clarification": timedelta(days=-2), "submission": timedelta(days=3)},
            "clarification_date",
            "Questions deadline must be in the future",
        ),
        (
            {"clarification": timedelta(days=-3), "submission": timedelta(days=-2)},
            "clarification_date",
            "Questions deadline must be in the future",
        ),
        (
            {"clarification": timedelta(days=6), "submission": timedelta(days=5)},
            "clarification_date",
            "Questions deadline must be before the deadline for quotes",
        ),
    ],
)
def test_deadlines_in_the_past_or_out_of_order_are_refused(
    commissioner_client, on_lot, change, field, message
):
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    data = helpers.mini_competition_form() | {
        **helpers.date_parts("clarification", now + change["clarification"]),
        **helpers.date_parts("submission", now + change["submission"]),
    }
    response = commissioner_client.post("/competitions/new?kind=mini_competition", data=data)
    assert response.status_code == 200
    assert page_errors(response)[f"{field}-day"] == message
    assert _count(Competition) == 0


def test_a_time_that_is_not_a_time_is_refused(commissioner_client, on_lot):
    data = helpers.mini_competition_form(submission_time="half past")
    response = commissioner_client.post("/competitions/new?kind=mini_competition", data=data)
    assert page_errors(response) == {
        "submission_time": "Time quotes close must be a real time, like 12pm, 5:30pm or 17:30"
    }


def test_question_weights_must_match_the_quality_weight_to_publish(
    commissioner_client, commissioner, evaluator, on_lot
):
    competition_id = helpers.create(commissioner_client)
    helpers.add_question(commissioner_client, competition_id, "Only question", 50)
    helpers.name_evaluators(
        commissioner_client, competition_id, [commissioner, evaluator], evaluator
    )
    response = helpers.publish(commissioner_client, competition_id)
    assert response.status_code == 200
    assert "The question weights total 50, but quality counts for 60" in page_text(response)
    db.session.rollback()
    assert db.session.get(Competition, competition_id).status == "draft"


def test_a_mini_competition_needs_two_evaluators_and_a_lead(
    commissioner_client, commissioner, on_lot
):
    competition_id = helpers.create(commissioner_client)
    response = commissioner_client.post(
        f"/competitions/{competition_id}/evaluators",
        data={"evaluators": [str(commissioner.id)], "lead": str(commissioner.id)},
    )
    assert page_errors(response) == {
        "evaluators": "Choose at least two evaluators, so that scores can be moderated"
    }


# Placement requests: no personal data ---------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "needs_summary",
            "Lives near DY1 4AB, needs a mentor",
            "Summary of needs must not include a full postcode",
        ),
        (
            "needs_summary",
            "DOB 04/05/2012, anxious about school",
            "Summary of needs must not include a date of birth",
        ),
        (
            "needs_summary",
            "Born 4 May 2012, anxious about school",
            "Summary of needs must not include a date of birth",
        ),
        (
            "needs_summary",
            "Child's name: Jamie. Needs a mentor",
            "Summary of needs must not include a name",
        ),
        ("description", "Mentoring for Mr Smith's son", "Description must not include a name"),
        # A bare name, as people write one, of many origins.
        *(
            (
                "needs_summary",
                summary,
                f"Summary of needs must not include a name, and ‘{name}’ looks like one",
            )
            for summary, name in [
                ("Tommy Smith is in Year 8 and finds school hard", "Tommy Smith"),
                ("Aoife needs a calm mentor after a long absence", "Aoife"),
                ("Support for Zofia Nowak with maths", "Zofia Nowak"),
                ("Chioma Okafor has anxiety about crowds", "Chioma Okafor"),
                ("Muhammad is 15 and wants to be an electrician", "Muhammad"),
                ("Works best with Priya Sharma's approach", "Priya Sharma"),
                ("Summer Taylor is 14", "Summer Taylor"),
                ("Kacey Brown is 14", "Kacey Brown"),
                ("Siobhan O'Brien needs speech therapy", "Siobhan"),
            ]
        ),
        ("title", "Mentoring for Oliwia", "Title must not include a name, and ‘Oliwia’ looks"),
        (
            "area",
            "DY1 4AB",
            "Area must be the postcode district only, like DY1, not a full postcode",
        ),
        ("reference_code", "JAMIESMITH", "Reference code must be the council's reference"),
    ],
)
def test_personal_data_in_a_placement_request_is_refused_and_explained(
    commissioner_client, on_lot, field, value, message
):
    data = helpers.placement_form(**{field: value})
    response = commissioner_client.post("/competitions/new?kind=placement_request", data=data)
    assert response.status_code == 200
    errors = page_errors(response)
    assert any(text.startswith(message) for text in errors.values()), errors
    assert _count(Competition) == 0


def test_needs_written_without_names_are_not_mistaken_for_names(commissioner_client, on_lot):
    """Capitalised words that are not names, and given names that are everyday words or months,
    go through."""
    summary = (
        "From the Summer term, Monday to Friday. Key Stage 3 English and Maths. Max 4 hours a "
        "day from Jan. Speech and Language Therapy, Forest School and an Education, Health and "
        "Care Plan review. The family moved from Jordan. Roman Catholic faith to be respected."
    )
    data = helpers.placement_form(needs_summary=summary)
    response = commissioner_client.post("/competitions/new?kind=placement_request", data=data)
    assert response.status_code == 302, page_errors(response)


def test_a_placement_request_without_personal_data_is_saved_with_the_published_method(
    commissioner_client, on_lot
):
    competition_id = helpers.create(commissioner_client, "placement_request")
    db.session.rollback()
    competition = db.session.get(Competition, competition_id)
    assert (competition.reference_code, competition.area) == ("SEND-0421", "DY1")
    assert [(q.weight, q.answer_kind) for q in competition.questions] == [
        (40, "text"),
        (20, "text"),
        (10, "distance_band"),
    ]
    assert (competition.quality_weight, competition.price_weight) == (70, 30)


# Providers' quotes ---------------------------------------------------------------------------


@pytest.fixture
def published(commissioner_client, commissioner, evaluator, on_lot):
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    return competition_id


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


def test_a_provider_not_invited_suspended_or_on_another_lot_gets_404(
    app,
    commissioner_client,
    commissioner,
    evaluator,
    on_lot,
    provider_client,
    other_provider_client,
):
    a, b, _c = on_lot
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    # B is suspended after the invitation; D is on another lot only.
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    db.session.rollback()
    db.session.execute(
        update(Admission).where(Admission.organisation_id == b.id).values(status="suspended")
    )
    db.session.commit()
    d_user = factories.make_user("provider-d@example.org")
    d = factories.make_organisation(d_user, legal_name="Organisation D Ltd")
    factories.admit(d, "online-tuition")
    d_client = sign_in(app.test_client(), d_user)
    for client in (other_provider_client, d_client):
        for url in ("quote", "quote/submit", "decline", "ask"):
            response = client.post(f"/competitions/{competition_id}/{url}", data={"price": "1"})
            assert response.status_code == 404, (url, response.status_code)
    assert d_client.get(f"/competitions/{competition_id}").status_code == 404
    assert _count(Quote) == 0


def test_a_quote_one_second_late_is_refused_with_the_deadline(
    app, monkeypatch, provider_client, published
):
    """The deadline is 12pm on Friday 5 March 2027, London time; the database's clock is moved
    to one second after it (through the one setting common.now reads)."""
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
    with app.app_context():
        offset = deadline + timedelta(seconds=1) - common.database_now()
    monkeypatch.setitem(app.config, "COMPETITION_CLOCK_OFFSET", offset)
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
    monkeypatch.setitem(app.config, "COMPETITION_CLOCK_OFFSET", offset - timedelta(seconds=2))
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


@pytest.fixture
def closed(
    published, provider_client, other_provider_client, commissioner_client, evaluator_client
):
    helpers.quote_and_submit(provider_client, published, ["A1", "A2"], "1000")
    helpers.quote_and_submit(other_provider_client, published, ["B1", "B2"], "1250")
    helpers.pass_deadline(published)
    for client in (commissioner_client, evaluator_client):
        client.post(f"/competitions/{published}/declaration", data={"has_conflict": "no"})
    db.session.rollback()
    return published, sorted(db.session.scalars(select(Quote.id)).all())


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
