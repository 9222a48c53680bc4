"""call-off contracts

Revision ID: 3c0f1a2b4d5e
Revises: f2a3b4c5d6e7
Create Date: 2026-12-06 07:29:20

The stage after an award: call-off contracts and every version of their terms, the per-lot
outcome catalogue and each contract's outcomes, monthly delivery records, self-billing
statements with their lines, finance exports, delivery reminders and the contracts' OCDS
releases; and a provider's VAT number, printed on its statements.
"""

import sqlalchemy as sa
from alembic import op

import portal.core.db

revision = "3c0f1a2b4d5e"
down_revision = "f2a3b4c5d6e7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=True),
        sa.Column("direct_ground", sa.String(length=30), nullable=True),
        sa.Column("direct_ground_detail", sa.Text(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("team", sa.String(length=60), nullable=False),
        sa.Column("placement_reference", sa.String(length=30), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("rate_pence", sa.BigInteger(), nullable=False),
        sa.Column("planned_units", sa.Integer(), nullable=False),
        sa.Column("total_pence", sa.BigInteger(), nullable=False),
        sa.Column("held_back_percent", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_on_paper_reason", sa.Text(), nullable=True),
        sa.Column("ended_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("termination_reason", sa.Text(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(origin = 'direct' AND direct_ground IS NOT NULL) OR (origin = 'award' AND competition_id IS NOT NULL)",
            name=op.f("ck_contracts_origin_recorded"),
        ),
        sa.CheckConstraint("origin IN ('award', 'direct')", name=op.f("ck_contracts_origin")),
        sa.CheckConstraint(
            "status IN ('draft', 'active', 'ended', 'terminated')", name=op.f("ck_contracts_status")
        ),
        sa.CheckConstraint(
            "unit IN ('session', 'hour', 'day', 'week', 'fixed')", name=op.f("ck_contracts_unit")
        ),
        sa.CheckConstraint("end_on >= start_on", name=op.f("ck_contracts_dates_in_order")),
        sa.CheckConstraint(
            "held_back_percent BETWEEN 0 AND 30", name=op.f("ck_contracts_held_back_percent")
        ),
        sa.CheckConstraint(
            "rate_pence > 0 AND planned_units > 0", name=op.f("ck_contracts_positive_terms")
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"],
            ["users.id"],
            name=op.f("fk_contracts_accepted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_contracts_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_contracts_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_contracts_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint("competition_id", name=op.f("uq_contracts_competition_id")),
    )
    op.create_index(op.f("ix_contracts_lot_id"), "contracts", ["lot_id"], unique=False)
    op.create_index(
        op.f("ix_contracts_organisation_id"), "contracts", ["organisation_id"], unique=False
    )
    op.create_index(
        "ix_contracts_organisation_status", "contracts", ["organisation_id", "status"], unique=False
    )
    op.create_index(op.f("ix_contracts_status"), "contracts", ["status"], unique=False)
    op.create_index(op.f("ix_contracts_team"), "contracts", ["team"], unique=False)
    op.create_table(
        "finance_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("made_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("made_by_id", sa.Integer(), nullable=True),
        sa.Column("statement_count", sa.Integer(), nullable=False),
        sa.Column("total_pence", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["made_by_id"],
            ["users.id"],
            name=op.f("fk_finance_exports_made_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_exports")),
    )
    op.create_table(
        "outcome_definitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lots.id"], name=op.f("fk_outcome_definitions_lot_id_lots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_definitions")),
        sa.UniqueConstraint("lot_id", "title", name=op.f("uq_outcome_definitions_lot_id_title")),
    )
    op.create_index(
        op.f("ix_outcome_definitions_lot_id"), "outcome_definitions", ["lot_id"], unique=False
    )
    op.create_table(
        "contract_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=30), nullable=False),
        sa.Column("released_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_releases_contract_id_contracts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_releases")),
        sa.UniqueConstraint(
            "contract_id", "number", name=op.f("uq_contract_releases_contract_id_number")
        ),
    )
    op.create_table(
        "contract_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("rate_pence", sa.BigInteger(), nullable=False),
        sa.Column("planned_units", sa.Integer(), nullable=False),
        sa.Column("total_pence", sa.BigInteger(), nullable=False),
        sa.Column("made_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('original', 'extend', 'volume', 'rate')",
            name=op.f("ck_contract_versions_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_contract_versions_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_versions_contract_id_contracts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_versions")),
        sa.UniqueConstraint(
            "contract_id", "number", name=op.f("uq_contract_versions_contract_id_number")
        ),
    )
    op.create_index(
        op.f("ix_contract_versions_contract_id"), "contract_versions", ["contract_id"], unique=False
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("units_delivered", sa.Integer(), nullable=False),
        sa.Column("sessions_offered", sa.Integer(), nullable=False),
        sa.Column("sessions_attended", sa.Integer(), nullable=False),
        sa.Column("cancellations", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("submitted_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'queried', 'approved')",
            name=op.f("ck_deliveries_status"),
        ),
        sa.CheckConstraint(
            "units_delivered >= 0 AND sessions_offered >= 0 AND sessions_attended BETWEEN 0 AND sessions_offered",
            name=op.f("ck_deliveries_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_deliveries_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_deliveries_submitted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("contract_id", "month", name=op.f("uq_deliveries_contract_id_month")),
    )
    op.create_index(op.f("ix_deliveries_contract_id"), "deliveries", ["contract_id"], unique=False)
    op.create_index(op.f("ix_deliveries_month"), "deliveries", ["month"], unique=False)
    op.create_table(
        "delivery_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("sent_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_delivery_reminders_contract_id_contracts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_reminders")),
        sa.UniqueConstraint(
            "contract_id",
            "month",
            "kind",
            name=op.f("uq_delivery_reminders_contract_id_month_kind"),
        ),
    )
    op.create_index(
        op.f("ix_delivery_reminders_contract_id"),
        "delivery_reminders",
        ["contract_id"],
        unique=False,
    )
    op.create_table(
        "statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("vat_number", sa.String(length=20), nullable=True),
        sa.Column("vat_rate_percent", sa.Integer(), nullable=False),
        sa.Column("net_pence", sa.BigInteger(), nullable=False),
        sa.Column("vat_pence", sa.BigInteger(), nullable=False),
        sa.Column("gross_pence", sa.BigInteger(), nullable=False),
        sa.Column("issued_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("query_reason", sa.Text(), nullable=True),
        sa.Column("provider_answer", sa.Text(), nullable=True),
        sa.Column("approved_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("exported_in_id", sa.Integer(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "exported_in_id IS NULL OR status = 'approved'",
            name=op.f("ck_statements_exported_approved"),
        ),
        sa.CheckConstraint(
            "status IN ('waiting', 'queried', 'approved')", name=op.f("ck_statements_status")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_statements_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_statements_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"], ["deliveries.id"], name=op.f("fk_statements_delivery_id_deliveries")
        ),
        sa.ForeignKeyConstraint(
            ["exported_in_id"],
            ["finance_exports.id"],
            name=op.f("fk_statements_exported_in_id_finance_exports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_statements_delivery_id")),
        sa.UniqueConstraint("number", name=op.f("uq_statements_number")),
    )
    op.create_index(op.f("ix_statements_contract_id"), "statements", ["contract_id"], unique=False)
    op.create_index(op.f("ix_statements_month"), "statements", ["month"], unique=False)
    op.create_index(
        "ix_statements_status_exported", "statements", ["status", "exported_in_id"], unique=False
    )
    op.create_table(
        "contract_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("baseline", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("share_percent", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.Column("evidence_document_id", sa.Integer(), nullable=True),
        sa.Column("evidenced_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("achieved_percent", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("released_pence", sa.BigInteger(), nullable=True),
        sa.Column("paid_on_statement_id", sa.Integer(), nullable=True),
        sa.Column("review_reminded_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('due', 'evidenced', 'met', 'partly_met', 'not_met')",
            name=op.f("ck_contract_outcomes_status"),
        ),
        sa.CheckConstraint(
            "achieved_percent IS NULL OR achieved_percent BETWEEN 0 AND 100",
            name=op.f("ck_contract_outcomes_achieved_percent"),
        ),
        sa.CheckConstraint(
            "share_percent BETWEEN 1 AND 100", name=op.f("ck_contract_outcomes_share_percent")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_outcomes_contract_id_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_contract_outcomes_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["outcome_definitions.id"],
            name=op.f("fk_contract_outcomes_definition_id_outcome_definitions"),
        ),
        sa.ForeignKeyConstraint(
            ["evidence_document_id"],
            ["documents.id"],
            name=op.f("fk_contract_outcomes_evidence_document_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["paid_on_statement_id"],
            ["statements.id"],
            name=op.f("fk_contract_outcomes_paid_on_statement_id_statements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_outcomes")),
    )
    op.create_index(
        op.f("ix_contract_outcomes_contract_id"), "contract_outcomes", ["contract_id"], unique=False
    )
    op.create_table(
        "statement_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("unit_pence", sa.BigInteger(), nullable=True),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('delivery', 'held_back', 'outcome')", name=op.f("ck_statement_lines_kind")
        ),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["contract_outcomes.id"],
            name=op.f("fk_statement_lines_outcome_id_contract_outcomes"),
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_lines_statement_id_statements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_lines")),
    )
    op.create_index(
        op.f("ix_statement_lines_statement_id"), "statement_lines", ["statement_id"], unique=False
    )
    op.add_column("organisations", sa.Column("vat_number", sa.String(length=14), nullable=True))


def downgrade() -> None:
    op.drop_column("organisations", "vat_number")
    op.drop_index(op.f("ix_statement_lines_statement_id"), table_name="statement_lines")
    op.drop_table("statement_lines")
    op.drop_index(op.f("ix_contract_outcomes_contract_id"), table_name="contract_outcomes")
    op.drop_table("contract_outcomes")
    op.drop_index("ix_statements_status_exported", table_name="statements")
    op.drop_index(op.f("ix_statements_month"), table_name="statements")
    op.drop_index(op.f("ix_statements_contract_id"), table_name="statements")
    op.drop_table("statements")
    op.drop_index(op.f("ix_delivery_reminders_contract_id"), table_name="delivery_reminders")
    op.drop_table("delivery_reminders")
    op.drop_index(op.f("ix_deliveries_month"), table_name="deliveries")
    op.drop_index(op.f("ix_deliveries_contract_id"), table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index(op.f("ix_contract_versions_contract_id"), table_name="contract_versions")
    op.drop_table("contract_versions")
    op.drop_table("contract_releases")
    op.drop_index(op.f("ix_outcome_definitions_lot_id"), table_name="outcome_definitions")
    op.drop_table("outcome_definitions")
    op.drop_table("finance_exports")
    op.drop_index(op.f("ix_contracts_team"), table_name="contracts")
    op.drop_index(op.f("ix_contracts_status"), table_name="contracts")
    op.drop_index("ix_contracts_organisation_status", table_name="contracts")
    op.drop_index(op.f("ix_contracts_organisation_id"), table_name="contracts")
    op.drop_index(op.f("ix_contracts_lot_id"), table_name="contracts")
    op.drop_table("contracts")
