"""count wrong passwords and account emails per address, atomically

Revision ID: c3d4e5f6a7b8
Revises: a7b8c9d0e1f2
Create Date: 2026-12-06 02:00:00

The lockout counter lived on the user row and was read, added to in Python and written back, so
simultaneous wrong passwords lost counts; and an address without an account never locked, so
the lock message told an attacker which addresses had accounts. Counts now live per address
typed (as a keyed hash), whether or not it has an account, and are added to in one statement.
"""

import sqlalchemy as sa
from alembic import op

from portal.core.db import UTCDateTime

revision = "c3d4e5f6a7b8"
down_revision = "a7b8c9d0e1f2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "address_brakes",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_started_at", UTCDateTime(), nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_address_brakes")),
    )
    op.create_index(
        op.f("ix_address_brakes_window_started_at"),
        "address_brakes",
        ["window_started_at"],
        unique=False,
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("failed_sign_ins")
        batch_op.drop_column("locked_until")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False)
        )
    op.drop_index(op.f("ix_address_brakes_window_started_at"), table_name="address_brakes")
    op.drop_table("address_brakes")
