"""A KPI's value as people type it (the form, a CSV file) and read it (pages, exports,
escalations), by the KPI's unit."""

from __future__ import annotations

import re

from portal.core.numbers import plain_decimal
from portal.kpi_returns.models import DAYS, PERCENTAGE, POUNDS, YES_NO, KpiVersion

_YES_NO = {"yes": 1.0, "y": 1.0, "no": 0.0, "n": 0.0}


def parse_value(definition: KpiVersion, text: str | None) -> float | None:
    """The number `text` stands for under `definition` (None for blank). Raises ValueError with
    the message to show: a non-number, a count below zero or not whole, a percentage over 100."""
    text = (text or "").strip()
    if not text:
        return None
    name = definition.name
    if definition.unit == YES_NO:
        try:
            return _YES_NO[text.lower()]
        except KeyError:
            raise ValueError(f"{name} must be yes or no") from None
    cleaned = text.replace(",", "")
    if definition.unit == PERCENTAGE:
        cleaned = cleaned.removesuffix("%").strip()
    if definition.unit == POUNDS:
        cleaned = cleaned.removeprefix("£").strip()
    if definition.unit == DAYS:
        cleaned = re.sub(r"\s*days?$", "", cleaned)
    number = plain_decimal(cleaned)
    if number is None:
        example = {PERCENTAGE: "92.5", POUNDS: "1250.00"}.get(definition.unit, "12")
        raise ValueError(f"{name} must be a number, like {example}")
    value = float(number)
    if value < 0:
        raise ValueError(f"{name} must be 0 or more")
    if definition.unit == PERCENTAGE and value > 100:
        raise ValueError(f"{name} must be 100% or less")
    if definition.unit not in (PERCENTAGE, POUNDS, DAYS) and value != int(value):
        raise ValueError(f"{name} must be a whole number")
    if definition.unit == POUNDS:
        value = round(value, 2)
    return value


def format_value(value: float | None, unit: str) -> str:
    """A value as people read it: "92.5%", "£1,250.00", "3", "Yes"."""
    if value is None:
        return "Not given"
    if unit == YES_NO:
        return "Yes" if value else "No"
    if unit == POUNDS:
        return f"£{value:,.2f}"
    number = f"{value:,.1f}".removesuffix(".0")
    if unit == PERCENTAGE:
        return f"{number}%"
    if unit == DAYS:
        return f"{number} day" + ("" if value == 1 else "s")
    return number


def value_text(value: float | None, unit: str) -> str:
    """A value as it is typed into the form or a CSV file: "92.5", "yes"."""
    if value is None:
        return ""
    if unit == YES_NO:
        return "yes" if value else "no"
    return f"{value:g}"
