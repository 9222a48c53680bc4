"""Demo capacity, published through the capacity service by each admitted provider's owner,
with the clock set to when they last confirmed it: most of it current, Stourbridge Mentoring
Trust's mentoring capacity out of date (40 days old, so its home page asks it to confirm), and
Bright Futures' online tuition not yet published (its home page asks it to publish). The
council's search and the SEMH mentoring placement request (area DY8) find some of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from portal.accounts.models import User
from portal.capacity import services as capacity
from portal.core.time import clock_set_to, utcnow
from portal.lots.models import Lot
from portal.organisations.models import Organisation


@dataclass(frozen=True)
class Published:
    owner: str  # the provider's owner's email
    lot: str
    places: tuple[int, int]  # now, next term
    ages: tuple[int, int]
    needs: tuple[str, ...]
    districts: tuple[str, ...]
    travel_support: bool
    days_ago: int
    notes: str = ""


PUBLISHED = (
    Published("provider@example.org", "in-person-tuition", (2, 4), (5, 16), ("asd", "ehcp"),
              ("DY1", "DY2", "DY3"), True, 3, "Tutors visit homes within 5 miles of Dudley."),
    Published("provider2@example.org", "mentoring", (3, 3), (11, 19), ("semh", "ebsa"),
              ("DY8", "DY9", "B63"), False, 40),
    Published("provider2@example.org", "semh-mentoring", (1, 2), (11, 16), ("semh", "adhd"),
              ("DY8", "DY9"), False, 6, "Sessions in school or at our Stourbridge base."),
    Published("owner@blackcountrytutors.example.org", "online-tuition", (8, 10), (8, 19),
              ("asd", "medical", "ebsa"), ("DY1", "DY2", "DY4", "B62"), False, 12),
    Published("owner@halesowenforest.example.org", "creative-therapeutic-provision", (4, 6),
              (5, 14), ("semh", "asd", "sensory"), ("B62", "B63", "DY9"), True, 9),
    Published("owner@sedgleyyouth.example.org", "semh-mentoring", (2, 3), (11, 18),
              ("semh", "ebsa"), ("DY3", "DY8", "WV14"), True, 2),
    Published("owner@wolverhamptonstem.example.org", "robotics-and-stem", (6, 6), (9, 16),
              ("asd", "adhd"), ("WV1", "WV14", "DY3"), False, 20),
)  # fmt: skip


def seed(users: dict[str, User], made: dict[str, Organisation], lots: dict[str, Lot]) -> None:
    """Each capacity in PUBLISHED, by its provider's owner, as of `days_ago` (again only where
    none is published yet, so running it twice changes nothing)."""
    for plan in PUBLISHED:
        organisation = made[plan.owner]
        lot_id = lots[plan.lot].id
        if capacity.lot_capacity(organisation, lot_id).capacity is not None:
            continue
        details = capacity.CapacityDetails(
            places_now=plan.places[0],
            places_next_term=plan.places[1],
            age_from=plan.ages[0],
            age_to=plan.ages[1],
            needs=plan.needs,
            districts=plan.districts,
            travel_support=plan.travel_support,
            notes=plan.notes,
        )
        with clock_set_to(utcnow() - timedelta(days=plan.days_ago)):
            capacity.publish_capacity(users[plan.owner], organisation, lot_id, details, None)
