"""Filling in the register as a provider would."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.core.db import db
from portal.core.time import today
from portal.staff_checks.models import StaffCheck


def parts(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def days_ago(days: int) -> date:
    # London's today, as the portal's rules use (portal.core.time.today).
    return today() - timedelta(days=days)


def person(**changes) -> dict:
    """A complete, rule-abiding answer for someone in regulated activity."""
    answers = {
        "full_name": "Jo Tutor",
        "job_role": "Tutor",
        "regulated_activity": "yes",
        "check_level": "enhanced_barred",
        "certificate_number": "0012 3456 7890",
        "issue_date": parts(days_ago(400)),
        "update_service": "yes",
        "status_checked_on": parts(days_ago(30)),
        "status_check_result": "no_change",
        "right_to_work_checked": "yes",
        "references_received": "yes",
        "training_level": "2",
        "training_date": parts(days_ago(100)),
    }
    answers.update(changes)
    return {name: value for name, value in answers.items() if value is not None}


def add(client, organisation, **changes):
    return client.post(f"/staff-checks/organisations/{organisation.id}/add", data=person(**changes))


def checks() -> list[StaffCheck]:
    db.session.rollback()
    return list(db.session.scalars(select(StaffCheck).order_by(StaffCheck.id)))
