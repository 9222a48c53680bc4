"""What of capacity is waiting for a provider, for its home page: capacity to publish on a lot
it is admitted to, and capacity gone out of date to confirm. Two queries, however many
organisations and lots (none of its own, when the page has read the admissions already and
reads its lists together)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from sqlalchemy import bindparam, select

from portal.accounts.models import User
from portal.admissions.held import admissions_held
from portal.admissions.models import ADMITTED
from portal.capacity.models import Capacity
from portal.capacity.services import stale_before
from portal.core.time import as_utc, format_date
from portal.core.waiting import DUE_SOON, TO_DO, Listed, Waiting
from portal.core.words import and_list, possessive
from portal.organisations.models import Organisation

# Built once: a statement built for every request costs more than running it.
_PUBLISHED = select(Capacity.organisation_id, Capacity.lot_id, Capacity.confirmed_at).where(
    Capacity.organisation_id.in_(bindparam("ids", expanding=True))
)


def waiting_for(user: User, organisations: list[Organisation]) -> list[Listed]:
    if user.is_staff or not organisations:
        return []
    names = {organisation.id: organisation.display_name for organisation in organisations}
    # The admissions the home page has read already (its standing, KPI returns), in lot order.
    admitted = {
        id_: [(held.lot_id, held.lot_name) for held in each if held.status == ADMITTED]
        for id_, each in admissions_held(list(names)).items()
    }
    if not any(admitted.values()):
        return []
    # The capacity published is read with the home's other lists.
    return [Listed(_PUBLISHED, {"ids": list(names)}, partial(_items, names, admitted))]


def _items(
    names: dict[int, str],
    admitted: dict[int, list[tuple[int, str]]],
    rows: list[Sequence[Any]],
) -> list[Waiting]:
    """The items from the lots each organisation is on (`admitted`) and the rows of _PUBLISHED."""
    published = {
        (organisation_id, lot_id): confirmed_at for organisation_id, lot_id, confirmed_at in rows
    }
    stale = stale_before()
    items = []
    for organisation_id, name in names.items():
        on = admitted[organisation_id]
        missing = [name for lot_id, name in on if (organisation_id, lot_id) not in published]
        out_of_date = [
            (name, published[organisation_id, lot_id])
            for lot_id, name in on
            if (organisation_id, lot_id) in published
            and as_utc(published[organisation_id, lot_id]) < stale
        ]
        if missing:
            items.append(
                Waiting(
                    link=f"Publish {possessive(name)} capacity",
                    endpoint="capacity.overview",
                    args={"organisation_id": organisation_id},
                    hint=f"Not yet published for {and_list(missing)}",
                    urgency=TO_DO,
                )
            )
        if out_of_date:
            oldest = min(confirmed for _name, confirmed in out_of_date)
            items.append(
                Waiting(
                    link=f"Confirm {possessive(name)} capacity is still right",
                    endpoint="capacity.overview",
                    args={"organisation_id": organisation_id},
                    hint=(
                        f"Out of date for {and_list([lot for lot, _at in out_of_date])}: "
                        f"last confirmed {format_date(oldest)}"
                    ),
                    urgency=DUE_SOON,
                )
            )
    return items
