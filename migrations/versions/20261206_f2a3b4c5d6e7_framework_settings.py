"""framework settings admins change in the portal

Revision ID: f2a3b4c5d6e7
Revises: e1f2a3b4c5d6
Create Date: 2026-12-06 05:00:00

The council's business rules (review service level, KPI due day, four-eyes approval, DBS and
training ages, the call-off method text) needed an environment variable and a restart. A saved
value is kept here and wins over the environment's default; a setting with no row keeps it.
"""

import sqlalchemy as sa
from alembic import op

import portal.core.db

revision = "f2a3b4c5d6e7"
down_revision = "e1f2a3b4c5d6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "framework_settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_framework_settings_updated_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_framework_settings")),
    )


def downgrade() -> None:
    op.drop_table("framework_settings")
