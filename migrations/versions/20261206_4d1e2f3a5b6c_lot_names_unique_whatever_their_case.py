"""lot names unique whatever their case

Revision ID: 4d1e2f3a5b6c
Revises: 3c0f1a2b4d5e
Create Date: 2026-12-06 08:00:00

The lots page checks a new name against the others case-insensitively, but two admins renaming
two lots to the same name in different cases at once could both land: the slug never changes
on a rename, so its unique key cannot refuse the second. An index on lower(name) does.
"""

import sqlalchemy as sa
from alembic import op

revision = "4d1e2f3a5b6c"
down_revision = "3c0f1a2b4d5e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("uq_lots_name_lower", "lots", [sa.text("lower(name)")], unique=True)


def downgrade() -> None:
    op.drop_index("uq_lots_name_lower", table_name="lots")
