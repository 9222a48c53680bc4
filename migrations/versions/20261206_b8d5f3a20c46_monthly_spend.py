"""monthly spend: approved statements summed by month, lot, team and kind of provider, kept by
triggers

Revision ID: b8d5f3a20c46
Revises: b8d2e4f6a1c3
Create Date: 2026-12-06 20:00:00

The spend report added up a financial year's approved statements and their held-back and
outcome lines on every request: 178,000 statements at ten times the council's size, about
470 ms of CPU a request against a budget of 10. It now reads these sums, a few hundred rows
(portal/contracts/models.py MonthlySpend).

The database keeps them, so they cannot drift from the statements whatever writes them (the
portal's compare-and-set UPDATEs, the ORM, a bulk load): row triggers on statements, statement
lines, contracts and organisations add a statement's figures when it is approved and take them
away when it stops being one, and move them when what it is summed under changes. Each trigger
is one or more upserts (INSERT ... ON CONFLICT DO UPDATE, adding to the row), written once here
and installed as a PL/pgSQL function on PostgreSQL and as a trigger body on SQLite. Concurrent
approvals in the same month, lot, team and kind of provider each add to the one row under its
row lock, in turn.
"""

# The triggers' SQL is put together from this file's own constants (table, column and state
# names), never from anything a user typed.
# ruff: noqa: S608

import sqlalchemy as sa
from alembic import op

revision = "b8d5f3a20c46"
down_revision = "b8d2e4f6a1c3"
branch_labels = None
depends_on = None

# portal/contracts/models.py STATEMENT_APPROVED, LINE_HELD_BACK and LINE_OUTCOME, as they were
# when this migration was written.
APPROVED = "'approved'"
HELD_BACK, OUTCOME = "'held_back'", "'outcome'"
MONEY = f"({HELD_BACK}, {OUTCOME})"

KEY = "month, lot_id, team, is_sme, is_vcse, is_local"
SUMS = ("statement_count", "spend_pence", "money_line_count", "held_back_pence", "released_pence")


def _add(select: str) -> str:
    """Add what `select` gives (KEY then SUMS) to monthly_spend, a row for each key."""
    added = ", ".join(f"{name} = monthly_spend.{name} + excluded.{name}" for name in SUMS)
    return (
        f"INSERT INTO monthly_spend ({KEY}, {', '.join(SUMS)}) {select} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET {added}"
    )


def _money(line: str, sign: str) -> str:
    """Money lines' count, held back (as a positive sum) and released, signed, named lines,
    held_back and released."""
    return (
        f"{sign} * count(*) AS lines, "
        f"{sign} * coalesce(sum(CASE WHEN {line}.kind = {HELD_BACK} "
        f"THEN -{line}.amount_pence ELSE 0 END), 0) AS held_back, "
        f"{sign} * coalesce(sum(CASE WHEN {line}.kind = {OUTCOME} "
        f"THEN {line}.amount_pence ELSE 0 END), 0) AS released"
    )


def _statement(row: str, sign: str) -> str:
    """One statement (NEW or OLD) and its money lines, under its contract and organisation as
    they are, when it is approved."""
    return _add(
        f"SELECT {row}.month, c.lot_id, c.team, o.is_sme, o.is_vcse, o.is_local, "
        f"{sign}, {sign} * {row}.net_pence, m.lines, m.held_back, m.released "
        "FROM contracts c JOIN organisations o ON o.id = c.organisation_id "
        f"CROSS JOIN (SELECT {_money('l', sign)} FROM statement_lines l "
        f"WHERE l.statement_id = {row}.id AND l.kind IN {MONEY}) AS m "
        f"WHERE c.id = {row}.contract_id AND {row}.status = {APPROVED}"
    )


def _line(row: str, sign: str) -> str:
    """One held-back or outcome line (NEW or OLD), when its statement is approved."""
    return _add(
        f"SELECT s.month, c.lot_id, c.team, o.is_sme, o.is_vcse, o.is_local, 0, 0, "
        f"{sign}, {sign} * CASE WHEN {row}.kind = {HELD_BACK} THEN -{row}.amount_pence ELSE 0 END, "
        f"{sign} * CASE WHEN {row}.kind = {OUTCOME} THEN {row}.amount_pence ELSE 0 END "
        "FROM statements s JOIN contracts c ON c.id = s.contract_id "
        "JOIN organisations o ON o.id = c.organisation_id "
        f"WHERE s.id = {row}.statement_id AND s.status = {APPROVED} AND {row}.kind IN {MONEY}"
    )


def _contract(row: str, sign: str) -> list[str]:
    """A contract's approved statements and their money lines, under the contract's lot, team
    and organisation as `row` (NEW or OLD) has them."""
    flags = "o.is_sme, o.is_vcse, o.is_local"
    key = f"s.month, {row}.lot_id, {row}.team, {flags}"
    source = (
        f"JOIN organisations o ON o.id = {row}.organisation_id "
        f"WHERE s.contract_id = {row}.id AND s.status = {APPROVED}"
    )
    return [
        _add(
            f"SELECT {key}, {sign} * count(*), {sign} * sum(s.net_pence), 0, 0, 0 "
            f"FROM statements s {source} GROUP BY s.month, {flags}"
        ),
        _add(
            f"SELECT {key}, 0, 0, {_money('l', sign)} "
            f"FROM statements s JOIN statement_lines l ON l.statement_id = s.id {source} "
            f"AND l.kind IN {MONEY} GROUP BY s.month, {flags}"
        ),
    ]


