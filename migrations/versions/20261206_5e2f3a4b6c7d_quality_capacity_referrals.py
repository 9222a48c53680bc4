"""quality visits, action plans, review meetings and risk; capacity; referrals

Revision ID: 5e2f3a4b6c7d
Revises: 4d1e2f3a5b6c
Create Date: 2026-12-06 10:46:52

The council's quality work with providers (visits against a versioned checklist, the action
plans their findings give, review meetings, one risk rating per provider), each provider's
published capacity per lot, and referrals tracked from received to a started placement. A
placement request gains the needs it names and, when its invitations were limited to matching
capacity, why.
"""

import sqlalchemy as sa
from alembic import op

import portal.core.db

revision = "5e2f3a4b6c7d"
down_revision = "4d1e2f3a5b6c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checklist_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_checklist_versions_version")),
    )
    op.create_table(
        "capacities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("places_now", sa.Integer(), nullable=False),
        sa.Column("places_next_term", sa.Integer(), nullable=False),
        sa.Column("age_from", sa.Integer(), nullable=False),
        sa.Column("age_to", sa.Integer(), nullable=False),
        sa.Column("travel_support", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("confirmed_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint("age_from <= age_to", name=op.f("ck_capacities_ages_in_order")),
        sa.CheckConstraint("age_from >= 4 AND age_to <= 25", name=op.f("ck_capacities_ages")),
        sa.CheckConstraint(
            "places_now >= 0 AND places_next_term >= 0", name=op.f("ck_capacities_places")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_capacities_confirmed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_capacities_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_capacities_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacities")),
        sa.UniqueConstraint(
            "organisation_id", "lot_id", name=op.f("uq_capacities_organisation_id_lot_id")
        ),
    )
    op.create_index(
        op.f("ix_capacities_confirmed_at"), "capacities", ["confirmed_at"], unique=False
    )
    op.create_index(op.f("ix_capacities_lot_id"), "capacities", ["lot_id"], unique=False)
    op.create_index(
        op.f("ix_capacities_organisation_id"), "capacities", ["organisation_id"], unique=False
    )
    op.create_table(
        "provider_risks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=10), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("rated_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("since", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "rating IN ('low', 'medium', 'high')", name=op.f("ck_provider_risks_rating")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_provider_risks_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_risks")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_provider_risks_organisation_id")),
    )
    op.create_table(
        "quality_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("meets_on", sa.Date(), nullable=False),
        sa.Column("risk", sa.String(length=10), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("scheduled_by_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("minuted_by_id", sa.Integer(), nullable=True),
        sa.Column("minuted_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_reason", sa.Text(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('scheduled', 'held', 'cancelled')", name=op.f("ck_quality_meetings_status")
        ),
        sa.ForeignKeyConstraint(
            ["minuted_by_id"],
            ["users.id"],
            name=op.f("fk_quality_meetings_minuted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_quality_meetings_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["scheduled_by_id"],
            ["users.id"],
            name=op.f("fk_quality_meetings_scheduled_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_meetings")),
    )
    op.create_index(
        op.f("ix_quality_meetings_due_on"), "quality_meetings", ["due_on"], unique=False
    )
    op.create_index(
        op.f("ix_quality_meetings_organisation_id"),
        "quality_meetings",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        "ix_quality_meetings_organisation_status",
        "quality_meetings",
        ["organisation_id", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_quality_meetings_status"), "quality_meetings", ["status"], unique=False
    )
    op.create_table(
        "quality_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("checklist_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("notice", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("lot_ids", sa.JSON(), nullable=False),
        sa.Column("sites", sa.Text(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("planned_by_id", sa.Integer(), nullable=True),
        sa.Column("planned_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("judgement", sa.String(length=30), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("published_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_reason", sa.Text(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "judgement IS NULL OR judgement IN ('good', 'requires_improvement', 'inadequate')",
            name=op.f("ck_quality_visits_judgement"),
        ),
        sa.CheckConstraint("mode IN ('on_site', 'remote')", name=op.f("ck_quality_visits_mode")),
        sa.CheckConstraint(
            "notice IN ('announced', 'unannounced')", name=op.f("ck_quality_visits_notice")
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'recorded', 'published', 'cancelled')",
            name=op.f("ck_quality_visits_status"),
        ),
        sa.ForeignKeyConstraint(
            ["checklist_version_id"],
            ["checklist_versions.id"],
            name=op.f("fk_quality_visits_checklist_version_id_checklist_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_quality_visits_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["planned_by_id"],
            ["users.id"],
            name=op.f("fk_quality_visits_planned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_quality_visits_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_visits")),
    )
    op.create_index(
        op.f("ix_quality_visits_organisation_id"),
        "quality_visits",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        "ix_quality_visits_organisation_status",
        "quality_visits",
        ["organisation_id", "status"],
        unique=False,
    )
    op.create_index(op.f("ix_quality_visits_status"), "quality_visits", ["status"], unique=False)
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False, server_default="[]"),
        sa.Column("needs_summary", sa.Text(), nullable=False),
        sa.Column("district", sa.String(length=4), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("team", sa.String(length=60), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("required_start", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=True),
        sa.Column("competition_id", sa.Integer(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("matched_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("offered_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("school_days_to_start", sa.Integer(), nullable=True),
        sa.Column("closed_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('received', 'matched', 'offered', 'started', 'closed')",
            name=op.f("ck_referrals_status"),
        ),
        sa.CheckConstraint(
            "urgency IN ('routine', 'urgent', 'emergency')", name=op.f("ck_referrals_urgency")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_referrals_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_referrals_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["referrer_id"],
            ["users.id"],
            name=op.f("fk_referrals_referrer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint("reference", name=op.f("uq_referrals_reference")),
    )
    op.create_index(
        op.f("ix_referrals_competition_id"), "referrals", ["competition_id"], unique=False
    )
    op.create_index(op.f("ix_referrals_contract_id"), "referrals", ["contract_id"], unique=False)
    op.create_index(op.f("ix_referrals_lot_id"), "referrals", ["lot_id"], unique=False)
    op.create_index(op.f("ix_referrals_received_on"), "referrals", ["received_on"], unique=False)
    op.create_index(op.f("ix_referrals_status"), "referrals", ["status"], unique=False)
    op.create_index(
        "ix_referrals_status_received", "referrals", ["status", "received_on"], unique=False
    )
    op.create_index(op.f("ix_referrals_team"), "referrals", ["team"], unique=False)
    op.create_index(
        "ix_referrals_started_figures",
        "referrals",
        ["status", "lot_id", "team", "urgency", "school_days_to_start"],
        unique=False,
    )
    op.create_table(
        "capacity_districts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capacity_id", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["capacity_id"],
            ["capacities.id"],
            name=op.f("fk_capacity_districts_capacity_id_capacities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_districts")),
        sa.UniqueConstraint(
            "capacity_id", "district", name=op.f("uq_capacity_districts_capacity_id_district")
        ),
    )
    op.create_index(
        op.f("ix_capacity_districts_capacity_id"),
        "capacity_districts",
        ["capacity_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_capacity_districts_district"), "capacity_districts", ["district"], unique=False
    )
    op.create_table(
        "capacity_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capacity_id", sa.Integer(), nullable=False),
        sa.Column("need", sa.String(length=30), nullable=False),
        sa.CheckConstraint(
            "need IN ('semh', 'asd', 'adhd', 'ebsa', 'speech_language', 'medical', 'sensory', 'physical', 'post16', 'ehcp')",
            name=op.f("ck_capacity_needs_need"),
        ),
        sa.ForeignKeyConstraint(
            ["capacity_id"],
            ["capacities.id"],
            name=op.f("fk_capacity_needs_capacity_id_capacities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_needs")),
        sa.UniqueConstraint("capacity_id", "need", name=op.f("uq_capacity_needs_capacity_id_need")),
    )
    op.create_index(
        op.f("ix_capacity_needs_capacity_id"), "capacity_needs", ["capacity_id"], unique=False
    )
    op.create_index(op.f("ix_capacity_needs_need"), "capacity_needs", ["need"], unique=False)
    op.create_table(
        "quality_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.String(length=60), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("overdue_emailed_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'closed')", name=op.f("ck_quality_actions_status")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["users.id"],
            name=op.f("fk_quality_actions_closed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_quality_actions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["quality_meetings.id"],
            name=op.f("fk_quality_actions_meeting_id_quality_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_quality_actions_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["quality_visits.id"],
            name=op.f("fk_quality_actions_visit_id_quality_visits"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_actions")),
    )
    op.create_index(op.f("ix_quality_actions_due_on"), "quality_actions", ["due_on"], unique=False)
    op.create_index(
        op.f("ix_quality_actions_meeting_id"), "quality_actions", ["meeting_id"], unique=False
    )
    op.create_index(
        op.f("ix_quality_actions_organisation_id"),
        "quality_actions",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        "ix_quality_actions_organisation_status",
        "quality_actions",
        ["organisation_id", "status"],
        unique=False,
    )
    op.create_index(op.f("ix_quality_actions_status"), "quality_actions", ["status"], unique=False)
    op.create_index(
        op.f("ix_quality_actions_visit_id"), "quality_actions", ["visit_id"], unique=False
    )
    op.create_table(
        "quality_meeting_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_quality_meeting_comments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["quality_meetings.id"],
            name=op.f("fk_quality_meeting_comments_meeting_id_quality_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_meeting_comments")),
    )
    op.create_index(
        op.f("ix_quality_meeting_comments_meeting_id"),
        "quality_meeting_comments",
        ["meeting_id"],
        unique=False,
    )
    op.create_table(
        "quality_visit_grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=60), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "grade IN ('met', 'partly_met', 'not_met', 'not_seen')",
            name=op.f("ck_quality_visit_grades_grade"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["quality_visits.id"],
            name=op.f("fk_quality_visit_grades_visit_id_quality_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_visit_grades")),
        sa.UniqueConstraint(
            "visit_id", "item_id", name=op.f("uq_quality_visit_grades_visit_id_item_id")
        ),
    )
    op.create_table(
        "quality_action_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["quality_actions.id"],
            name=op.f("fk_quality_action_notes_action_id_quality_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_quality_action_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_quality_action_notes_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_action_notes")),
    )
    op.create_index(
        op.f("ix_quality_action_notes_action_id"),
        "quality_action_notes",
        ["action_id"],
        unique=False,
    )
    op.add_column(
        "competitions", sa.Column("needs", sa.JSON(), nullable=False, server_default="[]")
    )
    op.add_column("competitions", sa.Column("capacity_limit_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("competitions", "capacity_limit_reason")
    op.drop_column("competitions", "needs")
    op.drop_index(op.f("ix_quality_action_notes_action_id"), table_name="quality_action_notes")
    op.drop_table("quality_action_notes")
    op.drop_table("quality_visit_grades")
    op.drop_index(
        op.f("ix_quality_meeting_comments_meeting_id"), table_name="quality_meeting_comments"
    )
    op.drop_table("quality_meeting_comments")
    op.drop_index(op.f("ix_quality_actions_visit_id"), table_name="quality_actions")
    op.drop_index(op.f("ix_quality_actions_status"), table_name="quality_actions")
    op.drop_index("ix_quality_actions_organisation_status", table_name="quality_actions")
    op.drop_index(op.f("ix_quality_actions_organisation_id"), table_name="quality_actions")
    op.drop_index(op.f("ix_quality_actions_meeting_id"), table_name="quality_actions")
    op.drop_index(op.f("ix_quality_actions_due_on"), table_name="quality_actions")
    op.drop_table("quality_actions")
    op.drop_index(op.f("ix_capacity_needs_need"), table_name="capacity_needs")
    op.drop_index(op.f("ix_capacity_needs_capacity_id"), table_name="capacity_needs")
    op.drop_table("capacity_needs")
    op.drop_index(op.f("ix_capacity_districts_district"), table_name="capacity_districts")
    op.drop_index(op.f("ix_capacity_districts_capacity_id"), table_name="capacity_districts")
    op.drop_table("capacity_districts")
    op.drop_index("ix_referrals_started_figures", table_name="referrals")
    op.drop_index(op.f("ix_referrals_team"), table_name="referrals")
    op.drop_index("ix_referrals_status_received", table_name="referrals")
    op.drop_index(op.f("ix_referrals_status"), table_name="referrals")
    op.drop_index(op.f("ix_referrals_received_on"), table_name="referrals")
    op.drop_index(op.f("ix_referrals_lot_id"), table_name="referrals")
    op.drop_index(op.f("ix_referrals_contract_id"), table_name="referrals")
    op.drop_index(op.f("ix_referrals_competition_id"), table_name="referrals")
    op.drop_table("referrals")
    op.drop_index(op.f("ix_quality_visits_status"), table_name="quality_visits")
    op.drop_index("ix_quality_visits_organisation_status", table_name="quality_visits")
    op.drop_index(op.f("ix_quality_visits_organisation_id"), table_name="quality_visits")
    op.drop_table("quality_visits")
    op.drop_index(op.f("ix_quality_meetings_status"), table_name="quality_meetings")
    op.drop_index("ix_quality_meetings_organisation_status", table_name="quality_meetings")
    op.drop_index(op.f("ix_quality_meetings_organisation_id"), table_name="quality_meetings")
    op.drop_index(op.f("ix_quality_meetings_due_on"), table_name="quality_meetings")
    op.drop_table("quality_meetings")
    op.drop_table("provider_risks")
    op.drop_index(op.f("ix_capacities_organisation_id"), table_name="capacities")
    op.drop_index(op.f("ix_capacities_lot_id"), table_name="capacities")
    op.drop_index(op.f("ix_capacities_confirmed_at"), table_name="capacities")
    op.drop_table("capacities")
    op.drop_table("checklist_versions")
