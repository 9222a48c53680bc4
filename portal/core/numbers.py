"""Reading numbers from what people type and what forms carry, in one place.

Python reads far more than a person means by a number: `Decimal("1e999999999")`, `float("nan")`,
`float("inf")`, `int("²")` (which `"²".isdigit()` lets through), and whole numbers beyond any
column. Each once reached arithmetic or the database and gave a 500. These readers accept plain
notation only (ASCII digits, one optional point), with a bound on size before any arithmetic, so
a caller can say what is wrong in its own words and never meets an exception.
"""

from __future__ import annotations

import re
from decimal import Decimal

# PostgreSQL's `integer`: the range of every whole-number column a form can reach (versions,
# ids, weights, counts).
INTEGER_MAX = 2_147_483_647
# Digits before the point: more than any amount the portal holds (pence in a `bigint`).
_MAX_DIGITS = 15
_WHOLE = re.compile(r"[0-9]{1,10}")
_DECIMAL = re.compile(rf"-?(?:[0-9]{{1,{_MAX_DIGITS}}}(?:\.[0-9]*)?|\.[0-9]+)")


def whole_number(value: str | None, maximum: int = INTEGER_MAX) -> int | None:
    """A whole number of 0 or more, written in ASCII digits, no larger than `maximum` (by default
    what an integer column holds); None for anything else. For values carried in hidden fields
    and query strings (versions, page numbers, ids), where anything else means "not given"."""
    if value is None or not _WHOLE.fullmatch(value):
        return None
    number = int(value)
    return number if number <= maximum else None


def plain_decimal(text: str | None) -> Decimal | None:
    """A number in plain notation ("1250", "-3", "92.5", ".5"), or None for anything else:
    exponents, NaN, infinities, other scripts' digits and more than 15 digits before the point
    are refused before any arithmetic is done."""
    if text is None or not _DECIMAL.fullmatch(text):
        return None
    return Decimal(text)
