"""Quality: for each organisation on the framework, its visits (published, with a judgement),
its review meetings (held with minutes, agenda and a comment; every third has one scheduled),
its action plan (from the visits and the meetings: some closed, some open, some overdue) and its
kept risk rating. Each reviewer opens one provider's record page (person["organisation_id"]).

At 1x (about 400 providers on the framework): 800 visits, 800 held meetings and about 130
scheduled, 3,200 actions, 800 comments, 400 risk ratings; ten times as many at 10x, so one
provider's record holds the same amount at both scales.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, select

from bench.seed.base import _next_id, _table, bulk_insert
from portal.accounts.models import REVIEWER
from portal.core.time import today, utcnow

VISITS_EACH = 2
HELD_MEETINGS_EACH = 2
JUDGEMENTS = ("good", "requires_improvement", "good", "inadequate")
RATINGS = ("low", "medium", "low", "high")
AGENDA = [
    {"heading": "Risk rating: medium", "lines": ["2 actions overdue: +2", "1 KPI return: +1"]},
    {"heading": "Open actions", "lines": ["Update the risk assessments: open"]},
    {"heading": "Contracts and delivery", "lines": ["CO-1 ‘Support’: delivery up to date"]},
]


def _checklist(connection: Connection) -> int:
    """The checklist the visits pin: the one loaded already, or a placeholder version."""
    table = _table("checklist_versions")
    found = connection.scalar(select(table.c.id).order_by(table.c.version.desc()).limit(1))
    if found:
        return found
    new_id = _next_id(connection, "checklist_versions")
    bulk_insert(
        connection,
        table,
        ["id", "version", "title", "content", "digest", "loaded_at"],
        [(new_id, 1, "Bench checklist", {"sections": []}, "0" * 64, utcnow())],
    )
    return new_id


def seed_quality(connection, result, plan, staff, template) -> None:
    tables = _table("admissions").metadata.tables
    if "quality_visits" not in tables:
        result.notes.append("Quality: not built yet, no quality data seeded.")
        return
    admissions = _table("admissions")
    ids = sorted(
        set(
            connection.scalars(
                select(admissions.c.organisation_id).where(admissions.c.status != "removed")
            )
        )
    )
    if not ids:
        return
    reviewers = staff[REVIEWER]
    on, now = today(), utcnow()
    checklist = _checklist(connection)
    visit_id = _next_id(connection, "quality_visits")
    visits = [
        (visit_id + n * VISITS_EACH + k, organisation_id, checklist, "published", "announced",
         "on_site", [], "", on - timedelta(days=400 - 180 * k), reviewers[0],
         on - timedelta(days=400 - 180 * k), reviewers[0], JUDGEMENTS[(n + k) % len(JUDGEMENTS)],
         "Findings from the visit.", _moment(on, -(390 - 180 * k)))
        for n, organisation_id in enumerate(ids)
        for k in range(VISITS_EACH)
    ]  # fmt: skip
    bulk_insert(
        connection,
        _table("quality_visits"),
        ["id", "organisation_id", "checklist_version_id", "status", "notice", "mode", "lot_ids",
         "sites", "planned_on", "planned_by_id", "visited_on", "recorded_by_id", "judgement",
         "summary", "published_at"],
        visits,
    )  # fmt: skip
    meeting_id = _next_id(connection, "quality_meetings")
    meetings = []
    for n, organisation_id in enumerate(ids):
        for k in range(HELD_MEETINGS_EACH):
            held_on = on - timedelta(days=300 - 120 * k)
            meetings.append(
                (meeting_id + len(meetings), organisation_id, "held", held_on, held_on,
                 RATINGS[n % len(RATINGS)], AGENDA, reviewers[0], held_on, "Council and provider",
                 "We went through the agenda.", reviewers[0], _moment(held_on, 0))
            )  # fmt: skip
        if n % 3 == 0:
            meets_on = on + timedelta(days=14 + n % 40)
            meetings.append(
                (meeting_id + len(meetings), organisation_id, "scheduled", meets_on, meets_on,
                 RATINGS[n % len(RATINGS)], AGENDA, reviewers[0], None, "", "", None, None)
            )  # fmt: skip
    bulk_insert(
        connection,
        _table("quality_meetings"),
        ["id", "organisation_id", "status", "due_on", "meets_on", "risk", "agenda",
         "scheduled_by_id", "held_on", "attendees", "minutes", "minuted_by_id", "minuted_at"],
        meetings,
    )  # fmt: skip
    held = [row for row in meetings if row[2] == "held"]
    owners = {row[0]: row[1] for row in held}
    # Each first id is read before its COPY starts: the connection is busy with it after.
    comment_id = _next_id(connection, "quality_meeting_comments")
    bulk_insert(
        connection,
        _table("quality_meeting_comments"),
        ["id", "meeting_id", "author_id", "body", "created_at"],
        (
            (comment_id + n, row[0], reviewers[0],
             "Thank you: agreed.", _moment(row[8], 1))
            for n, row in enumerate(held)
        ),
    )  # fmt: skip
    # Per provider: from its first visit, one closed and one open (overdue for every other
    # provider); from each held meeting, one open and due.
    first_meeting = {}
    for row in held:
        first_meeting.setdefault(owners[row[0]], []).append(row[0])
    action_id = _next_id(connection, "quality_actions")
    actions = []
    for n, organisation_id in enumerate(ids):
        visit = visit_id + n * VISITS_EACH
        due_open = on - timedelta(days=10) if n % 2 else on + timedelta(days=20)
        actions += [
            (organisation_id, visit, None, "Update the risk assessments", on - timedelta(60),
             "closed"),
            (organisation_id, visit, None, "Sample the single central record", due_open, "open"),
            *((organisation_id, None, meeting, "Send the attendance registers",
               on + timedelta(days=30), "open") for meeting in first_meeting[organisation_id]),
        ]  # fmt: skip
    bulk_insert(
        connection,
        _table("quality_actions"),
        ["id", "organisation_id", "visit_id", "meeting_id", "title", "detail", "owner", "due_on",
         "status", "created_by_id", "created_at", "closed_at"],
        (
            (action_id + n, org, visit, meeting, title, "", "The manager", due, status,
             reviewers[0], now, now if status == "closed" else None)
            for n, (org, visit, meeting, title, due, status) in enumerate(actions)
        ),
    )  # fmt: skip
    risk_id = _next_id(connection, "provider_risks")
    bulk_insert(
        connection,
        _table("provider_risks"),
        ["id", "organisation_id", "rating", "reasons", "rated_at", "since"],
        (
            (risk_id + n, organisation_id,
             RATINGS[n % len(RATINGS)], [], now, now)
            for n, organisation_id in enumerate(ids)
        ),
    )  # fmt: skip
    for n, person in enumerate(result.reviewers):
        person["organisation_id"] = ids[(n * max(1, len(ids) // len(result.reviewers))) % len(ids)]
    result.notes.append(
        f"Quality seeded: {len(visits):,} visits, {len(meetings):,} meetings, "
        f"{len(actions):,} actions, {len(ids):,} risk ratings."
    )


def _moment(day, days: int) -> datetime:
    return datetime.combine(day + timedelta(days=days), datetime.min.time(), tzinfo=UTC)
