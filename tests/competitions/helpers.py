"""Helpers for the competitions tests: the forms a commissioner fills in, moving the clock past a
deadline by editing the row (as the passing of time would), and reading pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from portal.competitions.models import Competition, Quote
from portal.core.db import db
from portal.core.time import LONDON, utcnow
from portal.lots.models import Lot
from tests.support.pages import field_value, page_errors


class StoppedClock:
    """A COMPETITION_CLOCK_OFFSET that holds the portal's clock still at `moment`: added to the
    database's clock (clock.now() does), whatever that reads, it gives `moment`. A test of a
    deadline to the second then judges each request at exactly the second it names, however long
    the requests before it took on a busy machine; an offset from the moving clock would drift."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __radd__(self, _database_now: datetime) -> datetime:
        return self.moment

    __add__ = __radd__


def lot_id(slug: str = "mentoring") -> int:
    return db.session.scalar(select(Lot.id).where(Lot.slug == slug))


def date_parts(prefix: str, moment: datetime) -> dict:
    local = moment.astimezone(LONDON)
    return {
        f"{prefix}_date": [str(local.day), str(local.month), str(local.year)],
        f"{prefix}_time": f"{local:%H:%M}",
    }


def mini_competition_form(**overrides) -> dict:
    """A valid mini-competition: questions close in 5 days, quotes in 10."""
    start = (utcnow() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    data = {
        "lot": str(lot_id()),
        "title": "Supported internships for 2027",
        "description": "A year of supported internships for 12 young people.",
        "requirements": "Job coaching, an employer placement and a weekly review.",
        "price_basis": "total",
        "quality_weight": "60",
        "price_weight": "40",
        "local_preference": "none",
        "local_weight": "",
        **date_parts("clarification", start),
        **date_parts("submission", start + timedelta(days=5)),
    }
    return data | overrides


def placement_form(**overrides) -> dict:
    data = mini_competition_form(
        title="Mentoring for a young person", price_basis="hourly", planned_units="120"
    ) | {
        "reference_code": "SEND-0421",
        "age_band": "14-16",
        "needs_summary": "Anxiety about school; needs a calm, consistent mentor twice a week.",
        "hours_per_week": "4",
        "start_date": [
            str((utcnow() + timedelta(days=30)).day),
            str((utcnow() + timedelta(days=30)).month),
            str((utcnow() + timedelta(days=30)).year),
        ],
        "area": "DY1",
    }
    return data | overrides


def create(client, kind: str = "mini_competition", data: dict | None = None) -> int:
    """A draft made through the page: its id."""
    form = data or (placement_form() if kind == "placement_request" else mini_competition_form())
    response = client.post(f"/competitions/new?kind={kind}", data=form)
    assert response.status_code == 302, page_errors(response) or response.status
    return int(response.location.rsplit("/", 1)[1])


def add_question(client, competition_id: int, text: str, weight: int, limit: int = 100) -> None:
    response = client.post(
        f"/competitions/{competition_id}/questions/new",
        data={"text": text, "weight": str(weight), "word_limit": str(limit)},
    )
    assert response.status_code == 302, page_errors(response) or response.status


def name_evaluators(client, competition_id: int, users, lead) -> None:
    response = client.post(
        f"/competitions/{competition_id}/evaluators",
        data={"evaluators": [str(user.id) for user in users], "lead": str(lead.id)},
    )
    assert response.status_code == 302, page_errors(response) or response.status


def hidden(client, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    return {
        name: field_value(page, name) or ""
        for name in ("submission_id", "lock_version")
        if field_value(page, name) is not None
    }


def publish(client, competition_id: int):
    url = f"/competitions/{competition_id}/publish"
    return client.post(url, data=hidden(client, url))


def ready_mini_competition(client, evaluators, lead, data: dict | None = None) -> int:
    """A draft with two questions (30 + 30) and a panel: ready to publish."""
    competition_id = create(client, data=data)
    add_question(client, competition_id, "How will you find employers?", 30)
    add_question(client, competition_id, "How will you support each intern?", 30)
    name_evaluators(client, competition_id, evaluators, lead)
    return competition_id


def question_ids(competition_id: int) -> list[int]:
    db.session.rollback()
    competition = db.session.get(Competition, competition_id)
    return [question.id for question in competition.questions]


def save_quote(client, competition_id: int, answers: list[str], price: str, action="save"):
    ids = question_ids(competition_id)
    data = {f"answer_{qid}": answer for qid, answer in zip(ids, answers, strict=True)}
    page = client.get(f"/competitions/{competition_id}/quote")
    data |= {"price": price, "action": action, "lock_version": field_value(page, "lock_version")}
    return client.post(f"/competitions/{competition_id}/quote", data=data)


def submit_quote(client, competition_id: int):
    url = f"/competitions/{competition_id}/quote/submit"
    return client.post(url, data=hidden(client, url))


def quote_and_submit(client, competition_id: int, answers: list[str], price: str):
    assert save_quote(client, competition_id, answers, price).status_code == 302
    response = submit_quote(client, competition_id)
    assert response.status_code == 302, page_errors(response) or response.status
    return response


def pass_deadline(competition_id: int, by: timedelta = timedelta(minutes=1)) -> None:
    """Move both deadlines into the past, as the passing of time would (no waiting)."""
    db.session.rollback()
    now = utcnow()
    db.session.execute(
        update(Competition)
        .where(Competition.id == competition_id)
        .values(clarification_deadline=now - by - timedelta(hours=1), submission_deadline=now - by)
    )
    db.session.commit()


def close_questions(competition_id: int) -> None:
    db.session.rollback()
    db.session.execute(
        update(Competition)
        .where(Competition.id == competition_id)
        .values(clarification_deadline=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()


def quote_of(competition_id: int, organisation_id: int) -> Quote | None:
    db.session.rollback()
    return db.session.scalar(
        select(Quote).where(
            Quote.competition_id == competition_id, Quote.organisation_id == organisation_id
        )
    )


def score_all(client, competition_id: int, quote_ids: list[int], scores: dict[int, list[int]]):
    """Score every written question of each quote (scores[quote_id] in question order)."""
    ids = question_ids(competition_id)
    for quote_id in quote_ids:
        data = {}
        for qid, value in zip(ids, scores[quote_id], strict=True):
            data[f"score_{qid}"] = str(value)
            data[f"comment_{qid}"] = f"Scored {value} against the descriptors"
        url = f"/competitions/{competition_id}/quotes/{quote_id}/score"
        assert client.get(url).status_code == 200  # read, as an evaluator would, then scored
        response = client.post(url, data=data)
        assert response.status_code == 302, page_errors(response) or response.status


def moderate_all(client, competition_id: int, agreed: dict[int, list[int]]):
    ids = question_ids(competition_id)
    for quote_id, values in agreed.items():
        data = {}
        for qid, value in zip(ids, values, strict=True):
            data[f"score_{qid}"] = str(value)
            data[f"comment_{qid}"] = f"Agreed {value}: the answer met the descriptor"
        url = f"/competitions/{competition_id}/quotes/{quote_id}/moderate"
        assert client.get(url).status_code == 200  # read, as the lead would, then moderated
        response = client.post(url, data=data)
        assert response.status_code == 302, page_errors(response) or response.status


def evaluate(commissioner_client, evaluator_client, competition_id: int) -> list[int]:
    """Past the deadline, both evaluators declare, score every quote 3 for every question and
    submit; the lead (the commissioner) moderates and closes moderation. The quote ids."""
    pass_deadline(competition_id)
    for client in (commissioner_client, evaluator_client):
        client.post(f"/competitions/{competition_id}/declaration", data={"has_conflict": "no"})
    db.session.rollback()
    quote_ids = db.session.scalars(
        select(Quote.id)
        .where(Quote.competition_id == competition_id, Quote.status == "submitted")
        .order_by(Quote.id)
    ).all()
    for client in (commissioner_client, evaluator_client):
        score_all(client, competition_id, quote_ids, {q: [3, 3] for q in quote_ids})
        client.post(f"/competitions/{competition_id}/evaluation/submit")
    moderate_all(commissioner_client, competition_id, {q: [3, 3] for q in quote_ids})
    commissioner_client.post(f"/competitions/{competition_id}/moderation/close")
    return quote_ids


def open_competition_rows(organisation, user, bucket: str) -> dict:
    """A published mini-competition on mentoring, open for quotes, written directly: organisation
    A invited, with a question it asked and a draft quote carrying a file (its object is never
    read, so none is written), and a council file published with it. The ids the permission
    matrix fills its URLs with."""
    from portal.competitions.models import (
        Clarification,
        CompetitionAttachment,
        Invitation,
        QualityQuestion,
        QuoteAttachment,
    )
    from portal.core.extensions import object_store
    from portal.documents.models import StoredFile

    now = utcnow()
    competition = Competition(
        kind="mini_competition",
        status="published",
        lot_id=lot_id(),
        title="Open competition",
        description="d",
        requirements="r",
        price_basis="total",
        quality_weight=60,
        price_weight=40,
        clarification_deadline=now + timedelta(days=5),
        submission_deadline=now + timedelta(days=10),
        published_at=now,
        questions=[QualityQuestion(position=1, text="Q1", weight=60, word_limit=100)],
    )
    db.session.add(competition)
    db.session.flush()
    stored = StoredFile(
        organisation_id=organisation.id,
        object_key=object_store.document_key(organisation.id),
        original_filename="plan.pdf",
        content_type="application/pdf",
        size_bytes=100,
        sha256="0" * 64,
        scan_state="not_scanned",
        uploaded_by_id=user.id,
    )
    quote = Quote(competition_id=competition.id, organisation_id=organisation.id, answers={})
    db.session.add_all(
        [
            Invitation(competition_id=competition.id, organisation_id=organisation.id),
            Clarification(
                competition_id=competition.id, organisation_id=organisation.id, question="When?"
            ),
            quote,
        ]
    )
    db.session.flush()
    attachment = QuoteAttachment(quote_id=quote.id, file=stored)
    council_file = StoredFile(
        organisation_id=None,
        purpose="council_document",
        object_key=object_store.council_document_key(),
        original_filename="specification.pdf",
        content_type="application/pdf",
        size_bytes=100,
        sha256="0" * 64,
        scan_state="not_scanned",
    )
    competition_attachment = CompetitionAttachment(competition=competition, file=council_file)
    db.session.add_all([attachment, competition_attachment])
    db.session.commit()
    return {
        "competition_id": competition.id,
        "question_id": competition.questions[0].id,
        "clarification_id": db.session.scalar(select(Clarification.id)),
        "quote_id": quote.id,
        "attachment_id": attachment.id,
        "quote_download_path": f"/{bucket}/{stored.object_key}",
        "competition_attachment_id": competition_attachment.id,
        "competition_file_path": f"/{bucket}/{council_file.object_key}",
    }
