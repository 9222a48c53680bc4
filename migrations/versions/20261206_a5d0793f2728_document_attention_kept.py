"""each document version's figures for the reviewers' count: whether it is its document's
current version, and from which day it needs attention, kept by triggers

Revision ID: a5d0793f2728
Revises: b8d5f3a20c46
Create Date: 2026-12-06 22:30:00

The reviewers' home counted the documents needing attention on every view by finding the
versions that could (a date expired, expiring or past review; a file not plainly clean) and
keeping those with no newer version of their document: at ten times the council's size that
hashed all 120,000 versions, about 116 ms of PostgreSQL's time a request against a page budget
of 4. Each version now carries `is_current` (the highest number of its document) and
`attention_from` (the first day on which DocumentVersion.status, as the reviewers read it, is not
green: any day for a file not plainly clean, else the earlier of its expiry less
EXPIRES_SOON_DAYS and the day after its review date; NULL for never), and the count is read from
a partial index of the current versions by that day.

The database keeps both, so they cannot drift whatever writes the versions and their files (the
ORM, a test's or the bench seed's bulk insert, an UPDATE of many rows): row triggers recompute a
version's day when it is added, when its dates or file change and when its file's scan state or
removal changes, and move `is_current` to the highest number when a version is added, removed or
renumbered. Each is a plain UPDATE, written once here and installed as a PL/pgSQL function on
PostgreSQL and as a trigger body on SQLite, as the monthly spend's (b8d5f3a20c46) are. The
triggers only ever write these two columns, which no trigger listens to, so none sets another
off in a loop.
"""

# The triggers' SQL is put together from this file's own constants (table, column and state
# names), never from anything a user typed.
# ruff: noqa: S608

import sqlalchemy as sa
from alembic import op

revision = "a5d0793f2728"
down_revision = "b8d5f3a20c46"
branch_labels = None
depends_on = None

# The file states that need attention whatever the dates (attention_order's file branches) and
# portal/documents/models.py EXPIRES_SOON_DAYS, as they were when this migration was written;
# ALWAYS, the day from which a version with such a file needs attention: the earliest there is.
NEEDING_ATTENTION = (
    "f.scan_state <> 'clean' OR f.removed_at IS NOT NULL OR f.removed_reason = 'retention'"
)
EXPIRES_SOON_DAYS = 60
ALWAYS = "0001-01-01"
# The old count's index, which nothing reads now.
OLD_INDEX = "ix_stored_files_needing_attention"
OLD_INDEX_WHERE = "scan_state <> 'clean' OR removed_at IS NOT NULL OR removed_reason = 'retention'"


def _shift(postgresql: bool, column: str, days: int) -> str:
    if postgresql:
        return f"({column} + {days})"
    return f"date({column}, '{days:+d} days')"


def _attention_from(postgresql: bool) -> str:
    """The day from which the row of document_versions being updated needs attention, from its
    own dates and its file (`f`, joined by the caller)."""
    always = f"DATE '{ALWAYS}'" if postgresql else f"'{ALWAYS}'"
    expiring = _shift(postgresql, "document_versions.expiry_date", -EXPIRES_SOON_DAYS)
    overdue = _shift(postgresql, "document_versions.review_date", 1)
    return (
        f"CASE WHEN {NEEDING_ATTENTION} THEN {always} "
        f"WHEN document_versions.expiry_date IS NULL THEN {overdue} "
        f"WHEN document_versions.review_date IS NULL THEN {expiring} "
        f"WHEN {expiring} < {overdue} THEN {expiring} ELSE {overdue} END"
    )


def _set_attention_from(postgresql: bool, which: str) -> str:
    return (
        "UPDATE document_versions SET attention_from = "
        f"(SELECT {_attention_from(postgresql)} FROM stored_files f "
        f"WHERE f.id = document_versions.file_id) WHERE {which}"
    )


def _set_current(document_id: str) -> str:
    """Mark the highest-numbered version of the document current and no other, writing only the
    rows whose mark changes."""
    newest = (
        "(number = (SELECT max(n.number) FROM document_versions n "
        f"WHERE n.document_id = {document_id}))"
    )
    return (
        f"UPDATE document_versions SET is_current = {newest} "
        f"WHERE document_id = {document_id} AND is_current <> {newest}"
    )


def _triggers(postgresql: bool) -> tuple:
    """(name, table, event, when, statements): each runs after the row is written."""
    return (
        ("document_version_added", "document_versions", "INSERT", None,
         [_set_attention_from(postgresql, "id = NEW.id"), _set_current("NEW.document_id")]),
        ("document_version_dates_changed", "document_versions",
         "UPDATE OF expiry_date, review_date, file_id", None,
         [_set_attention_from(postgresql, "id = NEW.id")]),
        ("document_version_renumbered", "document_versions", "UPDATE OF number, document_id",
         None, [_set_current("OLD.document_id"), _set_current("NEW.document_id")]),
        ("document_version_removed", "document_versions", "DELETE", "OLD.is_current",
         [_set_current("OLD.document_id")]),
        ("stored_file_state_changed", "stored_files",
         "UPDATE OF scan_state, removed_at, removed_reason", None,
         [_set_attention_from(postgresql, "file_id = NEW.id")]),
    )  # fmt: skip


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("document_versions") as batch_op:
        batch_op.add_column(
            sa.Column("is_current", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("attention_from", sa.Date(), nullable=True))
    # The triggers first: on PostgreSQL creating them locks the tables against writes until
    # this transaction ends, so nothing written meanwhile is missed by the backfill below.
    for name, table, event, when, statements in _triggers(postgresql):
        body = "".join(f"{statement};\n" for statement in statements)
        condition = f" WHEN ({when})" if when else ""
        if postgresql:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$\n"
                f"BEGIN\n{body}RETURN NULL;\nEND;\n$$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"FOR EACH ROW{condition} EXECUTE FUNCTION {name}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"FOR EACH ROW{condition} BEGIN\n{body}END"
            )
    # Every version so far.
    op.execute(_set_attention_from(postgresql, "true" if postgresql else "1"))
    op.execute(
        "UPDATE document_versions SET is_current = (number = (SELECT max(n.number) "
        "FROM document_versions n WHERE n.document_id = document_versions.document_id))"
    )
    current = "is_current" if postgresql else "is_current = 1"
    op.create_index(
        "ix_document_versions_attention",
        "document_versions",
        ["attention_from"],
        postgresql_where=sa.text("is_current"),
        sqlite_where=sa.text(current),
    )
    op.drop_index(OLD_INDEX, table_name="stored_files")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_index(
        OLD_INDEX,
        "stored_files",
        ["id"],
        postgresql_where=sa.text(OLD_INDEX_WHERE),
        sqlite_where=sa.text(OLD_INDEX_WHERE),
    )
    op.drop_index("ix_document_versions_attention", table_name="document_versions")
    for name, table, _event, _when, _statements in _triggers(postgresql):
        op.execute(f"DROP TRIGGER {name} ON {table}" if postgresql else f"DROP TRIGGER {name}")
        if postgresql:
            op.execute(f"DROP FUNCTION {name}()")
    with op.batch_alter_table("document_versions") as batch_op:
        batch_op.drop_column("attention_from")
        batch_op.drop_column("is_current")
