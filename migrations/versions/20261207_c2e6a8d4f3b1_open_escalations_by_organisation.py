"""open KPI escalations indexed by organisation (the reviewers' providers list)

Revision ID: c2e6a8d4f3b1
Revises: b7d3f9a2c6e4
Create Date: 2026-12-07 15:40:00

The reviewers' providers list counts each provider's open escalations in its page's statement
(kpi_returns/escalations.py open_escalation_count). By organisation alone, PostgreSQL read
each of a provider's escalations from the table to find the open ones, most of them closed;
from a partial index of the open ones (a few hundred at ten times the council's size) it
counts them from the index alone: the page's statement 1.36 -> 1.22 ms of PostgreSQL CPU.
"""

import sqlalchemy as sa
from alembic import op

revision = "c2e6a8d4f3b1"
down_revision = "b7d3f9a2c6e4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_kpi_escalations_open_organisation",
        "kpi_escalations",
        ["organisation_id", "id"],
        postgresql_where=sa.text("status = 'open'"),
        sqlite_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    op.drop_index("ix_kpi_escalations_open_organisation", table_name="kpi_escalations")
