"""The path's moves, as the workflow table allows them: forward one step (or, for a direct
call-off made and sent at once, from received straight to offered), back to waiting when a match
falls through, closed at any point before it starts; nothing out of started or closed."""

from __future__ import annotations

import pytest

from portal.referrals.models import CLOSED, MATCHED, OFFERED, RECEIVED, STARTED, STATUSES
from portal.referrals.services.common import REFERRAL_MOVES

ALLOWED = {
    (RECEIVED, MATCHED),
    (RECEIVED, OFFERED),
    (MATCHED, OFFERED),
    (OFFERED, STARTED),
    (MATCHED, RECEIVED),
    (OFFERED, RECEIVED),
    (RECEIVED, CLOSED),
    (MATCHED, CLOSED),
    (OFFERED, CLOSED),
}


@pytest.mark.parametrize("before", STATUSES)
@pytest.mark.parametrize("to", STATUSES)
def test_each_move_is_allowed_or_refused(before, to):
    assert REFERRAL_MOVES.allows(before, to) == ((before, to) in ALLOWED)


def test_nothing_leaves_started_or_closed():
    for end in (STARTED, CLOSED):
        assert not any(REFERRAL_MOVES.allows(end, to) for to in STATUSES)
