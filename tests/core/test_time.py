from datetime import UTC, date, datetime

import pytest

from portal.core.time import as_utc, format_date, format_datetime, format_time


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
