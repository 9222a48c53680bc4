"""KPI escalations raised by hand: who opened one and why, and the trigger that says so.

Revision ID: c8c1d2e3f4a5
Revises: d1e2f3a4b5c6
Create Date: 2026-11-26 01:40:07.848998
"""

import sqlalchemy as sa
from alembic import op

revision = "c8c1d2e3f4a5"
down_revision = "d1e2f3a4b5c6"
branch_labels = None
depends_on = None

OLD_TRIGGERS = "trigger IN ('two_inadequate', 'three_requires_improvement', 'missing_return')"
NEW_TRIGGERS = (
    "trigger IN ('two_inadequate', 'three_requires_improvement', 'missing_return', "
    "'raised_by_council')"
)


def upgrade() -> None:
    with op.batch_alter_table("kpi_escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opened_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("open_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_kpi_escalations_opened_by_id_users"),
            "users",
            ["opened_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint(batch_op.f("ck_kpi_escalations_trigger"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_kpi_escalations_trigger"), NEW_TRIGGERS)


def downgrade() -> None:
    op.execute("DELETE FROM kpi_escalations WHERE trigger = 'raised_by_council'")
    with op.batch_alter_table("kpi_escalations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_kpi_escalations_trigger"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_kpi_escalations_trigger"), OLD_TRIGGERS)
        batch_op.drop_constraint(
            batch_op.f("fk_kpi_escalations_opened_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("open_reason")
        batch_op.drop_column("opened_by_id")
