"""Reading the audit log: the council's search of who did what (/admin/audit), its exports, and
one organisation's history for its reviewers. Kept apart from portal/audit, which only writes
events and sits below every domain: reading names people and organisations, so it sits beside
the domains it reads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.audit.services import record_event
from portal.audit_log.labels import action_label, field_label, object_type_label, value_text
from portal.core.csv_export import Cell
from portal.core.db import db
from portal.core.time import london_hour
from portal.organisations.models import NAME_SHOWN, Organisation

# Reading the log -----------------------------------------------------------------------------

PER_PAGE = 50
# Rows fetched from the database at a time while an export is written.
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class AuditFilters:
    """Which events to show, already checked for form (portal/audit/forms.py) and resolved
    against the database (`resolve_filters`): every part optional."""

    actor_email: str | None = None
    actor_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: int | None = None
    organisation_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def any(self) -> bool:
        return any(value is not None for value in self.as_record().values())

    def as_record(self) -> dict[str, Any]:
        """The filters as they are kept in the audit event of reading them, and given back in
        the links to other pages and the exports."""
        return {
            "email": self.actor_email,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "organisation_id": self.organisation_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }

    def query_args(self) -> dict[str, Any]:
        """The filters as the filter form's query string (a date as its three boxes)."""
        args: dict[str, Any] = {
            key: value
            for key, value in self.as_record().items()
            if value is not None and not key.startswith("date_")
        }
        for name in ("date_from", "date_to"):
            day = getattr(self, name)
            if day:
                args[name] = [str(day.day), str(day.month), str(day.year)]
        return args


class FilterProblem(Exception):
    """Filters that name something the portal does not hold: {field name: message}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def resolve_filters(
    *,
    email: str | None,
    action: str | None,
    object_type: str | None,
    object_id: int | None,
    organisation_id: int | None,
    date_from: date | None,
    date_to: date | None,
) -> AuditFilters:
    """The filters with the person found by email address. Raises FilterProblem when there is
    no account with that address, no organisation with that number, or no event at all about
    the record named (a mistyped number finds nothing, and should say so)."""
    errors: dict[str, str] = {}
    actor_id = None
    if email:
        email = email.strip().lower()
        actor_id = db.session.scalar(select(User.id).where(User.email == email))
        if actor_id is None:
            errors["email"] = "There is no account with that email address"
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        errors["organisation_id"] = "There is no organisation with that number"
    if object_type and object_id is not None:
        found = db.session.scalar(
            select(AuditEvent.id)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .limit(1)
        )
        if found is None:
            errors["object_id"] = (
                f"There are no events about {object_type_label(object_type).lower()} "
                f"number {object_id}. Check the number"
            )
    if errors:
        raise FilterProblem(errors)
    return AuditFilters(
        actor_email=email or None,
        actor_id=actor_id,
        action=action or None,
        object_type=object_type or None,
        object_id=object_id,
        organisation_id=organisation_id,
        date_from=date_from,
        date_to=date_to,
    )


def _criteria(filters: AuditFilters) -> list:
    criteria = []
    if filters.actor_id is not None:
        criteria.append(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        criteria.append(AuditEvent.action == filters.action)
    if filters.object_type:
        criteria.append(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        criteria.append(AuditEvent.object_id == filters.object_id)
    if filters.organisation_id is not None:
        criteria.append(AuditEvent.organisation_id == filters.organisation_id)
    # Days are London days: "to 5 March" takes in everything before midnight that night.
    if filters.date_from:
        criteria.append(AuditEvent.occurred_at >= london_hour(filters.date_from))
    if filters.date_to:
        end = london_hour(filters.date_to + timedelta(days=1))
        criteria.append(AuditEvent.occurred_at < end)
    return criteria


def event_types() -> list[str]:
    """Every kind of event the log holds, in order. Read one value at a time down the action
    index (a recursive query: PostgreSQL has no skip scan), so it costs a step per kind, not a
    row per event, however long the log."""
    # min() on an indexed column is one step down the index, on PostgreSQL and SQLite alike.
    found = select(func.min(AuditEvent.action).label("action")).cte("found", recursive=True)
    later = (
        select(func.min(AuditEvent.action))
        .where(AuditEvent.action > found.c.action)
        .scalar_subquery()
    )
    found = found.union_all(select(later).where(found.c.action.is_not(None)))
    return [
        action
        for action in db.session.scalars(select(found.c.action).select_from(found))
        if action is not None
    ]


def _change_text(label: str, old: str | None, new: str | None) -> str:
    if old is None:
        return f"{label}: {new}"
    if new is None:
        return f"{label}: {old} → (removed)"
    return f"{label}: {old} → {new}"


@dataclass(frozen=True)
class Change:
    """One field of an event's difference: `old` None when the event recorded no value before
    (something new), `new` None when it recorded none after (something removed)."""

    label: str
    old: str | None
    new: str | None

    def __str__(self) -> str:
        return _change_text(self.label, self.old, self.new)


def _changed(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> Iterator[tuple[str, str | None, str | None]]:
    """Each field an event changed, in the order it recorded them: (label, old, new)."""
    before, after = before or {}, after or {}
    for name in dict.fromkeys([*before, *after]):
        old = value_text(before[name]) if name in before else None
        new = value_text(after[name]) if name in after else None
        if old != new:
            yield field_label(name), old, new


def differences(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """What an event changed, field by field in plain English, in the order it recorded them."""
    return [Change(*change) for change in _changed(before, after)]


def changes_text(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """The differences as the exports write them in one cell: "Status: Draft → Submitted; ..."."""
    if not before and not after:
        return ""
    return "; ".join(_change_text(*change) for change in _changed(before, after))


@dataclass(frozen=True)
class EventLine:
    """One event as the audit pages and exports show it."""

    id: int
    occurred_at: datetime
    action: str
    actor_name: str | None
    actor_email: str | None
    object_type: str
    object_id: int | None
    organisation_id: int | None
    organisation_name: str | None
    changes: list[Change]
    ip_address: str | None

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def object_label(self) -> str:
        return object_type_label(self.object_type)


_LINE_COLUMNS = (
    AuditEvent.id,
    AuditEvent.occurred_at,
    AuditEvent.action,
    User.full_name,
    User.email,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.organisation_id,
    NAME_SHOWN,
    AuditEvent.before,
    AuditEvent.after,
    AuditEvent.ip_address,
)


def _lines(criteria: list):
    """The events matching `criteria` with who did them and the organisation's name, in one
    query (outer joins: an event may have neither)."""
    return (
        select(*_LINE_COLUMNS)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Organisation, Organisation.id == AuditEvent.organisation_id)
        .where(*criteria)
    )


def _line(row) -> EventLine:
    (id_, at, action, name, email, object_type, object_id, org_id, org_name, before, after, ip) = (
        row
    )
    return EventLine(
        id=id_,
        occurred_at=at,
        action=action,
        actor_name=name,
        actor_email=email,
        object_type=object_type,
        object_id=object_id,
        organisation_id=org_id,
        organisation_name=org_name,
        changes=differences(before, after),
        ip_address=ip,
    )


@dataclass(frozen=True)
class EventPage:
    """A page of events, newest first, and the event ids to read on from: `older` for the next
    page down, `newer` for the page above (None at either end)."""

    items: list[EventLine]
    older: int | None
    newer: int | None


def _anchor(event_id: int):
    return select(AuditEvent.occurred_at).where(AuditEvent.id == event_id).scalar_subquery()


def event_page(
    filters: AuditFilters, *, before: int | None = None, after: int | None = None
) -> EventPage:
    """PER_PAGE events matching `filters`, newest first: the newest of all, or those just older
    than event `before`, or just newer than event `after`. Read by position in the
    (occurred_at, id) order rather than by offset, so a page deep in a long log costs what the
    first does: one query, whatever the log's length."""
    criteria = _criteria(filters)
    moment, number = AuditEvent.occurred_at, AuditEvent.id
    if after is not None:
        at = _anchor(after)
        criteria.append(or_(moment > at, and_(moment == at, number > after)))
        order = (moment.asc(), number.asc())
    else:
        if before is not None:
            at = _anchor(before)
            criteria.append(or_(moment < at, and_(moment == at, number < before)))
        order = (moment.desc(), number.desc())
    rows = db.session.execute(_lines(criteria).order_by(*order).limit(PER_PAGE + 1)).all()
    more = len(rows) > PER_PAGE
    lines = [_line(row) for row in rows[:PER_PAGE]]
    if after is not None:
        lines.reverse()
        return EventPage(
            lines,
            older=lines[-1].id if lines else None,
            newer=lines[0].id if more and lines else None,
        )
    return EventPage(
        lines,
        older=lines[-1].id if more else None,
        newer=lines[0].id if before is not None and lines else None,
    )


