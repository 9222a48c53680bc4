"""documents needing attention counted by the day they start to need it, kept by triggers; the
reviewers' list read by urgency from three small ranges of current versions

Revision ID: b6d1e3f8a2c4
Revises: a1c7e5f9b3d2
Create Date: 2026-12-07 14:00:00

The reviewers' home and their list of documents needing attention counted the current versions
with attention_from on or before today from ix_document_versions_attention on every view: at
ten times the council's size 18,000 index entries (16,000 of them files never virus-checked),
2-3.6 ms of PostgreSQL's time for one number. And the list sorted all 18,000 by urgency for its
first fifty (6.5 ms). The count now reads document_attention_days (DocumentAttentionDay): how
many current versions start to need attention on each day, a row a day, summed up to today. It
is keyed by the day itself, so a document that starts to need attention tomorrow is counted
tomorrow with no write at all.

The database keeps it, as kpi_month_tallies (a7c9e1f3b5d2), so it cannot drift from the
versions whatever writes them: row triggers on document_versions add a version on its day when
it is added current, move it when is_current or attention_from changes (which a5d0793f2728's
triggers keep) and take it away when it is removed. Written once here and installed as PL/pgSQL
functions on PostgreSQL and as trigger bodies on SQLite. They write only the tally, which no
trigger listens to.

The list reads each urgency from where it can be found (documents/services.py
_needing_attention_by_urgency): files not plainly clean from an index by file_attention (the
never-checked ones in the list's order, so only a page of them is read), and dates expired,
expiring or past review from indexes of current versions by expiry and by review date. The
index by attention_from is then read by nothing and goes.
"""

# The triggers' SQL is put together from this file's own constants, never from anything a user
# typed.
# ruff: noqa: S608

import sqlalchemy as sa
from alembic import op

revision = "b6d1e3f8a2c4"
down_revision = "a1c7e5f9b3d2"
branch_labels = None
depends_on = None

ORDER = ["document_organisation_id", "document_kind", "document_id"]
INDEXES = (
    ("ix_document_versions_file_attention",
     ["file_attention", *ORDER, "expiry_date", "review_date"], "file_attention IS NOT NULL"),
    ("ix_document_versions_current_expiry",
     ["expiry_date", "file_attention", "review_date", *ORDER], None),
    ("ix_document_versions_current_review",
     ["review_date", "expiry_date", "file_attention", *ORDER], None),
)  # fmt: skip
OLD_INDEX = (
    "ix_document_versions_attention",
    ["attention_from", "file_attention", "expiry_date", "review_date", *ORDER],
)


def _tally(row: str, sign: str) -> str:
    """Add `sign` to the count of `row`'s (NEW or OLD) day, when it is current and has one."""
    return (
        "INSERT INTO document_attention_days (day, documents) "
        f"SELECT {row}.attention_from, {sign} "
        f"WHERE {row}.is_current AND {row}.attention_from IS NOT NULL "
        "ON CONFLICT (day) DO UPDATE SET documents = document_attention_days.documents + "
        "excluded.documents"
    )


def _triggers(postgresql: bool) -> tuple:
    """(name, event, when, statements): each runs after the row of document_versions is
    written."""
    differs = "IS DISTINCT FROM" if postgresql else "IS NOT"
    return (
        ("document_attention_day_added", "INSERT", None, [_tally("NEW", "1")]),
        ("document_attention_day_moved", "UPDATE OF is_current, attention_from",
         f"OLD.is_current {differs} NEW.is_current "
         f"OR OLD.attention_from {differs} NEW.attention_from",
         [_tally("OLD", "-1"), _tally("NEW", "1")]),
        ("document_attention_day_removed", "DELETE", None, [_tally("OLD", "-1")]),
    )  # fmt: skip


def _create_index(name: str, columns: list[str], where: str | None, postgresql: bool) -> None:
    current = "is_current" if postgresql else "is_current = 1"
    condition = sa.text(f"{current} AND {where}" if where else current)
    op.create_index(
        name,
        "document_versions",
        columns,
        postgresql_where=condition,
        sqlite_where=condition,
    )


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "document_attention_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_document_attention_days")),
    )
    # The triggers first: on PostgreSQL creating them locks the table against writes until this
    # transaction ends, so nothing written meanwhile is missed by the count below.
    for name, event, when, statements in _triggers(postgresql):
        body = "".join(f"{statement};\n" for statement in statements)
        condition = f" WHEN ({when})" if when else ""
        if postgresql:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$\n"
                f"BEGIN\n{body}RETURN NULL;\nEND;\n$$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON document_versions "
                f"FOR EACH ROW{condition} EXECUTE FUNCTION {name}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON document_versions "
                f"FOR EACH ROW{condition} BEGIN\n{body}END"
            )
    current = "is_current" if postgresql else "is_current = 1"
    op.execute(
        "INSERT INTO document_attention_days (day, documents) "
        f"SELECT attention_from, count(*) FROM document_versions WHERE {current} "
        "AND attention_from IS NOT NULL GROUP BY attention_from"
    )
    for name, columns, where in INDEXES:
        _create_index(name, columns, where, postgresql)
    op.drop_index(OLD_INDEX[0], table_name="document_versions")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    _create_index(*OLD_INDEX, None, postgresql)
    for name, _columns, _where in INDEXES:
        op.drop_index(name, table_name="document_versions")
    for name, _event, _when, _statements in _triggers(postgresql):
        if postgresql:
            op.execute(f"DROP TRIGGER {name} ON document_versions")
            op.execute(f"DROP FUNCTION {name}()")
        else:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("document_attention_days")
