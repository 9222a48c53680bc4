"""count a competition's invitations once, at publication

Revision ID: f5a6b7c8d9e0
Revises: e4f5a6b7c8d9
Create Date: 2026-11-26 04:20:00

The list of competitions counted every invitation of every competition on the page (a thousand
each at ten times the council's size). The number invited is now kept on the competition when
it is published, and declines, which are few, are counted through an index of their own.
"""

import sqlalchemy as sa
from alembic import op

revision = "f5a6b7c8d9e0"
down_revision = "e4f5a6b7c8d9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("invited_count", sa.Integer(), server_default="0", nullable=False)
        )
    op.execute(
        "UPDATE competitions SET invited_count = (SELECT count(*) FROM competition_invitations"
        " WHERE competition_invitations.competition_id = competitions.id)"
    )
    op.create_index(
        "ix_competition_invitations_declined",
        "competition_invitations",
        ["competition_id"],
        postgresql_where=sa.text("declined_at IS NOT NULL"),
        sqlite_where=sa.text("declined_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_competition_invitations_declined", table_name="competition_invitations")
    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.drop_column("invited_count")
