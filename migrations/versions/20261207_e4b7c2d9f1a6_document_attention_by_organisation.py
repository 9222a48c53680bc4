"""an index of current document versions by organisation then attention_from, for the
reviewers' providers list's count of each provider's documents needing attention

Revision ID: e4b7c2d9f1a6
Revises: b2e8c4f1a9d3
Create Date: 2026-12-07 02:40:00

The list counts, for each of its fifty providers, the documents whose current version needs
attention. It looked up each of their documents' current version by number and joined its file
(about 1,250 at ten times the council's size). The versions keep what that needs (is_current,
attention_from, file_attention and the dates; migrations a5d0793f2728 and c3e8a1f0d942), but the
index holding them, ix_document_versions_attention, leads with attention_from for the reviewers'
list of documents: counted from it, PostgreSQL read every current version needing attention
(18,000) for fifty providers. This one leads with the organisation, so the count reads each
provider's own entries from it alone (0.2 ms).
"""

import sqlalchemy as sa
from alembic import op

revision = "e4b7c2d9f1a6"
down_revision = "b2e8c4f1a9d3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    current = "is_current" if postgresql else "is_current = 1"
    op.create_index(
        "ix_document_versions_organisation_attention",
        "document_versions",
        [
            "document_organisation_id",
            "attention_from",
            "file_attention",
            "expiry_date",
            "review_date",
        ],
        postgresql_where=sa.text(current),
        sqlite_where=sa.text(current),
    )


def downgrade() -> None:
    op.drop_index("ix_document_versions_organisation_attention", table_name="document_versions")
