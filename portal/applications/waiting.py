"""What of applications is waiting for a provider, for their home page: an application to finish
or one the council returned to change and resubmit. What waits for council staff (applications to
decide) is the reviews' (portal/reviews/services.py)."""

from __future__ import annotations

from portal.accounts.models import User
from portal.applications.models import DRAFT, RETURNED
from portal.applications.services import latest_applications, progress_of
from portal.core.waiting import DUE_SOON, Waiting
from portal.organisations.models import Organisation


def waiting_for(user: User, organisations: list[Organisation]) -> list[Waiting]:
    """A provider's applications to finish (with the sections done) or to change and resubmit
    after the council returned them. Council staff's applications waiting are the reviews'."""
    if user.is_staff or not organisations:
        return []
    items = []
    latest = latest_applications([organisation.id for organisation in organisations])
    for organisation in organisations:
        application = latest.get(organisation.id)
        if application is None or application.status not in (DRAFT, RETURNED):
            continue
        args = {"application_id": application.id}
        name = organisation.display_name
        if application.status == RETURNED:
            items.append(
                Waiting(
                    link=f"Change and resubmit your application for {name}",
                    endpoint="applications.show",
                    args=args,
                    hint="The council has returned your application for changes",
                    urgency=DUE_SOON,
                )
            )
            continue
        progress = progress_of(application)
        items.append(
            Waiting(
                link=f"Continue your application for {name}",
                endpoint="applications.show",
                args=args,
                hint=f"You have completed {progress.completed_count} of "
                f"{len(progress.counted)} sections",
            )
        )
    return items
