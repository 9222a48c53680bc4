"""What of capacity is waiting for a provider, for its home page: capacity to publish on a lot
it is admitted to, and capacity gone out of date to confirm. Two queries, however many
organisations and lots."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.capacity.models import Capacity
from portal.capacity.services import admitted_lots, stale_before
from portal.core.db import db
from portal.core.time import as_utc, format_date
from portal.core.waiting import DUE_SOON, TO_DO, Waiting
from portal.core.words import and_list, possessive
from portal.organisations.models import Organisation


def waiting_for(user: User, organisations: list[Organisation]) -> list[Waiting]:
    if user.is_staff or not organisations:
        return []
    names = {organisation.id: organisation.display_name for organisation in organisations}
    lots = admitted_lots(list(names))
    if not lots:
        return []
    published = {
        (organisation_id, lot_id): confirmed_at
        for organisation_id, lot_id, confirmed_at in db.session.execute(
            select(Capacity.organisation_id, Capacity.lot_id, Capacity.confirmed_at).where(
                Capacity.organisation_id.in_(names)
            )
        )
    }
    stale = stale_before()
    items = []
    for organisation_id, name in names.items():
        on = [lot for each, lot in lots if each == organisation_id]
        missing = [lot.name for lot in on if (organisation_id, lot.id) not in published]
        out_of_date = [
            (lot.name, published[organisation_id, lot.id])
            for lot in on
            if (organisation_id, lot.id) in published
            and as_utc(published[organisation_id, lot.id]) < stale
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
