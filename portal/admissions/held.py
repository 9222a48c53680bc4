"""The lots organisations hold, as pages that list them read them: plain rows, read once in a
page however many of its parts ask (portal.core.memo). The provider's home asks three times for
the same organisations: its standing, capacity to publish, KPI returns owed."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select

from portal.admissions.models import Admission
from portal.core.memo import RowsById, read_once_by_id
from portal.lots.models import Lot


class Held(NamedTuple):
    """One admission of an organisation to a lot, with the lot's name."""

    organisation_id: int
    lot_id: int
    lot_name: str
    status: str
    admitted_at: datetime
    status_changed_at: datetime
    status_reason: str | None


# Built once: a statement built for every request costs more than running it.
_HELD = (
    select(
        Admission.organisation_id,
        Admission.lot_id,
        Lot.name,
        Admission.status,
        Admission.admitted_at,
        Admission.status_changed_at,
        Admission.status_reason,
    )
    .join(Lot, Lot.id == Admission.lot_id)
    .where(Admission.organisation_id.in_(bindparam("ids", expanding=True)))
    .order_by(Lot.position, Lot.name)
)


# Each organisation's admissions, one per lot it has ever been admitted to (admitted,
# suspended or removed), in lot order: one query (read with a page's others by
# core.memo.read_together). Not to be changed: it may be shared.
admissions_held = read_once_by_id(RowsById(_HELD, 0, Held))
