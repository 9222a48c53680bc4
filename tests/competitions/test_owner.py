"""Council staff see which commissioner created each competition, on the list and its page."""

from __future__ import annotations

from tests.competitions import helpers
from tests.conftest import sign_in
from tests.support import factories
from tests.support.pages import page_text


def test_staff_see_who_created_a_competition(app, commissioner_client, commissioner, on_lot):
    competition_id = helpers.create(commissioner_client)
    colleague = factories.make_user(
        "commissioner-two@council.example.org",
        full_name="Cora Commissioner",
        role="commissioner",
        two_factor=True,
    )
    client = sign_in(app.test_client(), colleague)

    listed = page_text(client.get("/competitions"))
    shown = page_text(client.get(f"/competitions/{competition_id}"))

    assert f"MC-{competition_id}, mini-competition, created by {commissioner.full_name}" in listed
    assert f"Created by {commissioner.full_name} on" in shown
