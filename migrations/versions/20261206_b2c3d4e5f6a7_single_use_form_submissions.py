"""single-use form submissions kept in the database

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
Create Date: 2026-12-06 02:00:00

Double-click protection kept its memory in the session cookie, so two identical POSTs at the same
moment both went ahead (five made five documents). Each form submission id is now claimed by a
row of its own (portal/core/submissions.py).
"""

import sqlalchemy as sa
from alembic import op

from portal.core.db import UTCDateTime

revision = "b2c3d4e5f6a7"
down_revision = "a1b2c3d4e5f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_submissions",
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.Column("result_url", sa.String(length=2000), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("owner", "submission_id", name=op.f("pk_form_submissions")),
    )


def downgrade() -> None:
    op.drop_table("form_submissions")
