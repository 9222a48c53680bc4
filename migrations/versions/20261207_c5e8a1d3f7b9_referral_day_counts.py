"""referral day counts: started referrals counted by type of service, team, urgency and school
days to start, kept by triggers

Revision ID: c5e8a1d3f7b9
Revises: a7c9e1f3b5d2
Create Date: 2026-12-07 02:00:00

The time-to-place dashboard counted every started referral on every view (10,500 at ten times
the council's size, by a scan of ix_referrals_started_figures) to add up its figures by type of
service, team and urgency. It now reads these counts: a row for each type of service, team,
urgency and number of school days, a few hundred whatever the number of referrals
(portal/referrals/models.py ReferralDayCount).

The database keeps them, as monthly_spend (b8d5f3a20c46) and kpi_month_tallies (a7c9e1f3b5d2):
row triggers on referrals add a referral when it is written started, and take it away and add
it again when what it is counted under changes or it is removed. The index the scan used goes:
nothing else reads referrals by those columns.
"""

# The triggers' SQL is put together from this file's own constants (table, column and state
# names), never from anything a user typed.
# ruff: noqa: S608

import sqlalchemy as sa
from alembic import op

revision = "c5e8a1d3f7b9"
down_revision = "a7c9e1f3b5d2"
branch_labels = None
depends_on = None

# portal/referrals/models.py STARTED, as it was when this migration was written.
STARTED = "'started'"
KEY = "lot_id, team, urgency, days"


def _counted(row: str) -> str:
    """`row` (NEW or OLD) is counted: started, with its school days stored."""
    return f"{row}.status = {STARTED} AND {row}.school_days_to_start IS NOT NULL"


def _count(row: str, sign: str) -> str:
    """Add `sign` to the count of `row`'s type of service, team, urgency and days, when it is
    counted."""
    return (
        f"INSERT INTO referral_day_counts ({KEY}, n) "
        f"SELECT {row}.lot_id, {row}.team, {row}.urgency, {row}.school_days_to_start, {sign} "
        f"WHERE {_counted(row)} "
        "ON CONFLICT (lot_id, team, urgency, days) DO UPDATE SET n = referral_day_counts.n + "
        "excluded.n"
    )


TRIGGERS = (
    ("referral_day_counts_added", "INSERT", _counted("NEW"), [_count("NEW", "1")]),
    ("referral_day_counts_changed", "UPDATE OF status, lot_id, team, urgency, school_days_to_start",
     f"({_counted('OLD')}) OR ({_counted('NEW')})", [_count("OLD", "-1"), _count("NEW", "1")]),
    ("referral_day_counts_removed", "DELETE", _counted("OLD"), [_count("OLD", "-1")]),
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "referral_day_counts",
        sa.Column("lot_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("team", sa.String(length=60), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "lot_id", "team", "urgency", "days", name=op.f("pk_referral_day_counts")
        ),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    # The triggers first: on PostgreSQL creating them locks the table against writes until this
    # transaction ends, so nothing written meanwhile is missed by the counts below.
    for name, event, when, statements in TRIGGERS:
        body = "".join(f"{statement};\n" for statement in statements)
        if postgresql:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$\n"
                f"BEGIN\n{body}RETURN NULL;\nEND;\n$$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON referrals "
                f"FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {name}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON referrals "
                f"FOR EACH ROW WHEN {when} BEGIN\n{body}END"
            )
    op.execute(
        f"INSERT INTO referral_day_counts ({KEY}, n) "
        "SELECT lot_id, team, urgency, school_days_to_start, count(*) FROM referrals "
        f"WHERE status = {STARTED} AND school_days_to_start IS NOT NULL "
        "GROUP BY lot_id, team, urgency, school_days_to_start"
    )
    op.drop_index("ix_referrals_started_figures", table_name="referrals")


def downgrade() -> None:
    op.create_index(
        "ix_referrals_started_figures",
        "referrals",
        ["status", "lot_id", "team", "urgency", "school_days_to_start"],
        unique=False,
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, _event, _when, _statements in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON referrals" if postgresql else f"DROP TRIGGER {name}")
        if postgresql:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("referral_day_counts")
