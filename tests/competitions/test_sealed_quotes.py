"""Sealed quotes: before the submission deadline nobody at the council (admins included) can
read any quote, price, answer or attachment by any page, export or URL. Every route of the
competitions blueprint is tried by every kind of council staff, including the evaluators; all
they may learn is how many quotes have been submitted."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.competitions.models import Clarification, CompetitionAttachment, QuoteAttachment
from portal.core.db import db
from tests.competitions import helpers
from tests.conftest import sign_in
from tests.documents import corpus
from tests.support import factories

SECRET_ANSWER = "Our secret method is weekly employer breakfasts"
SECRET_PRICE = "4321.99"
SECRET_FILE = "secret-pricing-schedule.pdf"

# The provider's own pages: council staff are refused them before anything is read (403).
PROVIDER_ONLY = {
    "competitions.ask",
    "competitions.quote",
    "competitions.upload",
    "competitions.remove_file",
    "competitions.provider_download",
    "competitions.submit_quote",
    "competitions.withdraw",
    "competitions.decline",
    "competitions.assessment",
}
# Routes that hand over a quote or something of one: 404 before the deadline, whoever asks.
QUOTE_ROUTES = {
    "competitions.declaration",
    "competitions.evaluation",
    "competitions.score",
    "competitions.council_download",
    "competitions.submit_scores",
    "competitions.moderate",
    "competitions.close_moderation",
    "competitions.results",
    "competitions.award",
}

MANAGERS_ONLY = {"competitions.results", "competitions.award"}
REVIEWERS = {"evaluator", "reviewer"}


@pytest.fixture
def open_competition(
    app,
    commissioner_client,
    commissioner,
    evaluator,
    on_lot,
    provider_client,
    other_provider_client,
):
    """Published, open, with a clarification, and two submitted quotes: A's with a file."""
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    attach = commissioner_client.post(
        f"/competitions/{competition_id}/attachments/new",
        data={"file": (io.BytesIO(corpus.pdf()), "specification.pdf")},
        content_type="multipart/form-data",
    )
    assert attach.status_code == 302, attach.get_data(as_text=True)
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    provider_client.post(f"/competitions/{competition_id}/ask", data={"question": "When?"})
    upload = provider_client.post(
        f"/competitions/{competition_id}/quote/files",
        data={"file": (io.BytesIO(corpus.pdf()), SECRET_FILE)},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302, upload.get_data(as_text=True)
    helpers.quote_and_submit(provider_client, competition_id, [SECRET_ANSWER, "Yes"], SECRET_PRICE)
    helpers.quote_and_submit(other_provider_client, competition_id, ["Other", "Other"], "999")
    a, _b, _c = on_lot
    quote = helpers.quote_of(competition_id, a.id)
    db.session.rollback()
    council_file = db.session.scalars(select(CompetitionAttachment)).one()
    return {
        "competition_attachment_id": council_file.id,
        "council_file_key": council_file.file.object_key,
        "competition_id": competition_id,
        "quote_id": quote.id,
        "attachment_id": db.session.scalar(
            select(QuoteAttachment.id).where(QuoteAttachment.quote_id == quote.id)
        ),
        "clarification_id": db.session.scalar(select(Clarification.id)),
        "question_id": helpers.question_ids(competition_id)[0],
    }


def _council_clients(app, commissioner_client, evaluator_client, admin_client, reviewer_client):
    return {
        "commissioner (lead evaluator)": commissioner_client,
        "evaluator": evaluator_client,
        "admin": admin_client,
        "reviewer": reviewer_client,
    }


def _form_for(endpoint: str, values: dict) -> dict:
    """What a curious member of staff might send: scores, a winner, a declaration."""
    question = values["question_id"]
    return {
        "has_conflict": "no",
        f"score_{question}": "4",
        f"comment_{question}": "Peeking",
        "winner": str(values["quote_id"]),
        "standstill": "no",
    }


def _leaks(response, values: dict) -> list[str]:
    body = response.get_data(as_text=True)
    found = [
        secret for secret in (SECRET_ANSWER, "4,321.99", "4321.99", SECRET_FILE) if secret in body
    ]
    location = response.location or ""
    # A link to a file is a leak unless it is to the council's own file, published to all.
    if (
        response.status_code in (301, 302, 303)
        and "X-Amz" in location
        and not urlsplit(location).path.endswith(values["council_file_key"])
    ):
        found.append(f"a download link: {location}")
    return found


def test_no_council_route_reveals_a_quote_before_the_deadline(
    app, open_competition, commissioner_client, evaluator_client, admin_client, reviewer_client
):
    values = open_competition
    clients = _council_clients(
        app, commissioner_client, evaluator_client, admin_client, reviewer_client
    )
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("competitions.")]
    assert {rule.endpoint for rule in rules} >= QUOTE_ROUTES | PROVIDER_ONLY
    problems = []
    for rule in rules:
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who, client in clients.items():
                data = _form_for(rule.endpoint, values) if method == "POST" else None
                response = client.open(url, method=method, data=data)
                leaks = _leaks(response, values)
                if leaks:
                    problems.append(f"{method} {url} as {who} showed {leaks}")
                # Commissioners' and admins' own pages turn reviewers away first (403).
                refused = 403 if rule.endpoint in MANAGERS_ONLY and who in REVIEWERS else 404
                if rule.endpoint in QUOTE_ROUTES and response.status_code != refused:
                    problems.append(
                        f"{method} {url} as {who}: {response.status_code}, not {refused}"
                    )
                if rule.endpoint in PROVIDER_ONLY and response.status_code != 403:
                    problems.append(f"{method} {url} as {who}: {response.status_code}, not 403")
    assert not problems, "\n".join(problems)
    # All the council learns: how many.
    page = commissioner_client.get(f"/competitions/{values['competition_id']}")
    assert "2 of 3 invited providers have submitted a quote" in page.get_data(as_text=True)


