"""Lots, the published questionnaire and council staff (from the portal's own services), then
provider accounts and their organisations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyotp
from flask import current_app
from sqlalchemy import Connection

from bench.seed.base import (
    DOMAIN,
    LOAD_USERS,
    PASSWORD,
    TEMPLATE_NAME,
    Plan,
    SeedResult,
    Template,
    _next_id,
    _table,
    bulk_insert,
)
from portal.accounts.models import ADMIN, COMMISSIONER, PROVIDER, REVIEWER
from portal.accounts.passwords import hash_password
from portal.core.db import Base, db
from portal.core.time import utcnow
from portal.lots.services import ensure_starting_lots
from portal.questionnaires import services as questionnaires

V1 = Path(questionnaires.__file__).parent / "content" / "v1.yaml"


def _reference_data(result: SeedResult) -> dict[str, list[int]]:
    """Lots, the published questionnaire and council staff (every one with two-factor)."""
    from portal.accounts.models import User

    password_hash = hash_password(PASSWORD)
    staff: dict[str, list[int]] = {REVIEWER: [], COMMISSIONER: [], ADMIN: []}
    with db.session.begin():
        ensure_starting_lots()
        if "kpis" in Base.metadata.tables:
            # The KPIs the council asks for, as `flask kpi seed` makes them (every lot).
            from portal.kpi_returns.definitions import ensure_starting_kpis

            ensure_starting_kpis()
        # One more of each staff role than the load test signs in: the query count signs in
        # as the last, and a two-factor code is accepted once per person and time step.
        people = [(ADMIN, 1), (REVIEWER, LOAD_USERS + 1), (COMMISSIONER, LOAD_USERS + 1)]
        for role, number in people:
            for n in range(1, number + 1):
                user = User(
                    email=f"{role}{n:02d}@council.{DOMAIN}",
                    full_name=f"{role.title()} {n:02d}",
                    role=role,
                    password_hash=password_hash,
                    email_verified_at=utcnow(),
                    totp_secret=pyotp.random_base32(),
                    totp_enabled_at=utcnow(),
                )
                db.session.add(user)
                db.session.flush()
                staff[role].append(user.id)
                person = {"id": user.id, "email": user.email, "totp_secret": user.totp_secret}
                if role == ADMIN:
                    result.admin = person
                else:
                    (result.reviewers if role == REVIEWER else result.commissioners).append(person)
        admin = db.session.get(User, staff[ADMIN][0])
        version, _created = questionnaires.load_version(V1, admin)
        questionnaires.publish_version(admin, version.id)
    current_app.extensions["bench_password_hash"] = password_hash
    return staff


_LEGAL_FORMS = ("company", "charity", "cic", "sole_trader", "company", "partnership", "other")

_POSTCODES = ("DY1 4QF", "DY8 1DE", "B63 3BL", "WV14 0QL", "B1 1AA", "WS1 1AA", "DY2 7BD")

_LOCAL = ("DY1", "DY8", "B63", "WV14", "DY2")


def _organisation_details(n: int) -> dict[str, Any]:
    legal_form = _LEGAL_FORMS[n % len(_LEGAL_FORMS)]
    postcode = _POSTCODES[n % len(_POSTCODES)]
    return {
        "legal_name": TEMPLATE_NAME if n == 0 else f"Bench Provider {n:05d} Ltd",
        "trading_name": f"Bench Learning {n:05d}" if n % 3 == 0 and n else None,
        "legal_form": legal_form,
        # Unique numbers (the template organisation, n = 0, has its own).
        "company_number": f"{20000000 + n:08d}" if legal_form in ("company", "cic") else None,
        "charity_number": f"{2000000 + n}" if legal_form == "charity" else None,
        "is_sme": True,
        "is_vcse": legal_form in ("charity", "cic"),
        "address_line_1": f"{n % 200 + 1} Castle Hill",
        "address_line_2": None,
        "town": "Dudley",
        "postcode": postcode,
        "phone": "01384 000000",
        "website": f"https://provider-{n}.example.org" if n % 2 else None,
        "contact_name": f"Contact {n:05d}",
        "contact_email": f"provider{n:05d}@{DOMAIN}",
    }


def _organisations(
    connection: Connection, result: SeedResult, count: int, template: Template
) -> Plan:
    now = utcnow()
    first_user, first_org = _next_id(connection, "users"), _next_id(connection, "organisations")
    first_membership = _next_id(connection, "memberships")
    password_hash = current_app.extensions["bench_password_hash"]
    numbers = range(1, count)  # the template organisation is the first of `count`
    bulk_insert(
        connection,
        _table("users"),
        ["id", "email", "full_name", "password_hash", "role", "email_verified_at", "created_at"],
        (
            (
                first_user + i,
                f"provider{n:05d}@{DOMAIN}",
                f"Provider {n:05d}",
                password_hash,
                PROVIDER,
                now,
                now,
            )
            for i, n in enumerate(numbers)
        ),
    )
    detail_columns = list(_organisation_details(1))
    bulk_insert(
        connection,
        _table("organisations"),
        ["id", *detail_columns, "is_local", "created_at", "updated_at"],
        (
            (
                first_org + i,
                *_organisation_details(n).values(),
                _organisation_details(n)["postcode"].split()[0] in _LOCAL,
                now,
                now,
            )
            for i, n in enumerate(numbers)
        ),
    )
    bulk_insert(
        connection,
        _table("memberships"),
        ["id", "organisation_id", "user_id", "role", "created_at"],
        (
            (first_membership + i, first_org + i, first_user + i, "owner", now)
            for i in range(count - 1)
        ),
    )
    organisations = [(template.organisation_id, template.user_id)]
    organisations += [(first_org + i, first_user + i) for i in range(count - 1)]
    names = {template.organisation_id: TEMPLATE_NAME}
    names.update({first_org + i: f"Bench Provider {n:05d} Ltd" for i, n in enumerate(numbers)})
    return Plan(organisations=organisations, names=names)
