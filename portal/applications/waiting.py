"""What of applications is waiting for a provider, for their home page: an application to finish
or one the council returned to change and resubmit. What waits for council staff (applications to
decide) is the reviews' (portal/reviews/services.py)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, NamedTuple
from typing import cast as cast_type

from sqlalchemy import bindparam, select

from portal.accounts.models import User
from portal.applications.models import DRAFT, RETURNED, Application, ApplicationSection
from portal.applications.progress import Progress
from portal.applications.services import latest_applications
from portal.core.waiting import DUE_SOON, Listed, Waiting
from portal.organisations.models import Organisation
from portal.questionnaires import services as questionnaires

# What progress reads of the sections of several applications (their answers, versions and
# whether each is marked complete), as columns, for a page that reads them with others: the
# provider's home, with its other lists (portal.core.waiting.Listed). Built once.
SECTIONS_READ = (
    select(
        ApplicationSection.application_id,
        ApplicationSection.section_id,
        ApplicationSection.answers,
        ApplicationSection.version,
        ApplicationSection.completed,
    )
    .where(ApplicationSection.application_id.in_(bindparam("application_ids", expanding=True)))
    .order_by(ApplicationSection.id)
)


class SectionRead(NamedTuple):
    """A row of SECTIONS_READ: what Progress reads of a section."""

    application_id: int
    section_id: str
    answers: dict[str, Any]
    version: int
    completed: bool


def progress_read(application: Application, rows: Sequence[Sequence[Any]]) -> Progress:
    """progress_of `application` from rows of SECTIONS_READ (any application's: its own are
    taken). For reading only: nothing is saved through it, so its sections need not be the
    session's objects."""
    sections = [SectionRead._make(row) for row in rows if row[0] == application.id]
    return Progress(
        application,
        questionnaires.content_of(application.questionnaire_version),
        # Read-only rows in the place of the objects a save would change (Progress reads a
        # section's answers, version and completion alone).
        cast_type(dict[str, ApplicationSection], {row.section_id: row for row in sections}),
    )


def waiting_for(user: User, organisations: list[Organisation]) -> list[Waiting] | list[Listed]:
    """A provider's applications to finish (with the sections done) or to change and resubmit
    after the council returned them. Council staff's applications waiting are the reviews'. The
    drafts' sections are read with the home's other lists."""
    if user.is_staff or not organisations:
        return []
    latest = latest_applications([organisation.id for organisation in organisations])
    drafts = [application.id for application in latest.values() if application.status == DRAFT]
    if not drafts:
        return _items(organisations, latest, [])
    return [
        Listed(SECTIONS_READ, {"application_ids": drafts}, partial(_items, organisations, latest))
    ]


def _items(
    organisations: list[Organisation],
    latest: dict[int, Application],
    sections: list[Sequence[Any]],
) -> list[Waiting]:
    """The items for the organisations' latest applications, with the rows of SECTIONS_READ of
    those that are drafts."""
    items = []
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
        progress = progress_read(application, sections)
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
