"""Bad input: each is refused with a clear message, and nothing is half-written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from portal.admissions.models import Admission
from portal.competitions.models import Competition, Quote
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


# Providers' quotes: who may quote (mistakes in a quote and in its evaluation, which start from
# a shared published competition, are in test_quote_and_evaluation_mistakes.py) ---------------


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
