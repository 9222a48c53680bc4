"""The audit log's share of the benchmark's seed: the administrators the audit pages are
measured as, and the sign-ins that make up most of a real log.

The other steps already write the events their services would (applications started and
submitted, review decisions, competitions, KPI returns); this adds each provider's sign-ins, a
few a month over the framework's two years, so the log at 1x is about as long as Dudley's would
be and ten times as long at 10x. Each administrator is given an organisation (one of those the
providers signed in as, whose history is the same at every scale) to read the history of.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
from flask import current_app
from sqlalchemy import Connection

from bench.seed.base import DOMAIN, LOAD_USERS, _next_id, _table, bulk_insert
from portal.accounts.models import ADMIN
from portal.core.time import utcnow

# Sign-ins per provider account over the two years.
SIGN_INS_PER_PROVIDER = 48


def seed_audit(connection: Connection, result, plan, staff, template) -> None:
    now = utcnow()
    first_user = _next_id(connection, "users")
    admins: list[dict[str, Any]] = []
    rows = []
    # One administrator exists already (it published the questionnaire); the load test signs
    # in LOAD_USERS and the statement count one more.
    for n in range(2, LOAD_USERS + 2):
        secret = pyotp.random_base32()
        person = {
            "id": first_user + len(rows),
            "email": f"{ADMIN}{n:02d}@council.{DOMAIN}",
            "totp_secret": secret,
        }
        rows.append((person["id"], person["email"], f"Admin {n:02d}", secret))
        admins.append(person)
    password_hash = current_app.extensions["bench_password_hash"]
    bulk_insert(
        connection,
        _table("users"),
        [
            "id",
            "email",
            "full_name",
            "password_hash",
            "role",
            "email_verified_at",
            "totp_secret",
            "totp_enabled_at",
            "created_at",
        ],
        (
            (user_id, email, name, password_hash, ADMIN, now, secret, now, now)
            for user_id, email, name, secret in rows
        ),
    )
    result.admins = [result.admin, *admins]
    for n, person in enumerate(result.admins):
        person["organisation_id"] = result.providers[n % len(result.providers)]["organisation_id"]

    first_event = _next_id(connection, "audit_events")
    step = timedelta(days=730) / SIGN_INS_PER_PROVIDER
    sign_ins = (
        (organisation_id, user_id, now - step * (k + 1) - timedelta(minutes=n % 600))
        for n, (organisation_id, user_id) in enumerate(plan.organisations)
        for k in range(SIGN_INS_PER_PROVIDER)
    )
    bulk_insert(
        connection,
        _table("audit_events"),
        ["id", "occurred_at", "actor_id", "action", "object_type", "object_id", "ip_address"],
        (
            (first_event + i, at, user_id, "account.signed_in", "user", user_id, "192.0.2.10")
            for i, (_organisation_id, user_id, at) in enumerate(sign_ins)
        ),
    )
