"""Two people doing the same thing at the same moment: two members of one organisation submitting
its quote, two commissioners awarding the same competition, a provider's first save of a quote
made twice at once (two tabs, or a double click). Exactly one of each is recorded, with
one set of emails and audit events, and the other person is told plainly what happened. Run on
PostgreSQL (the version check in one UPDATE, under its row lock) and on SQLite."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.competitions.models import Competition, Quote, QuoteVersion
from portal.competitions.services import awarding
from portal.core.db import db
from portal.outbox.models import OutboxEmail
from tests.competitions import helpers
from tests.conftest import sign_in
from tests.support import factories
from tests.support.pages import field_value, page_errors


def _at_once(requests) -> list:
    """Run each of `requests` (functions making one request) in its own thread, all released
    at the same moment."""
    db.session.commit()  # the test's own transaction must not hold a lock the requests need
    start = Barrier(len(requests))

    def run(request):
        start.wait()
        return request()

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(run, requests))


def _count(query) -> int:
    db.session.rollback()
    return db.session.scalar(query)


def test_one_quote_submitted_twice_at_once_makes_one_version(
    app, commissioner_client, commissioner, evaluator, on_lot, provider_client, organisation
):
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    assert (
        helpers.save_quote(provider_client, competition_id, ["Ours", "Weekly"], "1000").status_code
        == 302
    )
    colleague = factories.make_user("colleague-a@example.org", full_name="Col League")
    factories.add_member(organisation, colleague)
    colleague_client = sign_in(app.test_client(), colleague)
    url = f"/competitions/{competition_id}/quote/submit"
    # Each has the check-and-submit page open, showing the same saved quote.
    posts = [
        (client, helpers.hidden(client, url)) for client in (provider_client, colleague_client)
    ]

    responses = _at_once([lambda c=client, d=data: c.post(url, data=d) for client, data in posts])

    assert sorted(r.status_code for r in responses) == [200, 302]
    (refused,) = [r for r in responses if r.status_code == 200]
    assert page_errors(refused) == {
        "submit": "Your quote has just been submitted by someone else in your organisation"
        " (version 1). Check it, and submit it again if you want to change it"
    }
    assert _count(select(func.count(QuoteVersion.id))) == 1
    assert (
        _count(select(func.count(AuditEvent.id)).where(AuditEvent.action == "quote.submitted")) == 1
    )
    # One email to each member, about the one version.
    assert (
        _count(
            select(func.count(OutboxEmail.id)).where(OutboxEmail.subject.like("Quote received%"))
        )
        == 2
    )


def test_two_first_saves_of_a_quote_make_one_quote(
    commissioner_client, commissioner, evaluator, on_lot, provider_client, organisation
):
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    url = f"/competitions/{competition_id}/quote"
    # Two tabs open on the empty quote page: no quote yet, so no version was seen.
    pages = [provider_client.get(url) for _ in range(2)]
    assert [field_value(page, "lock_version") for page in pages] == ["", ""]
    first, second = helpers.question_ids(competition_id)
    tabs = [
        {f"answer_{first}": f"Employers {tab}", f"answer_{second}": f"Coaching {tab}"}
        | {"price": price, "action": "save", "lock_version": ""}
        for tab, price in (("in tab 1", "1000"), ("in tab 2", "1250"))
    ]

    # Save is clicked in both tabs at once, and twice (a double click) in each.
    responses = _at_once([lambda d=data: provider_client.post(url, data=d) for data in tabs + tabs])

    assert [r.status_code for r in responses] == [302] * 4, [
        page_errors(r) or r.status for r in responses
    ]
    db.session.rollback()
    (quote,) = db.session.scalars(select(Quote)).all()
    assert (quote.competition_id, quote.organisation_id) == (competition_id, organisation.id)
    assert quote.status == "draft"
    assert quote.versions == []
    # One tab's answers and price, whole: never a mixture of the two.
    kept = [
        ({str(first): data[f"answer_{first}"], str(second): data[f"answer_{second}"]}, pence)
        for data, pence in zip(tabs, (100000, 125000), strict=True)
    ]
    assert (quote.answers, quote.price_pence) in kept
    # Every save was applied, one after another, to the one quote (it starts at 1).
    assert quote.lock_version == 1 + 4


def test_two_commissioners_awarding_at_once_make_one_award(
    app,
    commissioner_client,
    commissioner,
    evaluator,
    evaluator_client,
    on_lot,
    provider_client,
    other_provider_client,
):
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    helpers.quote_and_submit(provider_client, competition_id, ["A1", "A2"], "1000")
    helpers.quote_and_submit(other_provider_client, competition_id, ["B1", "B2"], "1250")
    first, second = helpers.evaluate(commissioner_client, evaluator_client, competition_id)
    colleague = factories.make_user(
        "commissioner-two@council.example.org",
        full_name="Cora Commissioner",
        role="commissioner",
        two_factor=True,
    )
    colleague_client = sign_in(app.test_client(), colleague)
    url = f"/competitions/{competition_id}/award"
    # Both have the award page open; they choose different winners (the second with a reason).
    posts = [
        (
            commissioner_client,
            helpers.hidden(commissioner_client, url) | {"winner": str(first), "standstill": "no"},
        ),
        (
            colleague_client,
            helpers.hidden(colleague_client, url)
            | {"winner": str(second), "standstill": "no", "reason": "Capacity"},
        ),
    ]

    responses = _at_once([lambda c=client, d=data: c.post(url, data=d) for client, data in posts])

    assert sorted(r.status_code for r in responses) == [200, 302]
    (refused,) = [r for r in responses if r.status_code == 200]
    db.session.rollback()
    competition = db.session.get(Competition, competition_id)
    assert competition.status == "confirmed"
    winner = awarding.winner_name(competition)
    assert page_errors(refused) == {
        "winner": f"This competition has just been awarded to {winner}. Nothing was changed by you"
    }
    # One award's worth of everything.
    assert db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.in_(["competition.awarded", "competition.award_confirmed"]))
        .order_by(AuditEvent.id)
    ).all() == ["competition.awarded", "competition.award_confirmed"]
    assert (
        _count(select(func.count(OutboxEmail.id)).where(OutboxEmail.subject.like("Result:%"))) == 2
    )  # one member in each bidding organisation
