"""what the reviewers' list of documents needing attention is ordered by, kept on each version
by triggers: its file's part in the urgency and its document's organisation and kind

Revision ID: c3e8a1f0d942
Revises: c5e8a1d3f7b9
Create Date: 2026-12-07 01:45:00

The list's first page (documents/services.py documents_needing_attention) found the current
versions needing attention from the index of a5d0793f2728, then joined each of them to its file
(for the urgency: a virus, gone, waiting for a check, never checked) and to its document (the
list is by urgency, then organisation, kind and document) to sort them all for fifty: at ten
times the council's size that hashed 120,000 files for 18,000 candidates, about 21 ms of
PostgreSQL's time a request against a page budget of 6. Each version now carries those three
figures too (`file_attention`, `document_organisation_id`, `document_kind`) and the partial index
of current versions by attention_from holds every column the order needs, so the page is sorted
from that one index without reading a file or a document, and only the fifty listed are joined.

The database keeps them, as it keeps attention_from, so they cannot drift whatever writes the
versions, their files or their documents: row triggers set them when a version is added or its
file changes, when a file's scan state or removal changes and when a document's organisation or
kind changes (the portal changes neither, but nothing then rests on it). Each is a plain UPDATE,
installed as a PL/pgSQL function on PostgreSQL and as a trigger body on SQLite, as a5d0793f2728's
are. They write only these three columns, which no trigger listens to.
"""

# The triggers' SQL is put together from this file's own constants, never from anything a user
# typed.
# ruff: noqa: S608

import sqlalchemy as sa
from alembic import op

revision = "c3e8a1f0d942"
down_revision = "c5e8a1d3f7b9"
branch_labels = None
depends_on = None

# portal/documents/models.py FILE_GONE, FILE_RETAINED, FILE_PENDING and FILE_NOT_SCANNED, as
# they were when this migration was written: attention_order's file branches, in its order.
FILE_ATTENTION = (
    "CASE WHEN f.scan_state = 'rejected' THEN 1 WHEN f.removed_reason = 'retention' THEN 2 "
    "WHEN f.removed_at IS NOT NULL THEN 1 WHEN f.scan_state = 'pending' THEN 3 "
    "WHEN f.scan_state = 'not_scanned' THEN 4 END"
)
OLD_INDEX_COLUMNS = ["attention_from"]
INDEX_COLUMNS = [
    "attention_from",
    "file_attention",
    "expiry_date",
    "review_date",
    "document_organisation_id",
    "document_kind",
    "document_id",
]


def _set_file_attention(which: str) -> str:
    return (
        f"UPDATE document_versions SET file_attention = (SELECT {FILE_ATTENTION} "
        f"FROM stored_files f WHERE f.id = document_versions.file_id) WHERE {which}"
    )


def _set_document(which: str) -> str:
    return (
        "UPDATE document_versions SET "
        "document_organisation_id = (SELECT d.organisation_id FROM documents d "
        "WHERE d.id = document_versions.document_id), "
        "document_kind = (SELECT d.kind FROM documents d "
        "WHERE d.id = document_versions.document_id) "
        f"WHERE {which}"
    )


# (name, table, event, statements): each runs after the row is written.
TRIGGERS = (
    ("document_version_order_added", "document_versions", "INSERT",
     [_set_file_attention("id = NEW.id"), _set_document("id = NEW.id")]),
    ("document_version_order_moved", "document_versions", "UPDATE OF file_id, document_id",
     [_set_file_attention("id = NEW.id"), _set_document("id = NEW.id")]),
    ("stored_file_order_changed", "stored_files",
     "UPDATE OF scan_state, removed_at, removed_reason",
     [_set_file_attention("file_id = NEW.id")]),
    ("document_order_changed", "documents", "UPDATE OF organisation_id, kind",
     [_set_document("document_id = NEW.id")]),
)  # fmt: skip


def _index(columns: list[str], postgresql: bool) -> None:
    current = "is_current" if postgresql else "is_current = 1"
    op.create_index(
        "ix_document_versions_attention",
        "document_versions",
        columns,
        postgresql_where=sa.text(current),
        sqlite_where=sa.text(current),
    )


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("document_versions") as batch_op:
        batch_op.add_column(sa.Column("file_attention", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("document_organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("document_kind", sa.String(40), nullable=True))
    # The triggers first: on PostgreSQL creating them locks the tables against writes until
    # this transaction ends, so nothing written meanwhile is missed by the backfill below.
    for name, table, event, statements in TRIGGERS:
        body = "".join(f"{statement};\n" for statement in statements)
        if postgresql:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$\n"
                f"BEGIN\n{body}RETURN NULL;\nEND;\n$$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN\n{body}END"
            )
    everything = "true" if postgresql else "1"
    op.execute(_set_file_attention(everything))
    op.execute(_set_document(everything))
    # The index of current versions by attention_from, now holding every column the list is
    # ordered by (PostgreSQL and SQLite alike read a page's order from it alone).
    op.drop_index("ix_document_versions_attention", table_name="document_versions")
    _index(INDEX_COLUMNS, postgresql)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.drop_index("ix_document_versions_attention", table_name="document_versions")
    _index(OLD_INDEX_COLUMNS, postgresql)
    for name, table, _event, _statements in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON {table}" if postgresql else f"DROP TRIGGER {name}")
        if postgresql:
            op.execute(f"DROP FUNCTION {name}()")
    # Dropped in place (SQLite 3.35 and later can), not by batch mode's copy of the table: the
    # copy's rename fails on SQLite while a5d0793f2728's triggers name document_versions.
    for column in ("document_kind", "document_organisation_id", "file_attention"):
        op.drop_column("document_versions", column)
