"""The DBS flags worked out in SQL (for lists that filter by them, and for the provider record's
flags in words) agree with flags() in Python, person by person, for every kind of warning and
for none."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import literal, select

from portal.core.db import db
from portal.core.time import today
from portal.staff_checks import services
from portal.staff_checks.models import ENHANCED_BARRED, NEW_INFORMATION, StaffCheck

YEAR = timedelta(days=366)


def _register(organisation, on, names=None):
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
        "several": {"check_level": None, "references_received": False, "training_date": None},
    }
    for name in names or variants:
        db.session.add(
            StaffCheck(
                organisation_id=organisation.id,
                full_name=name,
                job_role="Tutor",
                **{**clean, **variants[name]},
            )
        )
    db.session.flush()
    return set(variants)


def test_flagged_matches_flags_for_every_warning(app_ctx, organisation):
    on = today()
    variants = _register(organisation, on)
    checks = db.session.scalars(select(StaffCheck)).all()
    in_python = {check.full_name for check in checks if services.flags(check, on)}
    in_sql = set(db.session.scalars(select(StaffCheck.full_name).where(services.flagged(on))).all())
    assert in_sql == in_python
    # Built once with the dates bound, and given them as parameters: the same people.
    bound = select(StaffCheck.full_name).where(services.flagged(None))
    assert set(db.session.scalars(bound, services.flag_dates(on)).all()) == in_python
    assert in_python == variants - {"clean", "old but on the Update Service"}


def _in_words(organisation, on):
    first = db.session.execute(
        select(*services.first_flagged(literal(organisation.id))), services.flag_dates(on)
    ).one()
    return services.flags_in_words(list(first))


def _in_python(on):
    found: dict[str, None] = {}
    for check in db.session.scalars(select(StaffCheck).order_by(StaffCheck.id)):
        found.update(dict.fromkeys(services.flags(check, on)))
    return list(found)


def test_the_flags_in_words_are_flags_once_each_in_the_order_the_register_meets_them(
    app_ctx, organisation
):
    on = today()
    assert _in_words(organisation, on) == []
    # Met in an order other than flags()'s: training first, then the rest.
    _register(organisation, on, ["clean", "old training", "no references", "several"])
    assert _in_words(organisation, on) == _in_python(on)
    assert _in_words(organisation, on) == [
        "Safeguarding training overdue",
        "References not received",
        "No DBS check recorded",
    ]
    _register(organisation, on)
    assert _in_words(organisation, on) == _in_python(on)
    assert len(_in_words(organisation, on)) == 7
