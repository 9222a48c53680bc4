import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal.audit.models import AuditEvent
from portal.audit.services import record_event
from portal.core.db import db


@pytest.fixture
def audit_event(app_ctx):
    event = record_event("lot.created", object_type="lot", object_id=1, actor_id=None)
    db.session.commit()
    return event


def _actions() -> list[str]:
    db.session.remove()
    return list(db.session.scalars(select(AuditEvent.action)))


def test_updating_an_event_through_the_orm_is_refused(audit_event):
    audit_event.action = "lot.deleted"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert _actions() == ["lot.created"]


def test_deleting_an_event_through_the_orm_is_refused(audit_event):
    db.session.delete(audit_event)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert _actions() == ["lot.created"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'lot.deleted' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ],
)
def test_postgresql_refuses_raw_sql_changes(audit_event, statement):
    """On PostgreSQL a trigger refuses even SQL that bypasses the ORM. SQLite, for development
    only, has no trigger (a batch migration that copies the table would silently lose it), so
    there the ORM guard above is the only protection and the statement goes through."""
    refused = False
    try:
        with db.engine.begin() as connection:
            connection.execute(text(statement), {"id": audit_event.id})
    except DBAPIError as error:
        assert "append-only" in str(error)
        refused = True
    assert refused is db.is_postgresql
    assert (_actions() == ["lot.created"]) is db.is_postgresql
