"""Reviews, decisions and admissions (an organisation on each lot of its approval), admitted
over the framework's two years by place on the KPI dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select

from bench.seed.base import Plan, _insert_dicts, _next_id, _table
from bench.seed.organisations import _organisation_details
from portal.accounts.models import REVIEWER
from portal.core.db import Base
from portal.core.time import utcnow


def _dashboard_places(plan: Plan, organisation_ids: Iterable[int]) -> dict[int, int]:
    """Each organisation's place in the KPI dashboard's order (name, then id), counting only
    `organisation_ids` (those on the framework)."""
    numbers = {organisation_id: n for n, (organisation_id, _user) in enumerate(plan.organisations)}

    def name(organisation_id: int) -> tuple[str, int]:
        details = _organisation_details(numbers[organisation_id])
        return (details["trading_name"] or details["legal_name"]).lower(), organisation_id

    return {id_: place for place, id_ in enumerate(sorted(organisation_ids, key=name))}


def _admitted_ago(number: int) -> timedelta:
    """How long ago the `number`th organisation was admitted: three in ten when the framework
    opened, just under two years ago, the rest at any time since up to a month ago (so each
    owes a return or more, none for more than the 24 months the dashboard shows)."""
    if number % 10 in (0, 3, 7):
        return timedelta(days=700 + number % 25, hours=number % 24)
    return timedelta(days=(number * 53) % 660 + 35, hours=number % 24)


def seed_reviews(connection, result, plan, staff, template) -> None:
    """Reviews (one per submitted application), decisions (approved, rejected, returned) and
    admissions (an organisation on each lot of its approval)."""
    tables = Base.metadata.tables
    if "reviews" not in tables:
        result.notes.append("Reviews: not built yet, no review data seeded.")
        return
    now = utcnow()
    reviewers = staff[REVIEWER]
    lot_ids = dict(connection.execute(select(_table("lots").c.slug, _table("lots").c.id)).all())
    submissions = {s["application_id"]: s for s in plan.submissions}
    organisation_of = {a["id"]: a["organisation_id"] for a in plan.applications}
    first_review = _next_id(connection, "reviews")
    reviews, decisions, admissions = [], [], {}
    first_decision = _next_id(connection, "decisions") if "decisions" in tables else 0
    places = _dashboard_places(
        plan,
        {organisation_of[a] for a, s in submissions.items() if s["status"] == "approved"},
    )
    for n, (application_id, submission) in enumerate(sorted(submissions.items())):
        status = submission["status"]
        decided = now - timedelta(days=n % 300)
        if status == "approved":
            # Admissions over the framework's two years (KPI returns are owed from the month
            # of admission), by place on the KPI dashboard: its first page (50 providers) holds
            # the same at every scale.
            decided = now - _admitted_ago(places[organisation_of[application_id]])
        assigned = reviewers[n % len(reviewers)] if status != "submitted" or n % 2 else None
        reviews.append(
            {
                "id": first_review + n,
                "application_id": application_id,
                "assigned_to_id": assigned,
                "opened_by_id": assigned if status != "submitted" else None,
                "opened_at": now - timedelta(days=1) if status != "submitted" else None,
                "private_note": "",
            }
        )
        if status in ("approved", "rejected", "returned") and "decisions" in tables:
            if status == "approved":
                details = [
                    {"lot": slug, "name": slug, "admitted": True, "reason": ""}
                    for slug in template.lots
                ]
            elif status == "rejected":
                details = [{"area": "about", "name": "About", "reason": "Not enough detail."}]
            else:
                details = []
            decisions.append(
                {
                    "id": first_decision + len(decisions),
                    "application_id": application_id,
                    "submission_id": submission["id"],
                    "kind": status,
                    "reason": "Decided by the benchmark seed.",
                    "details": details,
                    "decided_by_id": reviewers[n % len(reviewers)],
                    "decided_at": decided,
                }
            )
        if status == "approved" and "admissions" in tables:
            for slug in template.lots:
                key = (organisation_of[application_id], lot_ids[slug])
                admissions[key] = {
                    "organisation_id": key[0],
                    "lot_id": key[1],
                    "status": "suspended" if n % 17 == 0 else "admitted",
                    "application_id": application_id,
                    "admitted_at": decided,
                    "status_changed_at": decided,
                }
    counts = [_insert_dicts(connection, "reviews", reviews)]
    if "decisions" in tables:
        counts.append(_insert_dicts(connection, "decisions", decisions))
    if "admissions" in tables:
        first = _next_id(connection, "admissions")
        rows = [{"id": first + i, **row} for i, row in enumerate(admissions.values())]
        counts.append(_insert_dicts(connection, "admissions", rows))
    result.notes.append(f"Reviews seeded: reviews, decisions, admissions = {counts}.")
