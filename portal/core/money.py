"""Amounts of money as people type them: "£1,250", "1250.50", "5 million", "£5m", "48.5k".

One reader for every money box a person fills in, so an amount accepted on one page is accepted
on every other. Amounts are whole pence (the domain's unit for money).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Words people use for large amounts, after spaces are taken out and lower-cased.
_SCALES = {"": 1, "k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}
_AMOUNT = re.compile(r"(?P<sign>-?)£?(?P<sign2>-?)(?P<number>\d*\.?\d*)(?P<scale>[a-z]*)")


class NotMoney(ValueError):
    """Typed text that is not an amount: `reason` is "format", "negative" or "decimals"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_pence(text: str | None) -> int | None:
    """Whole pence from what was typed, or None when nothing was. Commas, spaces and a pound
    sign are ignored; "million"/"m" and "thousand"/"k" multiply. Raises NotMoney."""
    cleaned = re.sub(r"[\s,]", "", text or "").lower()
    if not cleaned:
        return None
    match = _AMOUNT.fullmatch(cleaned)
    if not match or not re.search(r"\d", match["number"]) or match["scale"] not in _SCALES:
        raise NotMoney("format")
    if match["sign"] or match["sign2"]:
        raise NotMoney("negative")
    try:
        pence = Decimal(match["number"]) * _SCALES[match["scale"]] * 100
    except InvalidOperation:
        raise NotMoney("format") from None
    if pence != pence.to_integral_value():
        raise NotMoney("decimals")
    return int(pence)


def format_pence(pence: int) -> str:
    """£1,250.50, or £1,250 for whole pounds."""
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}.{rest:02d}" if rest else f"£{pounds:,}"
