"""Recording a referral, correcting its details, and closing it.

A referral carries no child's personal data: a pseudonymous reference (made here, RF-2026-0001,
or the council's own code, never a name or initials), an age band, needs from capacity's
controlled list, a postcode district (never a full postcode), and free text checked by the
same rules as a placement request's (competitions.personal_data): no name, no full postcode, no
date of birth. Every field that is wrong is named at once, and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.audit.services import record_change
from portal.capacity.models import NEEDS
from portal.competitions import personal_data
from portal.competitions.models import AGE_BANDS
from portal.core import workflow
from portal.core.db import db
from portal.core.time import today, utcnow
from portal.lots.models import Lot
from portal.referrals.models import CLOSED, RECEIVED, URGENCIES, Referral
from portal.referrals.services.common import (
    EDITABLE,
    REFERRAL_MOVES,
    ReferralError,
    move,
    teams,
)

SUMMARY_LIMIT = 2000
REQUESTED_BY_LIMIT = 200
REASON_LIMIT = 2000
# The references the portal makes: RF-<year received>-<number in that year>.
MADE_PREFIX = "RF"
_LETTERS = re.compile(r"[A-Za-z]+")


@dataclass
class Details:
    """What a commissioner gives about a referral. `reference` empty: the portal makes one."""

    lot_id: int | None
    age_band: str
    needs: list[str]
    needs_summary: str
    district: str
    urgency: str
    team: str
    requested_by: str
    required_start: date | None
    received_on: date | None
    reference: str = ""
    # Filled in by `check`: the values as they are stored.
    cleaned: dict[str, Any] = field(default_factory=dict)


# The order of the fields on the form, for the error summary.
_FIELD_ORDER = (
    "reference",
    "lot",
    "age_band",
    "needs",
    "needs_summary",
    "district",
    "urgency",
    "team",
    "requested_by",
    "received_on",
    "required_start",
)


def check(details: Details, referral: Referral | None = None) -> dict[str, Any]:
    """The values to store, or ReferralError naming every field that is wrong."""
    errors: dict[str, str] = {}
    reference = (details.reference or "").strip().upper()
    if reference:
        if problem := reference_problem(reference):
            errors["reference"] = problem
        elif _taken(reference, referral):
            errors["reference"] = f"A referral with the reference {reference} already exists"
    lot = db.session.get(Lot, details.lot_id) if details.lot_id else None
    if lot is None or not lot.is_active:
        errors["lot"] = "Select the type of service"
    if details.age_band not in AGE_BANDS:
        errors["age_band"] = "Select the age band"
    unknown = [need for need in details.needs if need not in NEEDS]
    if unknown:
        errors["needs"] = "Select needs from the list only"
    elif not details.needs:
        errors["needs"] = "Select at least one need"
    summary = (details.needs_summary or "").strip()
    if problem := personal_data.text_problem(
        summary,
        "Summary of needs",
        SUMMARY_LIMIT,
        missing="Enter a summary of needs",
    ):
        errors["needs_summary"] = problem
    district = (details.district or "").strip().upper()
    if not district:
        errors["district"] = "Enter the postcode district"
    elif problem := personal_data.area_problem(district):
        errors["district"] = problem.replace("Area", "Postcode district", 1)
    if details.urgency not in URGENCIES:
        errors["urgency"] = "Select how urgent it is"
    if details.team not in teams():
        errors["team"] = "Select the commissioning team"
    requested_by = (details.requested_by or "").strip()
    # A team's or a school's name, not a child's: words are not matched against common names.
    if problem := personal_data.text_problem(
        requested_by,
        "Team or school",
        REQUESTED_BY_LIMIT,
        missing="Enter the team or school asking for the place",
        guess_names=False,
    ):
        errors["requested_by"] = problem
    errors |= _date_errors(details)
    if errors:
        raise ReferralError(errors={name: errors[name] for name in _FIELD_ORDER if name in errors})
    return {
        "lot_id": details.lot_id,
        "age_band": details.age_band,
        "needs": [need for need in NEEDS if need in details.needs],
        "needs_summary": summary,
        "district": district,
        "urgency": details.urgency,
        "team": details.team,
        "requested_by": requested_by,
        "required_start": details.required_start,
        "received_on": details.received_on,
        **({"reference": reference} if reference else {}),
    }


def _date_errors(details: Details) -> dict[str, str]:
    errors: dict[str, str] = {}
    if details.received_on is None:
        errors["received_on"] = "Enter the date the referral was received"
    elif details.received_on > today():
        errors["received_on"] = "The date received must be today or in the past"
    if details.required_start is None:
        errors["required_start"] = "Enter the date the place is needed from"
    elif details.received_on is not None and details.required_start < details.received_on:
        errors["required_start"] = (
            "The date the place is needed from must be the same as or after the date received"
        )
    return errors


def reference_problem(reference: str) -> str | None:
    """Why `reference` cannot be a referral's reference, or None: it must be the council's kind
    of code (capitals, numbers, hyphens, with a number), and its letters must not spell a name
    ("TOMMY-SMITH-1")."""
    problem = personal_data.reference_code_problem(reference)
    if problem:
        return problem.replace("Reference code", "Reference", 1)
    words = " ".join(word.capitalize() for word in _LETTERS.findall(reference))
    if personal_data.likely_name(words):
        return (
            "Reference must not include a name. Use the council's reference code, like "
            "SEND-0421, or leave it blank for the portal to make one"
        )
    return None


def _taken(reference: str, referral: Referral | None) -> bool:
    query = select(Referral.id).where(Referral.reference == reference)
    if referral is not None:
        query = query.where(Referral.id != referral.id)
    return db.session.scalar(query) is not None


def next_reference(received_on: date) -> str:
    """The next reference the portal makes for a referral received in that year: RF-2026-0001,
    RF-2026-0002... (one query: the highest made so far)."""
    prefix = f"{MADE_PREFIX}-{received_on.year}-"
    highest = db.session.scalar(
        select(func.max(Referral.reference)).where(Referral.reference.like(f"{prefix}%"))
    )
    number = int(highest.removeprefix(prefix)) + 1 if highest else 1
    return f"{prefix}{number:04d}"


# Two referrals recorded at the same moment can be given the same made reference: the second
# tries the next number, this many times, before it is told to try again.
MADE_TRIES = 3


def record_referral(user: User, details: Details) -> Referral:
    """Record a referral as received, `user` its referrer (told of each move). The form's
    single-use id stops a double click; the unique reference refuses a second referral with the
    same council code (told on the form), and a made reference another request took a moment
    ago is replaced by the next number."""
    values = check(details)
    given = values.pop("reference", None)
    for _attempt in range(1 if given else MADE_TRIES):
        reference = given or next_reference(values["received_on"])
        referral = Referral(
            **values,
            reference=reference,
            status=RECEIVED,
            created_by_id=user.id,
            referrer_id=user.id,
        )
        try:
            with db.session.begin_nested():
                db.session.add(referral)
                db.session.flush()
        except IntegrityError:
            continue
        record_change(
            "referral.recorded", referral, user, after=_shown({**values, "reference": reference})
        )
        return referral
    if given:
        raise ReferralError(f"A referral with the reference {given} already exists", "reference")
    raise ReferralError("Other referrals were recorded at the same moment. Save it again")


def update_referral(user: User, referral: Referral, details: Details, seen: int | None) -> None:
    """Correct a referral's details while it is on its way, if nobody has changed it since the
    page was shown (`seen`): a page older than the referral is refused."""
    if referral.status not in EDITABLE:
        raise ReferralError(
            f"This referral is {referral.status_label.lower()}, so it cannot be changed"
        )
    values = check(details, referral)
    before = {name: getattr(referral, name) for name in values}
    workflow.change(
        referral,
        REFERRAL_MOVES,
        seen=referral.lock_version if seen is None else seen,
        **values,
    )
    changed = [name for name in values if before[name] != values[name]]
    record_change(
        "referral.updated",
        referral,
        user,
        before=_shown({name: before[name] for name in changed}),
        after=_shown({name: values[name] for name in changed}),
    )


def close_referral(user: User, referral: Referral, reason: str | None, seen: int | None) -> None:
    """Close a referral before it starts, with why (no child's personal data in it)."""
    why = (reason or "").strip()
    if problem := personal_data.text_problem(
        why, "The reason", REASON_LIMIT, missing="Enter why the referral is being closed"
    ):
        raise ReferralError(problem, "reason")
    move(
        user,
        referral,
        CLOSED,
        seen=referral.lock_version if seen is None else seen,
        why=why,
        closed_at=utcnow(),
        closed_reason=why,
    )


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in values.items()
    }
