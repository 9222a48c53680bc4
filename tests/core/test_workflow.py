"""The one way a record changes state (portal/core/workflow.py), shown on an admission: a move
the table allows is written with its values and counted in the version; an illegal move, a page
older than the record and a change that lost to someone else's are each refused with the
workflow's own error, and write nothing. The pages' races are in each domain's
test_concurrency.py and run on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from portal.admissions.models import ADMITTED, REMOVED, SUSPENDED, Admission
from portal.core import workflow
from portal.core.db import db
from portal.core.errors import ServiceError
from tests.support import factories


class Refused(ServiceError):
    pass


def _refuse(refused: workflow.Refusal) -> Refused:
    return Refused(f"{refused.why}: {refused.before} to {refused.to}", "status")


FLOW = workflow.Workflow(frozenset({(ADMITTED, SUSPENDED), (SUSPENDED, ADMITTED)}), _refuse)


@pytest.fixture
def admission(organisation) -> Admission:
    return factories.admit(organisation, "mentoring", documents=False)


def _saved(admission: Admission) -> tuple[str, int, str | None]:
    return db.session.execute(
        select(Admission.status, Admission.lock_version, Admission.status_reason).where(
            Admission.id == admission.id
        )
    ).one()


def test_a_move_the_table_allows_is_written_and_counted(admission):
    version = admission.lock_version
    workflow.move(admission, SUSPENDED, FLOW, seen=version, status_reason="Checks overdue")
    assert (admission.status, admission.lock_version) == (SUSPENDED, version + 1)
    assert _saved(admission) == (SUSPENDED, version + 1, "Checks overdue")


def test_a_move_the_table_does_not_allow_is_refused(admission):
    before = _saved(admission)
    with pytest.raises(Refused, match="illegal: admitted to removed") as refused:
        workflow.move(admission, REMOVED, FLOW, status_reason="Gone")
    assert refused.value.field == "status"
    assert _saved(admission) == before


def test_a_page_older_than_the_record_is_refused(admission):
    before = _saved(admission)
    with pytest.raises(Refused, match="stale"):
        workflow.move(admission, SUSPENDED, FLOW, seen=admission.lock_version - 1)
    with pytest.raises(Refused, match="stale"):
        workflow.change(admission, FLOW, seen=admission.lock_version + 1, status_reason="x")
    assert _saved(admission) == before


def test_a_move_that_lost_to_another_change_is_refused_and_shows_what_won(admission):
    """Someone else's change lands between loading the record and writing it: the UPDATE finds
    no row at the version read, writes nothing, and the record is read again."""
    version = admission.lock_version
    db.session.execute(
        update(Admission)
        .where(Admission.id == admission.id)
        .values(status=SUSPENDED, lock_version=version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Refused, match="lost: admitted to suspended"):
        workflow.move(admission, SUSPENDED, FLOW, seen=version, status_reason="Late")
    assert (admission.status, admission.lock_version) == (SUSPENDED, version + 1)
    assert _saved(admission) == (SUSPENDED, version + 1, None)


def test_a_change_without_a_page_version_is_counted_not_compared(admission):
    version = admission.lock_version
    db.session.execute(
        update(Admission)
        .where(Admission.id == admission.id)
        .values(lock_version=version + 1)
        .execution_options(synchronize_session=False)
    )
    workflow.change(admission, FLOW, status_reason="Noted")
    assert _saved(admission) == (ADMITTED, version + 2, "Noted")
    assert admission.lock_version == version + 2
