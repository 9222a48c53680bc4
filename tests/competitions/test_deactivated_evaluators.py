"""A member of staff whose account an admin has deactivated (they have left) cannot be put on a
competition's evaluation panel."""

from tests.competitions import helpers
from tests.support import factories
from tests.support.pages import page_errors, page_text


def test_a_deactivated_member_of_staff_cannot_be_an_evaluator(
    commissioner_client, commissioner, admin_client, on_lot
):
    gone = factories.make_user(
        "gone@council.example.org", full_name="Gus Gone", role="commissioner", two_factor=True
    )
    gone_id, commissioner_id = gone.id, commissioner.id
    admin_client.post(f"/admin/staff/{gone_id}/deactivate")
    competition_id = helpers.create(commissioner_client)

    page = commissioner_client.get(f"/competitions/{competition_id}/evaluators")
    assert "Gus Gone" not in page_text(page)
    # Nor through a form made before they left.
    response = commissioner_client.post(
        f"/competitions/{competition_id}/evaluators",
        data={"evaluators": [str(commissioner_id), str(gone_id)], "lead": str(gone_id)},
    )
    assert page_errors(response) == {
        "evaluators": "Choose at least two evaluators, so that scores can be moderated"
    }
