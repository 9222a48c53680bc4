"""The rules with many cases: when a month's return is due (working days, England and Wales
bank holidays), which months a provider owes, which reminder is due on a day, and the rating a
value earns."""

from __future__ import annotations

from datetime import date

import pytest

from portal.kpi_returns import months, ratings, reminders
from portal.kpi_returns.models import COUNT, PERCENTAGE, YES_NO, KpiVersion
from portal.kpi_returns.obligations import Obligation


@pytest.mark.parametrize(
    ("month", "working_days", "due"),
    [
        # November 2026 ends on a Monday: ten working days is Monday 14 December.
        (date(2026, 11, 1), 10, date(2026, 12, 14)),
        # Across Christmas: Friday 25 and Monday 28 December 2026 (Boxing Day's substitute)
        # are bank holidays, so twenty working days after November is Wednesday 30 December.
        (date(2026, 11, 1), 20, date(2026, 12, 30)),
        # December 2026: New Year's Day (Friday) and the weekend come first.
        (date(2026, 12, 1), 10, date(2027, 1, 15)),
        # Across Easter 2026: Good Friday 3 April and Easter Monday 6 April.
        (date(2026, 3, 1), 10, date(2026, 4, 16)),
        # Across Easter 2027: Good Friday 26 March and Easter Monday 29 March.
        (date(2027, 2, 1), 20, date(2027, 3, 30)),
        # February 2027 ends on a Sunday: the first working day after it is Monday 1 March.
        (date(2027, 2, 1), 1, date(2027, 3, 1)),
        (date(2027, 2, 1), 10, date(2027, 3, 12)),
        # January 2027 ends on a Sunday too.
        (date(2027, 1, 1), 10, date(2027, 2, 12)),
    ],
)
def test_due_dates_count_working_days_after_the_month_ends(month, working_days, due, app_ctx):
    assert months.due_date(month, working_days) == due


def test_the_number_of_working_days_is_configured(make_app):
    app = make_app(KPI_DUE_WORKING_DAYS=20)
    with app.app_context():
        assert months.due_date(date(2026, 11, 1)) == date(2026, 12, 30)


@pytest.mark.parametrize(
    "lots",
    [
        {},
        # On one lot since before the period, and still on it.
        {1: (date(2025, 1, 1), None)},
        # Admitted during the period; admitted after it.
        {1: (date(2026, 5, 1), None)},
        {1: (date(2028, 1, 1), None)},
        # Removed during the period, before it, and after its first month only.
        {1: (date(2025, 1, 1), date(2026, 8, 1))},
        {1: (date(2024, 1, 1), date(2025, 6, 1))},
        {1: (date(2026, 1, 1), date(2026, 1, 1))},
        # Two lots with a gap between them, and two that overlap.
        {1: (date(2026, 1, 1), date(2026, 3, 1)), 2: (date(2026, 7, 1), None)},
        {1: (date(2025, 6, 1), date(2026, 9, 1)), 2: (date(2026, 4, 1), date(2026, 11, 1))},
    ],
)
def test_months_owed_in_a_period_are_those_owed_one_by_one(lots):
    obligation = Obligation(1, lots)
    period = months.months_between(date(2026, 1, 1), date(2027, 12, 1))
    assert obligation.owed_in(period) == [obligation.owes(month) for month in period]
    assert obligation.owed_in([]) == []


def test_months_are_added_and_read():
    assert months.add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert months.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert months.last_ended(date(2027, 1, 1)) == date(2026, 12, 1)
    assert months.parse_month("2027-03") == date(2027, 3, 1)
    assert months.parse_month("2027-13") is None
    assert months.parse_month("March") is None


@pytest.mark.parametrize(
    ("on", "kind"),
    [
        (date(2026, 12, 4), None),  # six working days before Monday 14 December
        (date(2026, 12, 7), "five_days"),  # five working days before
        (date(2026, 12, 10), "five_days"),
        (date(2026, 12, 11), "one_day"),  # Friday: the working day before
        (date(2026, 12, 12), "one_day"),  # the weekend in between
        (date(2026, 12, 14), None),  # the due date itself
        (date(2026, 12, 15), "chaser"),  # the day after it was missed
    ],
)
def test_which_reminder_is_due(on, kind):
    assert reminders.reminder_due(date(2026, 12, 14), on) == kind


def definition(unit=PERCENTAGE, higher=True, thresholds=(90, 85, 80)) -> KpiVersion:
    good, approaching, improvement = thresholds or (None, None, None)
    return KpiVersion(
        name="A KPI",
        unit=unit,
        higher_is_better=higher,
        good_from=good,
        approaching_from=approaching,
        requires_improvement_from=improvement,
    )


@pytest.mark.parametrize(
    ("value", "rating"),
    [
        (100, "good"),
        (90, "good"),
        (89.9, "approaching_target"),
        (85, "approaching_target"),
        (80, "requires_improvement"),
        (79.9, "inadequate"),
        (0, "inadequate"),
        (None, None),
    ],
)
def test_higher_is_better_ratings(value, rating):
    assert ratings.rate(value, definition()) == rating


@pytest.mark.parametrize(
    ("value", "rating"),
    [(0, "good"), (1, "approaching_target"), (3, "requires_improvement"), (4, "inadequate")],
)
def test_lower_is_better_ratings(value, rating):
    assert ratings.rate(value, definition(COUNT, higher=False, thresholds=(0, 1, 3))) == rating


def test_yes_no_and_unrated_kpis():
    assert ratings.rate(1, definition(YES_NO, thresholds=None)) == "good"
    assert ratings.rate(0, definition(YES_NO, thresholds=None)) == "inadequate"
    assert ratings.rate(5, definition(COUNT, thresholds=None)) is None


def test_ratings_carry_words_and_the_worst_wins():
    assert [ratings.label(rating) for rating in ratings.RATINGS] == [
        "Good",
        "Approaching target",
        "Requires improvement",
        "Inadequate",
    ]
    assert [ratings.colour(rating) for rating in ratings.RATINGS] == [
        "green",
        "yellow",
        "red",
        "red",
    ]
    assert ratings.worst(["good", None, "requires_improvement", "approaching_target"]) == (
        "requires_improvement"
    )
    assert ratings.worst([None]) is None
