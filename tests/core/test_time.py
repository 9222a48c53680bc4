from datetime import UTC, date, datetime, timedelta

import pytest

from portal.competitions.clock import format_deadline
from portal.core.time import LONDON, as_utc, format_date, format_datetime, format_time


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_dates_are_written_out_in_full():
    assert format_date(date(2027, 1, 5)) == "5 January 2027"
    assert format_date(date(2027, 12, 25)) == "25 December 2027"
    assert format_date(None) == ""


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2027, 1, 5, 17, 0), "5pm"),
        (utc(2027, 1, 5, 10, 42), "10:42am"),
        (utc(2027, 1, 5, 9, 5), "9:05am"),
        (utc(2027, 1, 5, 12, 0), "midday"),
        (utc(2027, 1, 5, 12, 30), "12:30pm"),
        (utc(2027, 1, 5, 0, 0), "midnight"),
        (utc(2027, 1, 5, 0, 15), "12:15am"),
        (utc(2027, 1, 5, 23, 59), "11:59pm"),
    ],
)
def test_times_in_the_gov_uk_style(moment, expected):
    assert format_time(moment) == expected


def test_times_are_shown_in_uk_time_whether_gmt_or_bst():
    assert format_time(utc(2027, 1, 5, 17, 0)) == "5pm"  # GMT: UTC+0
    assert format_time(utc(2027, 7, 5, 16, 0)) == "5pm"  # BST: UTC+1
    # The clocks go forward at 1am GMT on 28 March 2027.
    assert format_time(utc(2027, 3, 28, 0, 59)) == "12:59am"
    assert format_time(utc(2027, 3, 28, 1, 0)) == "2am"


def test_the_uk_date_is_used_near_midnight():
    assert format_datetime(utc(2027, 6, 30, 23, 30)) == "1 July 2027 at 12:30am"
    assert format_datetime(utc(2027, 12, 31, 23, 30)) == "31 December 2027 at 11:30pm"
    assert format_date(utc(2027, 6, 30, 23, 0)) == "1 July 2027"
    assert format_datetime(utc(2027, 6, 30, 11, 0)) == "30 June 2027 at midday"
    assert format_datetime(None) == ""


def test_naive_times_from_sqlite_are_read_as_utc():
    naive = datetime(2027, 7, 5, 16, 0)  # what SQLite hands back
    assert as_utc(naive) == utc(2027, 7, 5, 16, 0)
    assert format_time(naive) == "5pm"


def test_working_days_skip_weekends_and_england_and_wales_bank_holidays():
    from datetime import date

    from portal.core.time import add_working_days, is_working_day, working_days_between

    # Friday 25 December 2026 and Monday 28 December (Boxing Day substitute) are holidays.
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))
    assert not is_working_day(date(2026, 12, 26))  # a Saturday
    assert is_working_day(date(2026, 12, 29))
    # Submitted on Thursday 24 December: Tuesday 29th is the first working day after.
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    # 29, 30, 31 December, then (1 January a holiday) 4 to 8 and 11, 12 January.
    assert add_working_days(date(2026, 12, 24), 10) == date(2027, 1, 12)
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 12)) == 10
    assert working_days_between(date(2027, 1, 12), date(2026, 12, 24)) == 0
    # Not a holiday in England: St Andrew's Day is Scotland's.
    assert is_working_day(date(2026, 11, 30))


def test_working_days_are_counted_as_walking_the_calendar_would_count_them():
    from datetime import timedelta

    from portal.core.time import is_working_day, working_days_between

    def walked(start, end):
        return sum(
            is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1)
        )

    # Every start in five weeks around Christmas and New Year (each weekday and holiday),
    # to every end up to a year and a half later.
    first = date(2026, 12, 1)
    starts = [first + timedelta(days=n) for n in range(35)]
    for start in starts:
        for days in [*range(-3, 40), 100, 180, 365, 366, 540]:
            end = start + timedelta(days=days)
            assert working_days_between(start, end) == walked(start, end), (start, end)


def test_the_demo_clock_sets_now_and_today_for_its_block_only():
    from datetime import timedelta

    from portal.core.time import clock_set_to, today, utcnow

    then = utc(2025, 3, 31, 23, 30)  # 1 April in London (summer time)
    with clock_set_to(then):
        assert then <= utcnow() < then + timedelta(minutes=1)
        assert today() == date(2025, 4, 1)
    assert utcnow() - datetime.now(UTC) < timedelta(seconds=1)


def test_every_day_and_month_is_named_as_strftime_names_it():
    """format_date and format_deadline look the names up rather than asking strftime."""
    for day in range(0, 372, 3):  # every month, every day of the week, a year boundary
        moment = utc(2026, 12, 28, 12) + timedelta(days=day)
        local = moment.astimezone(LONDON)
        assert format_date(moment.date()) == f"{moment.day} {moment:%B %Y}"
        assert format_deadline(moment).endswith(f" on {local:%A} {local.day} {local:%B %Y}")
