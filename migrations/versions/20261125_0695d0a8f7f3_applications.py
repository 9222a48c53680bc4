"""applications

Revision ID: 0695d0a8f7f3
Revises: c271853c3f4d
Create Date: 2026-11-25 22:38:54.475616
"""

import sqlalchemy as sa
from alembic import op

import portal.core.db

revision = "0695d0a8f7f3"
down_revision = "c271853c3f4d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("previous_application_id", sa.Integer(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'in_review', 'returned', 'approved', 'rejected', 'withdrawn')",
            name=op.f("ck_applications_status"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_applications_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_applications_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["previous_application_id"],
            ["applications.id"],
            name=op.f("fk_applications_previous_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_version_id"],
            ["questionnaire_versions.id"],
            name=op.f("fk_applications_questionnaire_version_id_questionnaire_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("reference", name=op.f("uq_applications_reference")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_applications_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "uq_applications_one_open_per_organisation",
            ["organisation_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('draft', 'submitted', 'in_review', 'returned')"),
            postgresql_where=sa.text("status IN ('draft', 'submitted', 'in_review', 'returned')"),
        )

    op.create_table(
        "application_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(length=100), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_sections_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_application_sections_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_sections")),
        sa.UniqueConstraint(
            "application_id",
            "section_id",
            name=op.f("uq_application_sections_application_id_section_id"),
        ),
    )
    op.create_table(
        "application_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("submitted_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("declaration", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_submissions_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_application_submissions_submitted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_submissions")),
        sa.UniqueConstraint(
            "application_id",
            "number",
            name=op.f("uq_application_submissions_application_id_number"),
        ),
    )


def downgrade() -> None:
    op.drop_table("application_submissions")
    op.drop_table("application_sections")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_applications_one_open_per_organisation",
            sqlite_where=sa.text("status IN ('draft', 'submitted', 'in_review', 'returned')"),
            postgresql_where=sa.text("status IN ('draft', 'submitted', 'in_review', 'returned')"),
        )
        batch_op.drop_index(batch_op.f("ix_applications_organisation_id"))

    op.drop_table("applications")
