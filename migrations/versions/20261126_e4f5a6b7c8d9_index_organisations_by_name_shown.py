"""index organisations by the name shown

Revision ID: e4f5a6b7c8d9
Revises: c8c1d2e3f4a5
Create Date: 2026-11-26 04:05:00

Lists of providers (the public list, the KPI dashboard) are in the order of the name shown,
lower-cased: the trading name, else the legal name. With this index the database reads one
page of them in that order instead of sorting every organisation on every request.
"""

import sqlalchemy as sa
from alembic import op

revision = "e4f5a6b7c8d9"
down_revision = "c8c1d2e3f4a5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # see NAME_SHOWN in portal/organisations/models.py
    op.create_index(
        "ix_organisations_name_shown",
        "organisations",
        [sa.text("lower(coalesce(trading_name, legal_name))"), "id"],
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_organisations_name_shown", table_name="organisations")
