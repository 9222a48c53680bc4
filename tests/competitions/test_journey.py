"""The whole of a mini-competition through HTTP: publish to a lot of three, a clarification
answered to all, two quotes (one revised), a decline, the deadline passing, declarations,
independent scores, moderation, the ranking, the award and both assessment summaries."""

from __future__ import annotations

from sqlalchemy import select

from portal.competitions.models import Invitation, QuoteVersion
from portal.core.db import db
from tests.competitions import helpers
from tests.support.emails import emails_to, last_email_to
from tests.support.pages import page_errors, page_text


def test_a_mini_competition_from_draft_to_award(
    commissioner_client,
    commissioner,
    evaluator,
    evaluator_client,
    on_lot,
    provider_client,
    other_provider_client,
    third_client,
):
    a, b, c = on_lot
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    response = helpers.publish(commissioner_client, competition_id)
    assert response.status_code == 302, page_errors(response)
    db.session.rollback()
    invited = db.session.scalars(
        select(Invitation.organisation_id).where(Invitation.competition_id == competition_id)
    ).all()
    assert sorted(invited) == sorted([a.id, b.id, c.id])
    assert "Supported internships" in last_email_to("provider-c@example.org").subject

    # A asks; the commissioner answers to all without naming A.
    response = provider_client.post(
        f"/competitions/{competition_id}/ask", data={"question": "Can interns start in June?"}
    )
    assert response.status_code == 302
    page = commissioner_client.get(f"/competitions/{competition_id}")
    assert "Can interns start in June?" in page_text(page)
    clarification_id = int(page.get_data(as_text=True).split("/clarifications/")[1].split("/")[0])
    answer_url = f"/competitions/{competition_id}/clarifications/{clarification_id}/answer"
    assert "Can interns start in June?" in page_text(commissioner_client.get(answer_url))
    response = commissioner_client.post(
        answer_url,
        data={"published_question": "Can interns start in June?", "answer": "Yes, from 1 June."},
    )
    assert response.status_code == 302
    for client in (provider_client, other_provider_client, third_client):
        assert "Yes, from 1 June." in page_text(client.get(f"/competitions/{competition_id}"))
    assert "Yes, from 1 June." in last_email_to("provider-b@example.org").body
    assert "Organisation A" not in last_email_to("provider-b@example.org").body

    # A submits then revises; B submits; C declines.
    helpers.quote_and_submit(provider_client, competition_id, ["Local firms", "Weekly"], "1250")
    helpers.quote_and_submit(
        provider_client, competition_id, ["Local firms we know", "Weekly coaching"], "1000"
    )
    helpers.quote_and_submit(
        other_provider_client, competition_id, ["A big network", "Daily coaching"], "1250"
    )
    response = third_client.post(
        f"/competitions/{competition_id}/decline",
        data={"reason": "No capacity this year"}
        | helpers.hidden(third_client, f"/competitions/{competition_id}/decline"),
    )
    assert response.status_code == 302
    quote_a = helpers.quote_of(competition_id, a.id)
    assert [v.number for v in quote_a.versions] == [1, 2]
    # Sealed: the council sees only the count.
    page = commissioner_client.get(f"/competitions/{competition_id}")
    assert "2 of 3 invited providers have submitted a quote" in page_text(page)
    assert "Local firms" not in page_text(page)

    helpers.pass_deadline(competition_id)
    for client in (commissioner_client, evaluator_client):
        response = client.post(
            f"/competitions/{competition_id}/declaration", data={"has_conflict": "no"}
        )
        assert response.status_code == 302, page_errors(response)
    quote_b = helpers.quote_of(competition_id, b.id)
    helpers.score_all(
        commissioner_client,
        competition_id,
        [quote_a.id, quote_b.id],
        {quote_a.id: [3, 3], quote_b.id: [4, 2]},
    )
    helpers.score_all(
        evaluator_client,
        competition_id,
        [quote_a.id, quote_b.id],
        {quote_a.id: [3, 2], quote_b.id: [4, 3]},
    )
    for client in (commissioner_client, evaluator_client):
        response = client.post(f"/competitions/{competition_id}/evaluation/submit")
        assert response.status_code == 302
    helpers.moderate_all(
        commissioner_client, competition_id, {quote_a.id: [3, 3], quote_b.id: [4, 2]}
    )
    assert (
        commissioner_client.post(f"/competitions/{competition_id}/moderation/close").status_code
        == 302
    )

    # A: quality 45 + price 40 = 85; B: quality 45 + price 32 = 77.
    results = page_text(commissioner_client.get(f"/competitions/{competition_id}/results"))
    assert "1 Organisation A Ltd £1,000 45 40 85" in results
    assert "2 Organisation B Ltd £1,250 45 32 77" in results

    url = f"/competitions/{competition_id}/award"
    response = commissioner_client.post(
        url,
        data=helpers.hidden(commissioner_client, url)
        | {"winner": str(quote_a.id), "standstill": "no"},
    )
    assert response.status_code == 302, page_errors(response)
    summary_b = page_text(other_provider_client.get(f"/competitions/{competition_id}/assessment"))
    assert "Your quote ranked 2 of 2" in summary_b
    assert "Agreed 2: the answer met the descriptor" in summary_b
    assert "Your quote won" in page_text(
        provider_client.get(f"/competitions/{competition_id}/assessment")
    )
    assert "ranked 2 of 2" in emails_to("provider-b@example.org")[-1].body
    db.session.rollback()
    assert db.session.scalar(select(QuoteVersion).where(QuoteVersion.quote_id == quote_a.id))
