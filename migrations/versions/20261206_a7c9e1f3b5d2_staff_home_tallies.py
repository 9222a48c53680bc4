"""staff home tallies: submitted KPI returns counted by month, and each provider's meeting
bases (first admitted, last met, next scheduled and due), kept by triggers; open actions
and escalations indexed

Revision ID: a7c9e1f3b5d2
Revises: a5d0793f2728
Create Date: 2026-12-06 22:20:00

The council's home pages and the review meetings calendar worked these out from the whole
history on every request, at ten times the council's size: "KPI returns to check" counted
every submitted return (35,000, all of them stay submitted) to find the few in months not yet
locked; "meetings to schedule" and the calendar grouped every admission and every meeting ever
held per provider, then added months to each provider's date by its risk rating in SQL. They
now read kpi_month_tallies (a row a month) and quality_meeting_bases (a row per provider, its
next meeting's due date kept) (portal/kpi_returns/models.py KpiMonthTally,
portal/quality/models.py MeetingBasis).

The database keeps both, as monthly_spend (b8d5f3a20c46), so they cannot drift from the rows
they come from whatever writes them: row triggers on kpi_returns add and take away a return
as it is submitted, moved or removed; row triggers on admissions, quality_meetings and
provider_risks work their provider's bases out again from its own rows (a handful, by index)
whenever one is written or removed. Written once here and installed as PL/pgSQL functions on
PostgreSQL and as trigger bodies on SQLite. The months between meetings by rating
(MEETING_MONTHS) are written into the triggers: a change to them needs a migration that
installs them again and works every provider's due date out afresh.

Overdue quality actions are counted from an index of the open ones by due date, and open KPI
escalations counted and the oldest listed from an index of the open ones by when they opened
(both were read from every action and escalation ever opened).
"""

# The triggers' SQL is put together from this file's own constants (table, column and state
# names), never from anything a user typed.
# ruff: noqa: S608

import sqlalchemy as sa
from alembic import op

revision = "a7c9e1f3b5d2"
down_revision = "a5d0793f2728"
branch_labels = None
depends_on = None

# portal/kpi_returns/models.py SUBMITTED and OPEN, portal/admissions/models.py REMOVED and
# portal/quality/models.py MEETING_HELD, MEETING_SCHEDULED and ACTION_OPEN, as they were when
# this migration was written (an escalation and an action are both open as 'open').
SUBMITTED = "'submitted'"
REMOVED = "'removed'"
HELD, SCHEDULED = "'held'", "'scheduled'"
OPEN = "'open'"
# portal/quality/models.py LOW and MEETING_MONTHS: how many months apart a provider's review
# meetings are by its risk rating (none kept: low).
LOW = "'low'"
MEETING_MONTHS = (("high", 3), ("medium", 6), ("low", 12))


def _tally(row: str, sign: str) -> str:
    """Add `sign` to the submitted count of `row`'s (NEW or OLD) month, when it is submitted."""
    return (
        f"INSERT INTO kpi_month_tallies (month, submitted) "
        f"SELECT {row}.month, {sign} WHERE {row}.status = {SUBMITTED} "
        f"ON CONFLICT (month) DO UPDATE SET submitted = kpi_month_tallies.submitted + "
        "excluded.submitted"
    )


def _due(base: str, count: str, postgresql: bool) -> str:
    """`count` months after the date `base`, the day kept but never past the end of that month
    (31 January + 1 month is 28 February), as portal/quality/services/meetings.py
    _add_months works it out. PostgreSQL's date arithmetic keeps to the month's end itself."""
    if postgresql:
        return f"CAST({base} + make_interval(months => {count}) AS date)"
    first = f"date({base}, 'start of month', '+' || {count} || ' months')"
    return (
        f"min(date({first}, '+' || (CAST(strftime('%d', {base}) AS INTEGER) - 1) || ' days'), "
        f"date({first}, '+1 month', '-1 day'))"
    )


def _bases_of(organisations: str, postgresql: bool) -> str:
    """A SELECT of the meeting bases of the organisations `organisations` (a FROM clause naming
    them `o.id`) worked out from their admissions, meetings and kept risk rating."""
    # The London date of the first admission (SQLite keeps no zone: there, its UTC date), as
    # portal/quality/services/meeting_calendar.py _london_date.
    joined = (
        "CAST(timezone('Europe/London', b.admitted_at) AS date)"
        if postgresql
        else "date(b.admitted_at)"
    )
    months = " ".join(f"WHEN '{level}' THEN {count}" for level, count in MEETING_MONTHS)
    return (
        "SELECT b.organisation_id, b.admitted_at, b.held_on, b.meets_on, "
        f"{_due(f'coalesce(b.held_on, {joined})', 'b.months', postgresql)} "
        "FROM (SELECT o.id AS organisation_id, "
        "(SELECT min(a.admitted_at) FROM admissions a "
        f"WHERE a.organisation_id = o.id AND a.status <> {REMOVED}) AS admitted_at, "
        "(SELECT max(m.held_on) FROM quality_meetings m "
        f"WHERE m.organisation_id = o.id AND m.status = {HELD}) AS held_on, "
        "(SELECT min(m.meets_on) FROM quality_meetings m "
        f"WHERE m.organisation_id = o.id AND m.status = {SCHEDULED}) AS meets_on, "
        f"CASE coalesce((SELECT r.rating FROM provider_risks r WHERE r.organisation_id = o.id), "
        f"{LOW}) {months} END AS months "
        f"FROM {organisations}) AS b WHERE true"  # SQLite: so ON CONFLICT is not read as a join's
    )


