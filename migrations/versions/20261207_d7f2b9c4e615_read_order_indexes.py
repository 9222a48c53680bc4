"""indexes in the order two lists are read: the audit log's events by (occurred_at, id) and
capacities by places then confirmation (the capacity search)

Revision ID: d7f2b9c4e615
Revises: c3e8a1f0d942
Create Date: 2026-12-07 01:55:00

The audit log's first page, unfiltered, is the newest fifty events by (occurred_at, id).
Indexed by occurred_at alone, PostgreSQL read every event sharing the newest moments, joined
each to its actor and organisation and sorted them by id for fifty: at ten times the council's
size, where the seed wrote 775 events in the newest 20 moments, that was most of the page's
PostgreSQL time. By (occurred_at, id) it reads the fifty-one it shows, whatever the log holds.
The new index replaces the old one: range filters by day read it as they read the old.

The capacity search lists the matching capacity most places first, then most recently
confirmed (portal/capacity/services.py SEARCH_ORDER). With no index in that order PostgreSQL
found every match (its needs, its district, its provider admitted) and sorted them all for a
page; read backward along (places_now, confirmed_at) it checks capacities in the page's order
and stops at the page's end.
"""

from alembic import op

revision = "d7f2b9c4e615"
down_revision = "c3e8a1f0d942"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_events_moment", "audit_events", ["occurred_at", "id"])
    op.drop_index("ix_audit_events_occurred_at", table_name="audit_events")
    op.create_index("ix_capacities_search_order", "capacities", ["places_now", "confirmed_at"])


def downgrade() -> None:
    op.drop_index("ix_capacities_search_order", table_name="capacities")
    op.create_index("ix_audit_events_occurred_at", "audit_events", ["occurred_at"])
    op.drop_index("ix_audit_events_moment", table_name="audit_events")
