"""Exports of approved statements to the council's finance system: a CSV file, one line per
statement (supplier, cost centre, net amount, VAT, gross amount, statement number).

Each approved statement goes into exactly one export. An export claims the statements in one
UPDATE of those approved and not yet exported, so of two exports made at the same moment the
second (on PostgreSQL it waits for the first's row locks, then finds those rows taken) gets only
what the first left. The file is kept as made, so it downloads again byte for byte.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.audit.services import record_change
from portal.contracts.models import (
    STATEMENT_APPROVED,
    Contract,
    FinanceExport,
    Statement,
)
from portal.contracts.services.common import ContractError, teams
from portal.core.csv_export import Cell, csv_text
from portal.core.db import db
from portal.core.errors import found
from portal.organisations.models import Organisation

HEADER: list[Cell] = [
    "Supplier",
    "Cost centre",
    "Net amount",
    "VAT",
    "Gross amount",
    "Statement number",
]


def cost_centre(team: str) -> str:
    """The finance system's cost centre for a commissioning team ("" for a team the setting no
    longer names: finance asks, rather than the export guessing)."""
    return teams().get(team, "")


def pounds(pence: int) -> str:
    """An amount as the finance system reads it: pounds with two decimals, no symbol."""
    sign = "-" if pence < 0 else ""
    whole, rest = divmod(abs(pence), 100)
    return f"{sign}{whole}.{rest:02d}"


def waiting_to_export() -> tuple[int, int]:
    """How many approved statements no export has taken yet, and their gross total."""
    count, total = db.session.execute(
        select(func.count(Statement.id), func.coalesce(func.sum(Statement.gross_pence), 0)).where(
            Statement.status == STATEMENT_APPROVED, Statement.exported_in_id.is_(None)
        )
    ).one()
    return int(count), int(total)


def make_finance_export(user: User) -> FinanceExport:
    """Export every approved statement not yet exported, each exactly once across exports.
    ContractError when there is none (nothing is written)."""
    savepoint = db.session.begin_nested()
    export = FinanceExport(made_by_id=user.id, statement_count=0, total_pence=0, content="")
    db.session.add(export)
    db.session.flush()
    taken = db.set_where(
        Statement,
        Statement.status == STATEMENT_APPROVED,
        Statement.exported_in_id.is_(None),
        exported_in_id=export.id,
    )
    if not taken:
        savepoint.rollback()
        raise ContractError(
            "There are no approved statements waiting to be exported. Statements approved "
            "since you opened the page may have gone in an export someone else has just made"
        )
    savepoint.commit()
    rows = db.session.execute(
        select(
            Organisation.legal_name,
            Contract.team,
            Statement.net_pence,
            Statement.vat_pence,
            Statement.gross_pence,
            Statement.number,
        )
        .join(Contract, Contract.id == Statement.contract_id)
        .join(Organisation, Organisation.id == Contract.organisation_id)
        .where(Statement.exported_in_id == export.id)
        .order_by(Statement.id)
    ).all()
    lines: list[list[Cell]] = [HEADER]
    for supplier, team, net, vat, gross, number in rows:
        lines.append([supplier, cost_centre(team), pounds(net), pounds(vat), pounds(gross), number])
    export.statement_count = len(rows)
    export.total_pence = sum(row.gross_pence for row in rows)
    export.content = csv_text(lines)
    db.session.flush()
    record_change(
        "finance_export.made",
        export,
        user,
        None,
        after={
            "statements": [row.number for row in rows],
            "total_pence": export.total_pence,
        },
    )
    return export


def finance_exports() -> list[FinanceExport]:
    """Every export, newest first, with who made it (two queries)."""
    return list(
        db.session.scalars(
            select(FinanceExport)
            .options(selectinload(FinanceExport.made_by))
            .order_by(FinanceExport.id.desc())
        )
    )


def finance_export(export_id: int) -> FinanceExport:
    export = found(db.session.get(FinanceExport, export_id))
    return export


def export_filename(export: FinanceExport) -> str:
    return f"finance-export-{export.id:06d}-{export.made_at:%Y-%m-%d}.csv"