EXPORT_HEADINGS: list[Cell] = [
    "When",
    "Event",
    "Event code",
    "Who",
    "Their email address",
    "Record",
    "Record number",
    "Organisation",
    "Organisation number",
    "What changed",
    "IP address",
    "Event number",
]


def export_rows(filters: AuditFilters) -> Iterator[list[Cell]]:
    """Every event matching `filters`, newest first, as export rows after a row of headings.
    The rows are read while the file is sent, after the request has ended: in a session and
    transaction of their own, a batch at a time (a server-side cursor on PostgreSQL), so an
    export of years of events never holds them all."""
    statement = (
        _lines(_criteria(filters))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .execution_options(yield_per=EXPORT_BATCH)
    )
    engine = db.engine

    def rows() -> Iterator[list[Cell]]:
        yield EXPORT_HEADINGS
        with Session(engine) as session, session.begin():
            # Each row straight from its columns: an EventLine and its Changes per row cost
            # more than writing the row.
            for (id_, at, action, name, email, object_type, object_id, org_id, org_name,
                 before, after, ip) in session.execute(statement):  # fmt: skip
                yield [
                    at,
                    action_label(action),
                    action,
                    name,
                    email,
                    object_type_label(object_type),
                    object_id,
                    org_name,
                    org_id,
                    changes_text(before, after),
                    ip,
                    id_,
                ]

    return rows()


def record_reading(reader: User, filters: AuditFilters, *, exported: str | None = None) -> None:
    """Reading the log is itself an event: who read or exported which part of it."""
    after: dict[str, Any] = {"filters": {k: v for k, v in filters.as_record().items() if v}}
    if exported:
        after["format"] = exported
    record_event(
        "audit.exported" if exported else "audit.viewed",
        object_type="audit_log",
        object_id=None,
        actor_id=reader.id,
        organisation_id=filters.organisation_id,
        after=after,
    )


def organisation_history(
    reader: User, organisation_id: int, *, before: int | None = None, after: int | None = None
) -> tuple[Organisation, EventPage] | None:
    """The organisation and a page of its events, for the council's record of it (reviewers may
    read this much of the log); the reading is recorded. None when there is no such
    organisation."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        return None
    page = event_page(AuditFilters(organisation_id=organisation_id), before=before, after=after)
    record_event(
        "audit.organisation_history_viewed",
        object_type="audit_log",
        object_id=None,
        actor_id=reader.id,
        organisation_id=organisation_id,
    )
    return organisation, page
