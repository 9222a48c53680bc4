"""A placement request: the same engine with lighter evaluation (one evaluator, no moderation)
and the published method (fit to needs 40, availability 20, distance band 10, price 30),
ending in a placement awarded to one provider."""

from __future__ import annotations

from tests.competitions import helpers
from tests.support.emails import last_email_to
from tests.support.pages import page_text


def test_a_placement_request_from_request_to_placement(
    commissioner_client, commissioner, on_lot, provider_client, other_provider_client
):
    a, b, _c = on_lot
    competition_id = helpers.create(commissioner_client, "placement_request")
    helpers.name_evaluators(commissioner_client, competition_id, [commissioner], commissioner)
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    email = last_email_to("provider-a@example.org")
    assert "placement request" in email.body
    page = page_text(provider_client.get(f"/competitions/{competition_id}"))
    assert "SEND-0421" in page and "14 to 16" in page and "DY1" in page

    # A: near (under 3 miles), £40 an hour. B: 5 to 10 miles, £32 an hour.
    helpers.quote_and_submit(
        provider_client, competition_id, ["A calm mentor", "From Monday", "under-3"], "40"
    )
    helpers.quote_and_submit(
        other_provider_client, competition_id, ["A mentor", "In two weeks", "5-to-10"], "32"
    )
    helpers.pass_deadline(competition_id)
    commissioner_client.post(
        f"/competitions/{competition_id}/declaration", data={"has_conflict": "no"}
    )
    quote_a = helpers.quote_of(competition_id, a.id).id
    quote_b = helpers.quote_of(competition_id, b.id).id
    fit, availability, _distance = helpers.question_ids(competition_id)
    for quote_id, scores in ((quote_a, (4, 3)), (quote_b, (3, 3))):
        response = commissioner_client.post(
            f"/competitions/{competition_id}/quotes/{quote_id}/score",
            data={
                f"score_{fit}": str(scores[0]),
                f"comment_{fit}": "Against the needs",
                f"score_{availability}": str(scores[1]),
                f"comment_{availability}": "Start date and hours",
            },
        )
        assert response.status_code == 302
    # One evaluator: submitting closes evaluation, no moderation step.
    commissioner_client.post(f"/competitions/{competition_id}/evaluation/submit")
    results = page_text(commissioner_client.get(f"/competitions/{competition_id}/results"))
    # A: 40 + 15 + 10 = 65 quality, 32 ÷ 40 × 30 = 24 price: 89.
    # B: 30 + 15 + 5 = 50 quality, 30 price: 80.
    assert "1 Organisation A Ltd £40 65 24 89" in results
    assert "2 Organisation B Ltd £32 50 30 80" in results
    url = f"/competitions/{competition_id}/award"
    response = commissioner_client.post(
        url,
        data=helpers.hidden(commissioner_client, url)
        | {"winner": str(quote_a), "standstill": "no"},
    )
    assert response.status_code == 302
    summary = page_text(other_provider_client.get(f"/competitions/{competition_id}/assessment"))
    assert "Scored by the published distance bands: 5 to 10 miles" in summary
    assert "Awarded to Organisation A Ltd" in page_text(
        provider_client.get(f"/competitions/{competition_id}")
    )
