"""Helpers for the capacity tests: the form a provider fills in, capacity made through the
service (dated in the past with the demo's clock), and reading what is saved."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.capacity import services
from portal.capacity.models import Capacity
from portal.core.db import db
from portal.core.time import clock_set_to, utcnow
from portal.lots.models import Lot
from portal.organisations.models import Organisation
from tests.support.pages import field_value


def lot_id(slug: str = "mentoring") -> int:
    return db.session.scalar(select(Lot.id).where(Lot.slug == slug))


def capacity_form(**overrides) -> dict:
    data = {
        "places_now": "3",
        "places_next_term": "5",
        "age_from": "11",
        "age_to": "16",
        "needs": ["semh", "ebsa"],
        "districts": "DY1, dy2, B63",
        "travel_support": "yes",
        "notes": "Two-week wait for an assessment visit.",
    }
    return data | overrides


def edit_url(organisation, lot: int) -> str:
    return f"/capacity/organisations/{organisation.id}/lots/{lot}"


def hidden(client, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200, page.status
    return {name: field_value(page, name) or "" for name in ("submission_id", "lock_version")}


def publish(client, organisation, lot: int, **overrides):
    url = edit_url(organisation, lot)
    return client.post(url, data=hidden(client, url) | capacity_form(**overrides))


def make_capacity(
    user: User,
    organisation: Organisation,
    slug: str = "mentoring",
    *,
    days_ago: int = 0,
    **details,
) -> Capacity:
    """Capacity published through the service, `days_ago` days ago (committed)."""
    values = {
        "places_now": 3,
        "places_next_term": 5,
        "age_from": 11,
        "age_to": 16,
        "needs": ("semh", "ebsa"),
        "districts": ("DY1", "DY2"),
        "travel_support": True,
        "notes": "",
    } | details
    with clock_set_to(utcnow() - timedelta(days=days_ago)):
        capacity = services.publish_capacity(
            user, organisation, lot_id(slug), services.CapacityDetails(**values), None
        )
    db.session.commit()
    return capacity


def saved(organisation, slug: str = "mentoring") -> Capacity | None:
    db.session.rollback()
    return db.session.scalar(
        select(Capacity).where(
            Capacity.organisation_id == organisation.id, Capacity.lot_id == lot_id(slug)
        )
    )


def capacity_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Capacity.id)))
