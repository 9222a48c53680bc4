"""What every part of quality shares: its error and the state machines of visits, actions and
meetings. Every change of state goes through `portal.core.workflow.move` over the tables here,
which checks the move and the row's lock_version in one UPDATE (so a visit recorded twice at
once is recorded once, and the second person is told)."""

from __future__ import annotations

from portal.core import workflow
from portal.core.errors import ServiceError
from portal.quality.models import (
    ACTION_CLOSED,
    ACTION_DONE,
    ACTION_OPEN,
    MEETING_CANCELLED,
    MEETING_HELD,
    MEETING_SCHEDULED,
    VISIT_CANCELLED,
    VISIT_PLANNED,
    VISIT_PUBLISHED,
    VISIT_RECORDED,
)


class QualityError(ServiceError):
    """Something that cannot be done to a visit, action or meeting, with a message to show
    (on `field`)."""


VISIT_MOVES = workflow.worded(
    QualityError,
    {
        (VISIT_PLANNED, VISIT_RECORDED),
        # A recorded visit's grades may be corrected until its findings are published.
        (VISIT_RECORDED, VISIT_RECORDED),
        (VISIT_RECORDED, VISIT_PUBLISHED),
        (VISIT_PLANNED, VISIT_CANCELLED),
    },
    changed="This visit has just been changed by someone else. Check it again",
    illegal="This visit can no longer be changed in that way",
)

ACTION_MOVES = workflow.worded(
    QualityError,
    {
        (ACTION_OPEN, ACTION_DONE),  # the provider marks it done
        (ACTION_DONE, ACTION_CLOSED),  # the council accepts it
        (ACTION_DONE, ACTION_OPEN),  # the council reopens it, saying why
        (ACTION_OPEN, ACTION_CLOSED),  # the council closes it itself (no longer needed)
    },
    changed="This action has just been changed by someone else. Check it again",
    illegal="This action is closed and can no longer be changed",
)

MEETING_MOVES = workflow.worded(
    QualityError,
    {
        (MEETING_SCHEDULED, MEETING_HELD),
        (MEETING_SCHEDULED, MEETING_CANCELLED),
    },
    changed="This meeting has just been changed by someone else. Check it again",
    illegal="This meeting has already been held or cancelled",
)
