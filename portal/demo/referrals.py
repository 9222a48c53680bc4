"""Demo referrals, recorded and moved on through the services by the commissioner with the clock
set to when each step happened: three waiting for a match (an emergency from yesterday, an
urgent one, and a routine one past the 10-school-day target), four placed through direct
call-offs the providers accepted (two within the target, two not) for the time-to-place
dashboard, one offered and waiting for the provider to accept, and one closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.accounts.models import User
from portal.contracts.services import agreeing, making
from portal.contracts.services.common import Terms
from portal.core.time import add_working_days, clock_set_to, london_hour, today
from portal.lots.models import Lot
from portal.organisations.models import Organisation
from portal.referrals.models import Referral
from portal.referrals.services import recording


@dataclass(frozen=True)
class Story:
    reference: str
    lot: str
    team: str
    urgency: str
    age_band: str
    needs: tuple[str, ...]
    summary: str
    district: str
    requested_by: str
    received_days_ago: int
    # Placed: the provider's owner, and the school days from received to start.
    provider: str | None = None
    days_to_start: int = 0
    accepted: bool = True
    closed: str | None = None


STORIES = (
    Story("RF-DEMO-0001", "alternative-provision", "Alternative Provision", "emergency", "14-16",
          ("semh",), "Permanently excluded yesterday; needs a full-time place from next week.",
          "DY2", "Inclusion team", 1),
    Story("RF-DEMO-0002", "mentoring", "SEND", "urgent", "11-13", ("asd", "ebsa"),
          "Not attending since half term; needs a mentor to rebuild routine.", "DY8",
          "Attendance team", 3),
    Story("RF-DEMO-0003", "online-tuition", "Virtual School", "routine", "14-16", ("medical",),
          "Long-term medical needs; tuition at home in maths and English.", "B63",
          "Virtual School", 20),
    Story("RF-DEMO-0004", "alternative-provision", "Alternative Provision", "urgent", "14-16",
          ("semh", "adhd"), "At risk of exclusion; a part-time timetable with a provider.", "DY1",
          "Inclusion team", 40, provider="owner@nationallearning.example.org", days_to_start=6),
    Story("RF-DEMO-0005", "creative-therapeutic-provision", "Virtual School", "routine", "8-10",
          ("semh",), "Needs therapeutic, creative sessions alongside school.", "B62",
          "Virtual School", 35, provider="owner@halesowenforest.example.org", days_to_start=14),
    Story("RF-DEMO-0006", "semh-mentoring", "SEND", "emergency", "11-13", ("semh", "ehcp"),
          "Plan names mentoring; the previous provider closed.", "DY3", "SEND team", 30,
          provider="owner@sedgleyyouth.example.org", days_to_start=3),
    Story("RF-DEMO-0007", "alternative-provision", "SEND", "routine", "14-16", ("asd",),
          "Needs a small-group setting for Key Stage 4.", "DY6", "SEND team", 28,
          provider="owner@nationallearning.example.org", days_to_start=12),
    Story("RF-DEMO-0008", "mentoring", "SEND", "urgent", "14-16", ("ebsa",),
          "Anxious about school; needs a mentor twice a week.", "DY3", "Pastoral team", 6,
          provider="owner@sedgleyyouth.example.org", days_to_start=8, accepted=False),
    Story("RF-DEMO-0009", "in-person-tuition", "SEND", "routine", "8-10", ("speech_language",),
          "Speech and language support alongside reading tuition.", "DY1", "SEND team", 15,
          closed="The school has arranged the support itself."),
)  # fmt: skip

WHY = "The child needs a place at once and the provider has one; there is no time for quotes."


def seed(users: dict[str, User], made: dict[str, Organisation], lots: dict[str, Lot]) -> None:
    """Each story's referral, as received; then, for a placed one, a direct call-off naming it
    two working days later (which offers it) and the provider's acceptance the next day (which
    starts it, on the contract's start date)."""
    commissioner = users["commissioner@example.org"]
    now = today()
    for story in STORIES:
        received = now - timedelta(days=story.received_days_ago)
        with clock_set_to(london_hour(received, 9)):
            referral = recording.record_referral(commissioner, _details(story, received, lots))
        if story.provider:
            _place(commissioner, users[story.provider], made[story.provider], story, referral)
        if story.closed:
            with clock_set_to(london_hour(received + timedelta(days=2), 10)):
                recording.close_referral(commissioner, referral, story.closed, None)


def _details(story: Story, received: date, lots: dict[str, Lot]) -> recording.Details:
    return recording.Details(
        reference=story.reference,
        lot_id=lots[story.lot].id,
        age_band=story.age_band,
        needs=list(story.needs),
        needs_summary=story.summary,
        district=story.district,
        urgency=story.urgency,
        team=story.team,
        requested_by=story.requested_by,
        required_start=add_working_days(received, max(story.days_to_start, 5)),
        received_on=received,
    )


def _place(
    commissioner: User, owner: User, organisation: Organisation, story: Story, referral: Referral
) -> None:
    start = add_working_days(referral.received_on, story.days_to_start)
    sent = add_working_days(referral.received_on, min(2, story.days_to_start))
    terms = Terms(
        organisation_id=organisation.id,
        lot_id=referral.lot_id,
        title=f"Placement for referral {story.reference}",
        team=story.team,
        start_on=start,
        end_on=start + timedelta(weeks=12),
        unit="week",
        rate_pence=15_000,
        planned_units=12,
        held_back_percent=10,
        placement_reference=story.reference,
    )
    with clock_set_to(london_hour(min(sent, today()), 11)):
        contract = making.make_direct_call_off(commissioner, terms, "urgent_need", WHY)
    if story.accepted:
        with clock_set_to(london_hour(min(sent + timedelta(days=1), today()), 9)):
            agreeing.accept(owner, contract, None)
