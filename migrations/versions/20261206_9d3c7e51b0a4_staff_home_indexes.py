"""indexes for the staff's home pages: documents needing attention, outcomes to decide

Revision ID: 9d3c7e51b0a4
Revises: 5e2f3a4b6c7d
Create Date: 2026-12-06 14:30:00

The reviewers' home counts the documents needing attention on every view. It starts from the
versions that could (a date expired, expiring or past review; a file not plainly clean), found
by index, instead of working out every document's current version. The commissioners' home
lists and counts the outcomes with evidence to decide, and counts the statements waiting for
approval, from indexes of those alone.
"""

import sqlalchemy as sa
from alembic import op

revision = "9d3c7e51b0a4"
down_revision = "5e2f3a4b6c7d"
branch_labels = None
depends_on = None

# portal/documents/models.py NEEDING_ATTENTION, as it was when this migration was written.
NEEDING_ATTENTION = (
    "scan_state <> 'clean' OR removed_at IS NOT NULL OR removed_reason = 'retention'"
)


def upgrade() -> None:
    op.create_index(op.f("ix_document_versions_review_date"), "document_versions", ["review_date"])
    op.create_index(
        "ix_stored_files_needing_attention",
        "stored_files",
        ["id"],
        postgresql_where=sa.text(NEEDING_ATTENTION),
        sqlite_where=sa.text(NEEDING_ATTENTION),
    )

    op.create_index(
        "ix_contract_outcomes_evidenced",
        "contract_outcomes",
        ["evidenced_at", "id"],
        postgresql_where=sa.text("status = 'evidenced'"),
        sqlite_where=sa.text("status = 'evidenced'"),
    )

    op.create_index(
        "ix_statements_waiting",
        "statements",
        ["issued_at"],
        postgresql_where=sa.text("status = 'waiting'"),
        sqlite_where=sa.text("status = 'waiting'"),
    )


def downgrade() -> None:
    op.drop_index("ix_statements_waiting", table_name="statements")
    op.drop_index("ix_contract_outcomes_evidenced", table_name="contract_outcomes")
    op.drop_index("ix_stored_files_needing_attention", table_name="stored_files")
    op.drop_index(op.f("ix_document_versions_review_date"), table_name="document_versions")
