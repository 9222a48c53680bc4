"""The application's statuses: only the moves in the transition table happen, each once."""

import pytest
from sqlalchemy import update

from portal.applications import services
from portal.applications.models import STATUSES, Application
from portal.core.db import db
from tests.applications.helpers import audit_events

MOVES = [(before, after) for before in STATUSES for after in STATUSES if before != after]


@pytest.fixture
def draft_row(provider, organisation, every_type) -> Application:
    row = Application(organisation_id=organisation.id, questionnaire_version_id=every_type.id)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.mark.parametrize(("before", "after"), MOVES, ids=[f"{b}-{a}" for b, a in MOVES])
def test_only_the_moves_in_the_table_are_made(app, provider, draft_row, before, after):
    db.session.execute(update(Application).values(status=before))
    db.session.commit()
    db.session.refresh(draft_row)
    with app.test_request_context():
        if (before, after) in services.TRANSITIONS:
            services.transition(draft_row, after, provider)
            db.session.commit()
            assert (draft_row.status, draft_row.lock_version) == (after, 2)
            assert [e.after["status"] for e in audit_events(f"application.{after}")] == [after]
        else:
            with pytest.raises(services.ApplicationError):
                services.transition(draft_row, after, provider)
            db.session.rollback()
            assert db.session.get(Application, draft_row.id).status == before


def test_a_move_made_on_a_stale_copy_is_refused(app, provider, draft_row):
    """Someone else withdrew the application after this copy was loaded."""
    db.session.execute(
        update(Application)
        .values(status="withdrawn", lock_version=2)
        .execution_options(synchronize_session=False)
    )
    with app.test_request_context(), pytest.raises(services.ApplicationChanged):
        services.transition(draft_row, "submitted", provider)
    db.session.rollback()
    assert db.session.get(Application, draft_row.id).status == "draft"
