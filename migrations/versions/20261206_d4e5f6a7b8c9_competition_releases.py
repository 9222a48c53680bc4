"""keep every OCDS release of a competition, and how many units the council buys

Revision ID: d4e5f6a7b8c9
Revises: c3d4e5f6a7b8
Create Date: 2026-12-06 02:10:00

A competition's address served only its latest release, so the tender vanished once it was
awarded. Each release is now stored as published. The award's published value was the unit rate;
it is the rate times the units the council plans to buy, kept on the competition.
"""

import sqlalchemy as sa
from alembic import op

import portal.core.db

revision = "d4e5f6a7b8c9"
down_revision = "c3d4e5f6a7b8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_units", sa.Integer(), nullable=True))
    op.create_table(
        "competition_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=30), nullable=False),
        sa.Column("released_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["competitions.id"],
            name=op.f("fk_competition_releases_competition_id_competitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competition_releases")),
        sa.UniqueConstraint(
            "competition_id", "number", name=op.f("uq_competition_releases_competition_id_number")
        ),
    )


def downgrade() -> None:
    op.drop_table("competition_releases")
    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.drop_column("planned_units")
