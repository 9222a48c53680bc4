"""indexes for the spend report: a period's approved statements, their money lines, the
contracts starting and the outcomes decided in it

Revision ID: a7c4e2f19b35
Revises: 9d3c7e51b0a4
Create Date: 2026-12-06 15:20:00

The spend report adds up a financial year's approved statements (178,000 of 480,000 at ten
times the council's size) and their held-back and outcome lines. Partial indexes holding every
column those sums read let PostgreSQL find the year's approved statements by month and read
them, and the money lines, from the index alone (on a vacuumed table) instead of from the
tables; the contracts starting and the outcomes decided in the period are found by index
instead of by reading the whole table.
"""

import sqlalchemy as sa
from alembic import op

revision = "a7c4e2f19b35"
down_revision = "9d3c7e51b0a4"
branch_labels = None
depends_on = None

# portal/contracts/models.py STATEMENT_APPROVED, LINE_HELD_BACK and LINE_OUTCOME, as they were
# when this migration was written.
APPROVED = "status = 'approved'"
MONEY = "kind IN ('held_back', 'outcome')"


def upgrade() -> None:
    op.create_index("ix_contracts_start_on", "contracts", ["start_on"])
    op.create_index("ix_contract_outcomes_decided_at", "contract_outcomes", ["decided_at"])
    op.create_index(
        "ix_statements_approved_month",
        "statements",
        ["month", "contract_id", "net_pence", "id"],
        postgresql_where=sa.text(APPROVED),
        sqlite_where=sa.text(APPROVED),
    )
    op.create_index(
        "ix_statement_lines_money",
        "statement_lines",
        ["statement_id", "kind", "amount_pence"],
        postgresql_where=sa.text(MONEY),
        sqlite_where=sa.text(MONEY),
    )


def downgrade() -> None:
    op.drop_index("ix_statement_lines_money", table_name="statement_lines")
    op.drop_index("ix_statements_approved_month", table_name="statements")
    op.drop_index("ix_contract_outcomes_decided_at", table_name="contract_outcomes")
    op.drop_index("ix_contracts_start_on", table_name="contracts")
