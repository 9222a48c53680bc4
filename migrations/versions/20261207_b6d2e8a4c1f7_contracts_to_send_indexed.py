"""the contracts waiting to be completed and sent indexed

Revision ID: b6d2e8a4c1f7
Revises: b6d1e3f8a2c4
Create Date: 2026-12-07 07:00:00

The commissioner's home lists the drafts made from awards and not yet sent, oldest first, and
counts them. It found them by ix_contracts_status (every draft, sent or not) and read each
draft's row for sent_at: 630 pages at ten times the council's size for a count of 1,200. A
partial index of those drafts by id answers both the count and the first ten from the index
alone. The home writes the status into its SQL (not as a parameter), so a prepared
statement's generic plan can use the index too.
"""

from alembic import op
from sqlalchemy import text

revision = "b6d2e8a4c1f7"
down_revision = "b6d1e3f8a2c4"
branch_labels = None
depends_on = None

TO_SEND = text("status = 'draft' AND sent_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_contracts_to_send", "contracts", ["id"], postgresql_where=TO_SEND, sqlite_where=TO_SEND
    )


def downgrade() -> None:
    op.drop_index("ix_contracts_to_send", table_name="contracts")