def _bases(organisation: str, postgresql: bool) -> list[str]:
    """Work out the meeting bases of `organisation` (NEW.organisation_id or OLD.organisation_id)
    again.

    On PostgreSQL its row is locked first, by a statement of its own: two transactions writing
    the same provider's rows at once (the nightly rating and a meeting scheduled) then take
    turns, and the second works the bases out after the first has committed, in a snapshot of
    its own statement that sees the first's rows. Worked out in the same statement as the lock,
    the second would write what it read before the first committed, and leave the row stale.
    SQLite has one writer at a time."""
    work_out = (
        "INSERT INTO quality_meeting_bases "
        "(organisation_id, admitted_at, held_on, meets_on, due_on) "
        f"{_bases_of(f'(SELECT {organisation} AS id) AS o', postgresql)} "
        "ON CONFLICT (organisation_id) DO UPDATE SET admitted_at = excluded.admitted_at, "
        "held_on = excluded.held_on, meets_on = excluded.meets_on, due_on = excluded.due_on"
    )
    if not postgresql:
        return [work_out]
    lock = (
        f"INSERT INTO quality_meeting_bases (organisation_id) VALUES ({organisation}) "
        "ON CONFLICT (organisation_id) DO UPDATE SET organisation_id = excluded.organisation_id"
    )
    return [lock, work_out]


def _triggers(postgresql: bool) -> tuple[tuple[str, str, str, str, list[str]], ...]:
    """(name, table, event, when, statements): each runs after the row is written."""

    def bases(*organisations: str) -> list[str]:
        return [
            statement
            for organisation in organisations
            for statement in _bases(organisation, postgresql)
        ]

    return (
        ("kpi_month_tallies_added", "kpi_returns", "INSERT", f"NEW.status = {SUBMITTED}",
         [_tally("NEW", "1")]),
        ("kpi_month_tallies_changed", "kpi_returns", "UPDATE OF status, month",
         f"OLD.status = {SUBMITTED} OR NEW.status = {SUBMITTED}",
         [_tally("OLD", "-1"), _tally("NEW", "1")]),
        ("kpi_month_tallies_removed", "kpi_returns", "DELETE", f"OLD.status = {SUBMITTED}",
         [_tally("OLD", "-1")]),
        ("quality_meeting_bases_admission_added", "admissions", "INSERT", "true",
         bases("NEW.organisation_id")),
        ("quality_meeting_bases_admission_changed", "admissions",
         "UPDATE OF status, admitted_at, organisation_id", "true",
         bases("OLD.organisation_id", "NEW.organisation_id")),
        ("quality_meeting_bases_admission_removed", "admissions", "DELETE", "true",
         bases("OLD.organisation_id")),
        ("quality_meeting_bases_meeting_added", "quality_meetings", "INSERT", "true",
         bases("NEW.organisation_id")),
        ("quality_meeting_bases_meeting_changed", "quality_meetings",
         "UPDATE OF status, held_on, meets_on, organisation_id", "true",
         bases("OLD.organisation_id", "NEW.organisation_id")),
        ("quality_meeting_bases_meeting_removed", "quality_meetings", "DELETE", "true",
         bases("OLD.organisation_id")),
        ("quality_meeting_bases_risk_added", "provider_risks", "INSERT", "true",
         bases("NEW.organisation_id")),
        ("quality_meeting_bases_risk_changed", "provider_risks",
         "UPDATE OF rating, organisation_id", "true",
         bases("OLD.organisation_id", "NEW.organisation_id")),
        ("quality_meeting_bases_risk_removed", "provider_risks", "DELETE", "true",
         bases("OLD.organisation_id")),
    )  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "kpi_month_tallies",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("submitted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_kpi_month_tallies")),
    )
    op.create_table(
        "quality_meeting_bases",
        sa.Column("organisation_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("admitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("meets_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_quality_meeting_bases")),
    )
    op.create_index(
        "ix_quality_actions_open_due_on",
        "quality_actions",
        ["due_on"],
        postgresql_where=sa.text(f"status = {OPEN}"),
        sqlite_where=sa.text(f"status = {OPEN}"),
    )
    op.create_index(
        "ix_kpi_escalations_open_opened_at",
        "kpi_escalations",
        ["opened_at", "id"],
        postgresql_where=sa.text(f"status = {OPEN}"),
        sqlite_where=sa.text(f"status = {OPEN}"),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    # The triggers first: on PostgreSQL creating them locks the tables against writes until
    # this transaction ends, so nothing written meanwhile is missed by the figures below.
    for name, table, event, when, statements in _triggers(postgresql):
        body = "".join(f"{statement};\n" for statement in statements)
        if postgresql:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$\n"
                f"BEGIN\n{body}RETURN NULL;\nEND;\n$$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {name}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"FOR EACH ROW WHEN {when} BEGIN\n{body}END"
            )
    op.execute(
        "INSERT INTO kpi_month_tallies (month, submitted) "
        f"SELECT month, count(*) FROM kpi_returns WHERE status = {SUBMITTED} GROUP BY month"
    )
    op.execute(
        "INSERT INTO quality_meeting_bases "
        "(organisation_id, admitted_at, held_on, meets_on, due_on) "
        + _bases_of(
            "organisations o WHERE EXISTS (SELECT 1 FROM admissions a "
            "WHERE a.organisation_id = o.id) OR EXISTS (SELECT 1 FROM quality_meetings m "
            "WHERE m.organisation_id = o.id)",
            postgresql,
        )
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table, _event, _when, _statements in _triggers(postgresql):
        op.execute(f"DROP TRIGGER {name} ON {table}" if postgresql else f"DROP TRIGGER {name}")
        if postgresql:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_index("ix_kpi_escalations_open_opened_at", table_name="kpi_escalations")
    op.drop_index("ix_quality_actions_open_due_on", table_name="quality_actions")
    op.drop_table("quality_meeting_bases")
    op.drop_table("kpi_month_tallies")
