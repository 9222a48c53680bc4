"""The DBS register: people on each organisation's register."""

from __future__ import annotations

from datetime import timedelta

from cryptography.fernet import Fernet, MultiFernet
from flask import current_app
from sqlalchemy import Connection

from bench.seed.base import (
    STAFF_CHECKS_PER_ORGANISATION,
    Plan,
    SeedResult,
    _next_id,
    _table,
    bulk_insert,
)
from portal.core.time import today, utcnow


def _staff_checks(connection: Connection, result: SeedResult, plan: Plan) -> None:
    now, on = utcnow(), today()
    fernet = MultiFernet([Fernet(key) for key in current_app.config["STAFF_CHECK_ENCRYPTION_KEY"]])
    first = _next_id(connection, "staff_checks")
    levels = ("enhanced_barred", "enhanced", "enhanced_barred", "standard", None)
    rows = []
    check_id = first
    for organisation_id, user_id in plan.organisations:
        token = fernet.encrypt(f"00{organisation_id:010d}".encode()).decode()
        for n in range(STAFF_CHECKS_PER_ORGANISATION):
            level = levels[n % len(levels)]
            rows.append(
                (
                    check_id,
                    organisation_id,
                    f"Person {n + 1} of {organisation_id}",
                    "Tutor" if n % 2 else "Mentor",
                    n % 4 != 0,
                    level,
                    token if level else None,
                    f"{organisation_id % 10000:04d}" if level else None,
                    on - timedelta(days=(n * 170) % 1500) if level else None,
                    n % 3 == 0,
                    on - timedelta(days=30) if n % 3 == 0 else None,
                    "no_change" if n % 3 == 0 else None,
                    True,
                    str(n % 3 + 1),
                    on - timedelta(days=(n * 97) % 1400),
                    n % 5 != 0,
                    user_id,
                    now,
                    now,
                )
            )
            check_id += 1
    bulk_insert(
        connection,
        _table("staff_checks"),
        [
            "id",
            "organisation_id",
            "full_name",
            "job_role",
            "regulated_activity",
            "check_level",
            "certificate_number_encrypted",
            "certificate_number_last4",
            "issue_date",
            "update_service",
            "status_checked_on",
            "status_check_result",
            "right_to_work_checked",
            "training_level",
            "training_date",
            "references_received",
            "created_by_id",
            "created_at",
            "updated_at",
        ],
        rows,
    )
