"""The DBS flags worked out in SQL (for lists that filter by them) agree with flags() in Python,
person by person, for every kind of warning and for none."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.core.db import db
from portal.core.time import today
from portal.staff_checks import services
from portal.staff_checks.models import ENHANCED_BARRED, NEW_INFORMATION, StaffCheck

YEAR = timedelta(days=366)


def test_flagged_matches_flags_for_every_warning(app_ctx, organisation):
    on = today()
    clean = {
        "check_level": ENHANCED_BARRED,
        "regulated_activity": True,
        "issue_date": on - YEAR,
        "update_service": False,
        "right_to_work_checked": True,
        "references_received": True,
        "training_date": on - YEAR,
    }
    variants = {
        "clean": {},
        "no check": {"check_level": None},
        "wrong level": {"check_level": "enhanced"},
        "old certificate": {"issue_date": on - 4 * YEAR},
        "old but on the Update Service": {"issue_date": on - 4 * YEAR, "update_service": True},
        "new information": {"update_service": True, "status_check_result": NEW_INFORMATION},
        "no right to work": {"right_to_work_checked": False},
        "no references": {"references_received": False},
        "no training": {"training_date": None},
        "old training": {"training_date": on - 4 * YEAR},
    }
    for name, changes in variants.items():
        db.session.add(
            StaffCheck(
                organisation_id=organisation.id,
                full_name=name,
                job_role="Tutor",
                **{**clean, **changes},
            )
        )
    db.session.flush()
    checks = db.session.scalars(select(StaffCheck)).all()
    in_python = {check.full_name for check in checks if services.flags(check, on)}
    in_sql = set(db.session.scalars(select(StaffCheck.full_name).where(services.flagged(on))).all())
    assert in_sql == in_python
    assert in_python == set(variants) - {"clean", "old but on the Update Service"}
