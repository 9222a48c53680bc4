"""The page that publishes how call-offs are made says what the code does."""

from __future__ import annotations

from fractions import Fraction

from portal.competitions import scoring
from tests.competitions import helpers
from tests.support.emails import last_email_to
from tests.support.pages import page_text


def test_the_published_page_states_the_rules_the_scoring_uses(client):
    text = page_text(client.get("/providers/how-call-offs-are-made"))
    assert "price score = lowest price ÷ this price × price weight" in text
    assert "1,000 ÷ 1,250 × 40 = 32 marks" in text
    assert scoring.price_marks(100_000, 125_000, 40) == 32
    assert (
        "If two quotes have the same total, the one with the higher quality marks wins. If they "
        "are still equal, the one with the lower price wins. If they are still equal, they share "
        "the rank" in text
    )
    assert "more than 30% below the average of the other quotes' prices" in text
    assert Fraction(70, 100) == scoring.ABNORMALLY_LOW_BELOW
    for (label, score), shown in zip(
        scoring.DISTANCE_BANDS.values(),
        (
            "under 3 miles scores 4",
            "3 to 5 miles 3",
            "5 to 10 miles 2",
            "10 to 20 miles 1",
            "over 20 miles 0",
        ),
        strict=True,
    ):
        assert shown in text, (label, score)
    for criterion, weight in (("needs", 40), ("hours it can offer", 20), ("area given", 10)):
        assert f"{criterion}: {weight}" in text
    assert f"price: {scoring.PLACEMENT_PRICE_WEIGHT}" in text


def test_cancelling_tells_every_invited_provider_why(
    commissioner_client, provider_client, commissioner, evaluator, on_lot
):
    competition_id = helpers.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    assert helpers.publish(commissioner_client, competition_id).status_code == 302
    url = f"/competitions/{competition_id}/cancel"
    response = commissioner_client.post(
        url, data=helpers.hidden(commissioner_client, url) | {"reason": "The budget was withdrawn"}
    )
    assert response.status_code == 302
    for address in ("provider-a@example.org", "provider-b@example.org", "provider-c@example.org"):
        email = last_email_to(address)
        assert email.subject.startswith("Cancelled:")
        assert "The budget was withdrawn" in email.body
    # And on the competition's page, for each side (the page checks refuse markup around it).
    for client in (commissioner_client, provider_client):
        shown = page_text(client.get(f"/competitions/{competition_id}"))
        assert "The budget was withdrawn" in shown
