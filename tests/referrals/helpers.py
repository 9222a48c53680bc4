"""Helpers for the referrals tests: the form a commissioner fills in, recording one through the
page, and a provider's capacity written directly (capacity's own pages are tested with it)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.capacity.models import Capacity, CapacityDistrict, CapacityNeed
from portal.core.db import db
from portal.core.time import today, utcnow
from portal.lots.models import Lot
from portal.referrals.models import Referral
from portal.referrals.services.measures import school_days
from tests.support.pages import field_value, page_errors


def lot_id(slug: str = "mentoring") -> int:
    return db.session.scalar(select(Lot.id).where(Lot.slug == slug))


def date_parts(name: str, day: date) -> dict[str, list[str]]:
    return {name: [str(day.day), str(day.month), str(day.year)]}


def referral_form(**overrides) -> dict:
    """A valid referral: mentoring, 14 to 16, SEMH and EBSA, in DY1, urgent, for SEND."""
    data = {
        "reference": "",
        "lot": str(lot_id()),
        "age_band": "14-16",
        "needs": ["semh", "ebsa"],
        "needs_summary": "Anxious about school; needs a calm, consistent mentor twice a week.",
        "district": "DY1",
        "urgency": "urgent",
        "team": "SEND",
        "requested_by": "Inclusion team",
        **date_parts("received_on", today()),
        **date_parts("required_start", today() + timedelta(days=14)),
    }
    return data | overrides


def post_new(client, **overrides):
    """POST the new referral form with the page's single-use id."""
    page = client.get("/referrals/new")
    assert page.status_code == 200
    data = referral_form(**overrides) | {"submission_id": field_value(page, "submission_id")}
    return client.post("/referrals/new", data=data)


def record(client, **overrides) -> int:
    """A referral recorded through the page: its id."""
    response = post_new(client, **overrides)
    assert response.status_code == 302, page_errors(response)
    return int(response.location.rsplit("/", 1)[1])


def referral(referral_id: int) -> Referral:
    db.session.rollback()
    return db.session.get(Referral, referral_id)


def referral_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Referral.id)))


def referral_events() -> list[str]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "referral")
            .order_by(AuditEvent.id)
        )
    )


def hidden(client, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return {
        name: field_value(page, name) or ""
        for name in ("submission_id", "lock_version")
        if field_value(page, name) is not None
    }


def give_capacity(
    organisation,
    *,
    lot_slug: str = "mentoring",
    needs=("semh", "ebsa"),
    districts=("DY1", "DY2"),
    ages=(11, 18),
    places: int = 3,
    confirmed_days_ago: int = 1,
) -> Capacity:
    """Capacity `organisation` has published on a lot (it must be admitted to it)."""
    capacity = Capacity(
        organisation_id=organisation.id,
        lot_id=lot_id(lot_slug),
        places_now=places,
        places_next_term=places + 1,
        age_from=ages[0],
        age_to=ages[1],
        travel_support=True,
        confirmed_at=utcnow() - timedelta(days=confirmed_days_ago),
        needs=[CapacityNeed(need=need) for need in needs],
        districts=[CapacityDistrict(district=district) for district in districts],
    )
    db.session.add(capacity)
    db.session.commit()
    return capacity


def add_referral(
    reference: str,
    *,
    lot_slug: str = "mentoring",
    team: str = "SEND",
    urgency: str = "routine",
    received_on: date,
    started_on: date | None = None,
    status: str | None = None,
    **values,
) -> Referral:
    """A referral written directly, at a point on its path (started when `started_on` is
    given), for the figures and lists; recording and moving them are tested through the pages."""
    made = Referral(
        reference=reference,
        status=status or ("started" if started_on else "received"),
        lot_id=lot_id(lot_slug),
        age_band="14-16",
        needs=["semh"],
        needs_summary="Needs a calm mentor.",
        district="DY1",
        urgency=urgency,
        team=team,
        requested_by="Inclusion team",
        required_start=received_on,
        received_on=received_on,
        started_on=started_on,
        # As the path stores it when the referral starts.
        school_days_to_start=school_days(received_on, started_on) if started_on else None,
        **values,
    )
    db.session.add(made)
    db.session.commit()
    return made
