import pytest
from flask import abort
from sqlalchemy import func, select

from portal.core.db import db
from portal.lots.models import Lot
from portal.outbox.services import queue_email
from tests.outbox.helpers import outbox
from tests.support.pages import page_h1


@pytest.fixture
def app_with_a_change(make_app):
    """An app with a test-only page that makes a change, queues its email, then ends as asked."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.post("/test-only/add-lot/<ending>")
    def add_lot(ending):
        db.session.add(Lot(slug="robotics", name="Robotics and STEM"))
        queue_email(
            "sam@example.org",
            "A new type of service",
            "organisation_member_joined",
            inviter={"full_name": "Sam"},
            member={"full_name": "Kim", "email": "kim@example.org"},
            organisation={"display_name": "Organisation A Ltd"},
        )
        db.session.flush()
        if ending == "refused":
            abort(400)
        if ending == "broken":
            raise RuntimeError("something went wrong after the email was queued")
        return "done"

    return app


def _lots(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Lot))


def test_the_email_is_kept_with_the_change_that_caused_it(app_with_a_change):
    response = app_with_a_change.test_client().post("/test-only/add-lot/done")

    assert response.status_code == 200
    assert _lots(app_with_a_change) == 1
    [email] = outbox(app_with_a_change)
    assert (email.to_address, email.subject, email.status) == (
        "sam@example.org",
        "A new type of service",
        "pending",
    )
    assert "Kim (kim@example.org) has accepted your invitation" in email.body


@pytest.mark.parametrize(
    ("ending", "status", "heading"),
    [
        ("refused", 400, "There is a problem with your request"),
        ("broken", 500, "Sorry, there is a problem with the service"),
    ],
)
def test_a_failed_request_leaves_neither_the_change_nor_its_email(
    app_with_a_change, ending, status, heading
):
    response = app_with_a_change.test_client().post(f"/test-only/add-lot/{ending}")

    assert response.status_code == status
    assert page_h1(response) == heading
    assert _lots(app_with_a_change) == 0
    assert outbox(app_with_a_change) == []
