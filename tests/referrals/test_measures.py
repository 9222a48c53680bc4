"""Time to place, worked through by hand: school days are weekdays that are not bank holidays,
counted after the day received up to and including the day started.

The four placed referrals below (and a closed one and an open one, which are not placed):

| referral | type of service       | team     | urgency   | received    | started     | days |
|----------|-----------------------|----------|-----------|-------------|-------------|------|
| XMAS-1   | Mentoring             | SEND     | urgent    | Fri 18 Dec  | Mon 4 Jan   | 8    |
| EASTER-1 | Mentoring             | Virtual  | routine   | Thu 25 Mar  | Thu 8 Apr   | 8    |
| AP-1     | Alternative Provision | SEND     | emergency | Mon 1 Mar   | Fri 12 Mar  | 9    |
| AP-2     | Alternative Provision | SEND     | routine   | Mon 1 Mar   | Tue 16 Mar  | 11   |

(received December 2026, the rest 2027; "Virtual" is the Virtual School.)

XMAS-1: the 11 weekdays from 21 December to 4 January less Christmas Day, the Boxing Day
holiday (Monday 28 December, as the 26th is a Saturday) and New Year's Day: 8. EASTER-1: the 10
weekdays from 26 March to 8 April less Good Friday and Easter Monday: 8. AP-1: 1 March to 12
March is 9 weekdays after the Monday; AP-2, 11.

So 3 of 4 were placed within 10 school days (75%), median 8.5, average 9.0, longest 11.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.core.db import db
from portal.core.time import today
from portal.referrals.services.measures import school_days
from tests.referrals.helpers import add_referral
from tests.support.exports import read_csv, read_xlsx
from tests.support.pages import page_text, soup


@pytest.mark.parametrize(
    ("received", "started", "days"),
    [
        (date(2026, 12, 18), date(2027, 1, 4), 8),  # over Christmas and New Year
        (date(2027, 3, 25), date(2027, 4, 8), 8),  # over Easter
        (date(2027, 3, 5), date(2027, 3, 8), 1),  # a Friday to the Monday
        (date(2027, 3, 6), date(2027, 3, 7), 0),  # a weekend
        (date(2027, 3, 8), date(2027, 3, 8), 0),  # the same day
        (date(2027, 3, 1), date(2027, 3, 15), 10),  # two weeks: just within the target
    ],
)
def test_school_days(received, started, days):
    assert school_days(received, started) == days


@pytest.fixture
def placed(app_ctx):
    add_referral(
        "XMAS-1", urgency="urgent", received_on=date(2026, 12, 18), started_on=date(2027, 1, 4)
    )
    add_referral(
        "EASTER-1",
        team="Virtual School",
        received_on=date(2027, 3, 25),
        started_on=date(2027, 4, 8),
    )
    add_referral(
        "AP-1",
        lot_slug="alternative-provision",
        urgency="emergency",
        received_on=date(2027, 3, 1),
        started_on=date(2027, 3, 12),
    )
    add_referral(
        "AP-2",
        lot_slug="alternative-provision",
        received_on=date(2027, 3, 1),
        started_on=date(2027, 3, 16),
    )
    add_referral("CLOSED-1", status="closed", received_on=date(2026, 11, 2))
    add_referral("OPEN-1", urgency="emergency", received_on=today())


def _table(page, caption: str) -> list[list[str]]:
    table = soup(page).find("caption", string=caption).find_parent("table")
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.tbody.find_all("tr")
    ]


def test_the_dashboard_shows_the_worked_figures(reviewer_client, placed):
    page = reviewer_client.get("/referrals/dashboard")
    assert page.status_code == 200
    text = page_text(page)
    assert "4 placed" in text and "75% placed within 10 school days" in text
    assert "1 open referrals waiting" in text
    assert _table(page, "By type of service") == [
        ["Alternative Provision", "2", "1 (50%)", "10.0", "10.0", "11"],
        ["Mentoring", "2", "2 (100%)", "8.0", "8.0", "8"],
    ]
    assert _table(page, "By commissioning team") == [
        ["SEND", "3", "2 (67%)", "9.0", "9.3", "11"],
        ["Virtual School", "1", "1 (100%)", "8.0", "8.0", "8"],
        ["Alternative Provision", "0", "None placed", "", "", ""],
    ]
    assert _table(page, "By urgency") == [
        ["Emergency (same week)", "1", "1 (100%)", "9.0", "9.0", "9"],
        ["Urgent", "1", "1 (100%)", "8.0", "8.0", "8"],
        ["Routine", "2", "1 (50%)", "9.5", "9.5", "11"],
    ]
    assert "OPEN-1" in text and "XMAS-1" not in text
    # The charts say the same in words: the medians of the groups that placed anyone.
    described = soup(page).find(id="chart-teams-desc").get_text()
    assert described == (
        "Median school days from referral to start. SEND: 9 school days; Virtual School: 8 "
        "school days."
    )


def test_the_export_has_the_same_figures(reviewer_client, placed):
    rows = read_csv(reviewer_client.get("/referrals/dashboard/export"))
    assert rows[0][:4] == ["Grouped by", "Group", "Placed", "Placed within 10 school days"]
    assert rows[1] == ["All", "All referrals", "4", "3", "75", "8.5", "9", "11"]
    assert ["Type of service", "Alternative Provision", "2", "1", "50", "10", "10", "11"] in rows
    assert ["Urgency", "Routine", "2", "1", "50", "9.5", "9.5", "11"] in rows
    assert ["Commissioning team", "Alternative Provision", "0", "0", "", "", "", ""] in rows
    sheet = read_xlsx(reviewer_client.get("/referrals/dashboard/export-xlsx"))
    assert sheet[1][:5] == ["All", "All referrals", 4, 3, 75]


def test_the_longest_waiting_include_those_waiting_as_long_as_the_last_listed(
    reviewer_client, app_ctx
):
    """Twenty are listed: the nineteen oldest, then, of the five waiting exactly as long as the
    twentieth oldest (received on a Friday, or over the weekend after it), the most urgent,
    though it was received last of them; one received the Monday after has waited a day less."""
    for number in range(19):
        add_referral(f"OLD-{number}", received_on=date(2026, 9, 1) + timedelta(days=number))
    friday = date(2026, 10, 2)
    for reference, received, urgency in [
        ("FRI-1", friday, "routine"),
        ("FRI-2", friday, "routine"),
        ("FRI-3", friday, "urgent"),
        ("SAT-1", friday + timedelta(days=1), "routine"),
        ("SUN-1", friday + timedelta(days=2), "emergency"),
        ("MON-1", friday + timedelta(days=3), "emergency"),
    ]:
        add_referral(reference, urgency=urgency, received_on=received)
    db.session.commit()
    page = reviewer_client.get("/referrals/dashboard")
    listed = [row[0].split()[0] for row in _table(page, "Open referrals waiting, longest first")]
    assert listed == [f"OLD-{number}" for number in range(19)] + ["SUN-1"]
    assert "25 open referrals waiting" in page_text(page)


def test_those_waiting_as_long_as_the_last_listed_include_a_bank_holiday_weekend(
    reviewer_client, app_ctx
):
    """Received on the Thursday before Easter or on any day up to Easter Monday, a referral
    has waited as long: the most urgent of them is listed, however late in the run of days
    without school it came; one received the Tuesday after has waited a day less. Every open
    one is counted by status, listed or not."""
    for number in range(19):
        add_referral(f"OLD-{number}", received_on=date(2026, 3, 1) + timedelta(days=number))
    thursday = date(2026, 4, 2)  # Good Friday is 3 April 2026, Easter Monday 6 April
    for reference, received, urgency, status in [
        ("THU-1", thursday, "routine", "received"),
        ("THU-2", thursday, "routine", "matched"),
        ("MON-1", thursday + timedelta(days=4), "urgent", "offered"),
        ("TUE-1", thursday + timedelta(days=5), "emergency", "offered"),
    ]:
        add_referral(reference, urgency=urgency, received_on=received, status=status)
    db.session.commit()
    page = reviewer_client.get("/referrals/dashboard")
    listed = [row[0].split()[0] for row in _table(page, "Open referrals waiting, longest first")]
    assert listed == [f"OLD-{number}" for number in range(19)] + ["MON-1"]
    assert "23 open referrals waiting" in page_text(page)
    assert "20 received, 1 matched, 2 offered." in page_text(page)


def test_those_received_today_or_later_have_all_waited_as_long(reviewer_client, app_ctx):
    """When the twentieth oldest was received today, every one received today or after has
    waited no school days, as long as it: the most urgent of them are listed, even one
    recorded as received weeks ahead."""
    for number in range(19):
        add_referral(f"OLD-{number}", received_on=today() - timedelta(days=40 - number))
    add_referral("TODAY-1", received_on=today())
    add_referral("AHEAD-1", urgency="emergency", received_on=today() + timedelta(days=30))
    db.session.commit()
    page = reviewer_client.get("/referrals/dashboard")
    listed = [row[0].split()[0] for row in _table(page, "Open referrals waiting, longest first")]
    assert listed[-1] == "AHEAD-1"
    assert "TODAY-1" not in listed