def test_the_quotes_open_to_a_declared_evaluator_once_the_deadline_passes(
    app, open_competition, evaluator_client, admin_client
):
    values = open_competition
    competition_id = values["competition_id"]
    helpers.pass_deadline(competition_id)
    score_url = f"/competitions/{competition_id}/quotes/{values['quote_id']}/score"
    # Not before the declaration; never for staff who are not on the panel.
    assert evaluator_client.get(score_url).status_code == 404
    assert admin_client.get(score_url).status_code == 404
    response = evaluator_client.post(
        f"/competitions/{competition_id}/declaration", data={"has_conflict": "no"}
    )
    assert response.status_code == 302
    page = evaluator_client.get(score_url)
    assert SECRET_ANSWER in page.get_data(as_text=True)
    download = evaluator_client.get(
        f"/competitions/{competition_id}/quotes/{values['quote_id']}/files/{values['attachment_id']}"
    )
    assert download.status_code == 302
    assert urlsplit(download.location).path.endswith(
        db.session.get(QuoteAttachment, values["attachment_id"]).file.object_key
    )
    assert admin_client.get(score_url).status_code == 404


def test_an_evaluator_who_declares_a_conflict_never_sees_a_quote(
    app, open_competition, evaluator_client
):
    values = open_competition
    competition_id = values["competition_id"]
    helpers.pass_deadline(competition_id)
    page = evaluator_client.get(f"/competitions/{competition_id}/declaration")
    assert "Organisation A Ltd" in page.get_data(as_text=True)  # who quoted, to judge a conflict
    response = evaluator_client.post(
        f"/competitions/{competition_id}/declaration",
        data={"has_conflict": "yes", "detail": "My sister runs Organisation A"},
    )
    assert response.status_code == 302
    score_url = f"/competitions/{competition_id}/quotes/{values['quote_id']}/score"
    assert evaluator_client.get(score_url).status_code == 404
    assert "take no part" in evaluator_client.get(
        f"/competitions/{competition_id}/evaluation"
    ).get_data(as_text=True)


def test_staff_who_sign_in_later_are_sealed_out_too(app, open_competition):
    """A second admin, signed in fresh, cannot reach the quote by guessing its id either."""
    other_admin = factories.make_user(
        "admin-two@council.example.org", role="admin", two_factor=True
    )
    client = sign_in(app.test_client(), other_admin)
    values = open_competition
    response = client.get(
        f"/competitions/{values['competition_id']}/quotes/{values['quote_id']}/score"
    )
    assert response.status_code == 404
