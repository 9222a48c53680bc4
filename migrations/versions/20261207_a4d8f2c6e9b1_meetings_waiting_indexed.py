"""the meetings waiting for the quality officers indexed

Revision ID: a4d8f2c6e9b1
Revises: c9e4a7b2d5f3
Create Date: 2026-12-07 07:40:00

The quality officers' home (and every reviewer's who may assure quality) lists the scheduled
meetings whose day has passed without minutes, oldest first, and counts the providers due a
meeting within a month with none scheduled. The first read every scheduled meeting's row by
ix_quality_meetings_status and sorted them; the second read every provider's kept basis. Two
partial indexes answer them from the index: the scheduled meetings by day, and the providers
with none scheduled by the day they fall due. The home writes the status into its SQL (not as
a parameter), so a prepared statement's generic plan can use the first too.
"""

from alembic import op
from sqlalchemy import text

revision = "a4d8f2c6e9b1"
down_revision = "c9e4a7b2d5f3"
branch_labels = None
depends_on = None

SCHEDULED = text("status = 'scheduled'")
UNSCHEDULED = text("meets_on IS NULL AND admitted_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_quality_meetings_scheduled_on",
        "quality_meetings",
        ["meets_on", "id"],
        postgresql_where=SCHEDULED,
        sqlite_where=SCHEDULED,
    )
    op.create_index(
        "ix_quality_meeting_bases_unscheduled_due_on",
        "quality_meeting_bases",
        ["due_on"],
        postgresql_where=UNSCHEDULED,
        sqlite_where=UNSCHEDULED,
    )


def downgrade() -> None:
    op.drop_index("ix_quality_meeting_bases_unscheduled_due_on", table_name="quality_meeting_bases")
    op.drop_index("ix_quality_meetings_scheduled_on", table_name="quality_meetings")
