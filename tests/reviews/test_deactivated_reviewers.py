"""A reviewer whose account an admin has deactivated (they have left the council) is not emailed
about applications."""

from sqlalchemy import select

from portal.core.db import db
from portal.reviews.models import Review
from tests.support import factories
from tests.support.emails import emails_to
from tests.support.pages import soup


def _assigned_to(application_id: int) -> int | None:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(
        select(Review.assigned_to_id).where(Review.application_id == application_id)
    )


def test_a_deactivated_reviewer_is_not_told_of_a_new_application(
    admin_client, reviewer, second_reviewer, request
):
    gone_email = second_reviewer.email
    admin_client.post(f"/admin/staff/{second_reviewer.id}/deactivate")

    application_id = request.getfixturevalue("submitted")

    assert emails_to(gone_email) == []
    (email,) = emails_to(reviewer.email)
    assert f"/reviews/{application_id}" in email.body


def test_a_deactivated_reviewer_cannot_be_assigned_an_application(
    admin_client, reviewer_client, app_ctx, submitted
):
    gone = factories.make_user(
        "gone@council.example.org", full_name="Gus Gone", role="reviewer", two_factor=True
    )
    gone_id = gone.id
    admin_client.post(f"/admin/staff/{gone_id}/deactivate")

    page = soup(reviewer_client.get(f"/reviews/{submitted}"))

    options = [option.get_text(strip=True) for option in page.select("#assignee option")]
    assert "Gus Gone" not in options
    assert "Nobody" in options
    # Nor by a form made before they left.
    reviewer_client.post(f"/reviews/{submitted}/assign", data={"assignee": gone_id})
    assert _assigned_to(submitted) is None
