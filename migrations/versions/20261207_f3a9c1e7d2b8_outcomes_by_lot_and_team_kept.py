"""each outcome's contract's lot and team, kept on the outcome by triggers, and indexes the
spend report reads its outcomes decided and its contracts committed from

Revision ID: f3a9c1e7d2b8
Revises: e4b7c2d9f1a6
Create Date: 2026-12-07 05:10:00

The spend report counts the outcomes decided in its period by lot (and narrows them by lot and
team). It found the period's decided outcomes by ix_contract_outcomes_decided_at, then joined
each to its contract for the lot and team: PostgreSQL read every contract (24,000 at ten times
the council's size) to hash them for 2,200 outcomes, about 6 ms of its time a request against a
page budget of 10. Each outcome now carries its contract's lot and team (`contract_lot_id`,
`contract_team`), and an index of outcomes by decided_at holds them and the status, so the
count is read from that index alone and no contract is read.

The committed value (contracts starting in the period, not drafts) was read from the contracts
themselves, found by ix_contracts_start_on: 1,250 rows from 630 pages for 50 contracts. The
index by start_on now holds the status and every column that query and the time to start
read, so it reads the index alone. It is not partial (status <> 'draft'): the portal's
statements are prepared after a few runs, and a generic plan cannot use a partial index whose
condition is a parameter.

The database keeps the two new columns, as it keeps the documents' (c3e8a1f0d942), so they
cannot drift whatever writes the outcomes or their contracts: row triggers set them when an
outcome is added or moves to another contract and when a contract's lot or team changes. Each
is a plain UPDATE of these two columns, which no trigger listens to, installed as a PL/pgSQL
function on PostgreSQL and as a trigger body on SQLite.
"""

# The triggers' SQL is put together from this file's own constants, never from anything a user
# typed.
# ruff: noqa: S608

import sqlalchemy as sa
from alembic import op

revision = "f3a9c1e7d2b8"
down_revision = "e4b7c2d9f1a6"
branch_labels = None
depends_on = None

COMMITTED_COLUMNS = ["start_on", "status", "lot_id", "team", "organisation_id", "total_pence"]


def _set_contract(which: str) -> str:
    return (
        "UPDATE contract_outcomes SET "
        "contract_lot_id = (SELECT c.lot_id FROM contracts c "
        "WHERE c.id = contract_outcomes.contract_id), "
        "contract_team = (SELECT c.team FROM contracts c "
        "WHERE c.id = contract_outcomes.contract_id) "
        f"WHERE {which}"
    )


# (name, table, event, statements): each runs after the row is written.
TRIGGERS = (
    ("contract_outcome_contract_added", "contract_outcomes", "INSERT",
     [_set_contract("id = NEW.id")]),
    ("contract_outcome_contract_moved", "contract_outcomes", "UPDATE OF contract_id",
     [_set_contract("id = NEW.id")]),
    ("contract_outcomes_contract_changed", "contracts", "UPDATE OF lot_id, team",
     [_set_contract("contract_id = NEW.id")]),
)  # fmt: skip


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("contract_outcomes") as batch_op:
        batch_op.add_column(sa.Column("contract_lot_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("contract_team", sa.String(60), nullable=True))
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
    op.execute(_set_contract("true" if postgresql else "1"))
    op.create_index(
        "ix_contract_outcomes_decided",
        "contract_outcomes",
        ["decided_at", "status", "contract_lot_id", "contract_team"],
    )
    op.drop_index("ix_contract_outcomes_decided_at", table_name="contract_outcomes")
    op.create_index("ix_contracts_committed", "contracts", COMMITTED_COLUMNS)
    op.drop_index("ix_contracts_start_on", table_name="contracts")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_index("ix_contracts_start_on", "contracts", ["start_on"])
    op.drop_index("ix_contracts_committed", table_name="contracts")
    op.create_index("ix_contract_outcomes_decided_at", "contract_outcomes", ["decided_at"])
    op.drop_index("ix_contract_outcomes_decided", table_name="contract_outcomes")
    for name, table, _event, _statements in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON {table}" if postgresql else f"DROP TRIGGER {name}")
        if postgresql:
            op.execute(f"DROP FUNCTION {name}()")
    for column in ("contract_team", "contract_lot_id"):
        op.drop_column("contract_outcomes", column)
