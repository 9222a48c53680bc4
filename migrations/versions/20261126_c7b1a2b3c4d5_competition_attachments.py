"""Competition attachments, and council documents in the store (a file of no organisation's)

Revision ID: c7b1a2b3c4d5
Revises: c8b0f1e2d3a4
Create Date: 2026-11-26 01:25:18.457169
"""

import sqlalchemy as sa
from alembic import op

revision = "c7b1a2b3c4d5"
down_revision = "c8b0f1e2d3a4"
branch_labels = None
depends_on = None

OLD_PURPOSES = "purpose IN ('document', 'dbs_certificate')"
NEW_PURPOSES = "purpose IN ('document', 'dbs_certificate', 'council_document')"
OWNER = "(organisation_id IS NULL) = (purpose = 'council_document')"


def upgrade() -> None:
    op.create_table(
        "competition_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["competitions.id"],
            name=op.f("fk_competition_attachments_competition_id_competitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_files.id"],
            name=op.f("fk_competition_attachments_file_id_stored_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competition_attachments")),
        sa.UniqueConstraint("file_id", name=op.f("uq_competition_attachments_file_id")),
    )
    with op.batch_alter_table("competition_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competition_attachments_competition_id"),
            ["competition_id"],
            unique=False,
        )

    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.drop_constraint(op.f("ck_stored_files_purpose"), type_="check")
        batch_op.create_check_constraint(op.f("ck_stored_files_purpose"), NEW_PURPOSES)
        batch_op.create_check_constraint(op.f("ck_stored_files_owner"), OWNER)


def downgrade() -> None:
    # Council documents cannot go back into a table where every file is an organisation's.
    op.execute("DELETE FROM competition_attachments")
    op.execute("DELETE FROM stored_files WHERE organisation_id IS NULL")
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stored_files_owner"), type_="check")
        batch_op.drop_constraint(op.f("ck_stored_files_purpose"), type_="check")
        batch_op.create_check_constraint(op.f("ck_stored_files_purpose"), OLD_PURPOSES)
        batch_op.alter_column("organisation_id", existing_type=sa.INTEGER(), nullable=False)

    with op.batch_alter_table("competition_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competition_attachments_competition_id"))

    op.drop_table("competition_attachments")
