"""audit log filters read in order; when each person last signed in

Revision ID: e1f2a3b4c5d6
Revises: d4e5f6a7b8c9
Create Date: 2026-12-06 05:00:00

The audit log page filters events by who, what, which record and organisation, newest first, a
page at a time: each filter gets an index ending in (occurred_at, id), which replaces the single
column indexes on action and organisation_id. The staff list shows each person's last sign-in,
kept on the user row from now on and filled from the audit log for the past.
"""

import sqlalchemy as sa
from alembic import op

from portal.core.db import UTCDateTime

revision = "e1f2a3b4c5d6"
down_revision = "d4e5f6a7b8c9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))
        batch_op.drop_index(batch_op.f("ix_audit_events_organisation_id"))
        batch_op.create_index(
            "ix_audit_events_action_moment", ["action", "occurred_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_audit_events_actor_moment", ["actor_id", "occurred_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_audit_events_object_moment",
            ["object_type", "object_id", "occurred_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_audit_events_organisation_moment",
            ["organisation_id", "occurred_at", "id"],
            unique=False,
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_signed_in_at", UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE users SET last_signed_in_at = ("
        "SELECT max(occurred_at) FROM audit_events "
        "WHERE audit_events.actor_id = users.id AND audit_events.action = 'account.signed_in')"
    )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("last_signed_in_at")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_organisation_moment")
        batch_op.drop_index("ix_audit_events_object_moment")
        batch_op.drop_index("ix_audit_events_actor_moment")
        batch_op.drop_index("ix_audit_events_action_moment")
        batch_op.create_index(
            batch_op.f("ix_audit_events_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