def _organisation(row: str, sign: str) -> list[str]:
    """An organisation's approved statements and their money lines, under its flags as `row`
    (NEW or OLD) has them."""
    key = f"s.month, c.lot_id, c.team, {row}.is_sme, {row}.is_vcse, {row}.is_local"
    source = f"WHERE c.organisation_id = {row}.id AND s.status = {APPROVED}"
    return [
        _add(
            f"SELECT {key}, {sign} * count(*), {sign} * sum(s.net_pence), 0, 0, 0 "
            f"FROM contracts c JOIN statements s ON s.contract_id = c.id {source} "
            "GROUP BY s.month, c.lot_id, c.team"
        ),
        _add(
            f"SELECT {key}, 0, 0, {_money('l', sign)} "
            "FROM contracts c JOIN statements s ON s.contract_id = c.id "
            f"JOIN statement_lines l ON l.statement_id = s.id {source} AND l.kind IN {MONEY} "
            "GROUP BY s.month, c.lot_id, c.team"
        ),
    ]


def _changed(*columns: str) -> str:
    return " OR ".join(f"OLD.{column} <> NEW.{column}" for column in columns)


# (name, table, event, when, statements): each runs after the row is written.
TRIGGERS = (
    ("monthly_spend_statement_added", "statements", "INSERT",
     f"NEW.status = {APPROVED}", [_statement("NEW", "1")]),
    ("monthly_spend_statement_changed", "statements",
     "UPDATE OF status, month, net_pence, contract_id",
     f"OLD.status = {APPROVED} OR NEW.status = {APPROVED}",
     [_statement("OLD", "-1"), _statement("NEW", "1")]),
    ("monthly_spend_statement_removed", "statements", "DELETE",
     f"OLD.status = {APPROVED}", [_statement("OLD", "-1")]),
    ("monthly_spend_line_added", "statement_lines", "INSERT",
     f"NEW.kind IN {MONEY}", [_line("NEW", "1")]),
    ("monthly_spend_line_changed", "statement_lines",
     "UPDATE OF kind, amount_pence, statement_id",
     f"OLD.kind IN {MONEY} OR NEW.kind IN {MONEY}", [_line("OLD", "-1"), _line("NEW", "1")]),
    ("monthly_spend_line_removed", "statement_lines", "DELETE",
     f"OLD.kind IN {MONEY}", [_line("OLD", "-1")]),
    ("monthly_spend_contract_moved", "contracts", "UPDATE OF lot_id, team, organisation_id",
     _changed("lot_id", "team", "organisation_id"),
     [*_contract("OLD", "-1"), *_contract("NEW", "1")]),
    ("monthly_spend_organisation_changed", "organisations",
     "UPDATE OF is_sme, is_vcse, is_local", _changed("is_sme", "is_vcse", "is_local"),
     [*_organisation("OLD", "-1"), *_organisation("NEW", "1")]),
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "monthly_spend",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=60), nullable=False),
        sa.Column("is_sme", sa.Boolean(), nullable=False),
        sa.Column("is_vcse", sa.Boolean(), nullable=False),
        sa.Column("is_local", sa.Boolean(), nullable=False),
        sa.Column("statement_count", sa.Integer(), nullable=False),
        sa.Column("spend_pence", sa.BigInteger(), nullable=False),
        sa.Column("money_line_count", sa.Integer(), nullable=False),
        sa.Column("held_back_pence", sa.BigInteger(), nullable=False),
        sa.Column("released_pence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "lot_id", "team", "is_sme", "is_vcse", "is_local",
            name=op.f("pk_monthly_spend"),
        ),
    )  # fmt: skip
    postgresql = op.get_bind().dialect.name == "postgresql"
    # The triggers first: on PostgreSQL creating them locks the tables against writes until
    # this transaction ends, so nothing approved meanwhile is missed by the sums below.
    for name, table, event, when, statements in TRIGGERS:
        body = "".join(f"{statement};\n" for statement in statements)
        if postgresql:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$\n"
                f"BEGIN\n{body}RETURN NULL;\nEND;\n$$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {name}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"FOR EACH ROW WHEN {when} BEGIN\n{body}END"
            )
    # Every approved statement so far, then its money lines.
    key = "s.month, c.lot_id, c.team, o.is_sme, o.is_vcse, o.is_local"
    source = (
        "JOIN contracts c ON c.id = s.contract_id JOIN organisations o ON o.id = c.organisation_id "
        f"WHERE s.status = {APPROVED}"
    )
    op.execute(
        _add(
            f"SELECT {key}, count(*), sum(s.net_pence), 0, 0, 0 FROM statements s {source} "
            f"GROUP BY {key}"
        )
    )
    op.execute(
        _add(
            f"SELECT {key}, 0, 0, {_money('l', '1')} FROM statement_lines l "
            f"JOIN statements s ON s.id = l.statement_id {source} AND l.kind IN {MONEY} "
            f"GROUP BY {key}"
        )
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table, _event, _when, _statements in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON {table}" if postgresql else f"DROP TRIGGER {name}")
        if postgresql:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("monthly_spend")
