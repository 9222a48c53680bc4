"""What the home pages say needs doing. Each domain says what of its own is waiting for a person
(its `waiting_for`); this module only collects them, most urgent first, so the home page knows
no domain's tables and does the same number of queries whatever the data behind it. What the
domains only count (their `Figures`) and what they list from rows needing nothing read before
(their `Listed`) is read in one statement for all of them (core.waiting.read_waiting)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from portal.accounts import waiting as accounts
from portal.accounts.models import User
from portal.applications import waiting as applications
from portal.capacity import waiting as capacity
from portal.competitions import waiting as competitions
from portal.contracts import waiting as contracts
from portal.core.waiting import (
    Figures,
    Listed,
    Waiting,
    most_urgent_first,
    read_waiting,
)
from portal.documents import services as documents
from portal.kpi_returns import waiting as kpi_returns
from portal.organisations.models import Organisation
from portal.outbox import waiting as outbox
from portal.quality import meeting_waiting as quality_meetings
from portal.quality import waiting as quality
from portal.questionnaires import waiting as questionnaires
from portal.referrals import waiting as referrals
from portal.reviews import services as reviews

# Every domain that can have work waiting for someone. Each answers for any user: nothing, when
# the user's role has nothing to do there.
SOURCES: tuple[Callable[[User, list[Organisation]], Sequence[Waiting | Figures | Listed]], ...] = (
    applications.waiting_for,
    reviews.waiting_for,
    documents.waiting_for,
    kpi_returns.waiting_for,
    competitions.waiting_for,
    contracts.waiting_for,
    capacity.waiting_for,
    accounts.waiting_for,
    outbox.waiting_for,
    questionnaires.waiting_for,
    quality.waiting_for,
    referrals.waiting_for,
    quality_meetings.waiting_for,
)


def waiting_for(user: User, organisations: list[Organisation]) -> list[Waiting]:
    """Everything waiting for `user` (and, for a provider, for their `organisations`), most
    urgent first (and, as urgent, in the order the domains gave them)."""
    given = [part for source in SOURCES for part in source(user, organisations)]
    read = iter(read_waiting([part for part in given if not isinstance(part, Waiting)]))
    items: list[Waiting] = []
    for part in given:
        if isinstance(part, Waiting):
            items.append(part)
        else:
            items.extend(next(read))
    return most_urgent_first(items)
