"""The published scoring rules (templates/admissions/how_call_offs_are_made.html), as arithmetic.

Marks are exact fractions until they are shown, so a ranking never turns on a rounding error:
1000 ÷ 1250 × 40 is exactly 32, and three thirds add up to one.

- quality marks for a question = agreed score ÷ 4 × the question's weight
- price marks = lowest price ÷ this price × price weight
- local marks (where the council gives them) = the local weight for a provider based in the
  borough, 0 otherwise
- total = quality + price + local marks; the most marks ranks first. Equal totals: the higher
  quality marks ranks first; still equal, the lower price; still equal, they share the rank.
- a price more than 30% below the average of the other quotes' prices is abnormally low.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MAX_SCORE = 4
SCORE_DESCRIPTORS = {
    4: "Excellent: fully meets the need, with clear and convincing detail",
    3: "Good: meets the need, with some detail",
    2: "Satisfactory: meets the need in most respects, with little detail",
    1: "Poor: meets only part of the need, or leaves serious doubts",
    0: "No answer, or an answer that does not meet the need",
}

# A price this fraction or less of the average of the other prices is flagged.
ABNORMALLY_LOW_BELOW = Fraction(70, 100)

# Placement requests: the published methodology's distance bands, scored without an evaluator.
DISTANCE_BANDS = {
    "under-3": ("Under 3 miles", 4),
    "3-to-5": ("3 to 5 miles", 3),
    "5-to-10": ("5 to 10 miles", 2),
    "10-to-20": ("10 to 20 miles", 1),
    "over-20": ("Over 20 miles", 0),
}

# Placement requests: the published methodology's criteria and weights (out of 100).
PLACEMENT_QUESTIONS = (
    ("How you would meet this child's needs", 40, 500, "text"),
    ("When you could start and the hours you can offer", 20, 200, "text"),
    ("How far you are from the area given", 10, 0, "distance_band"),
)
PLACEMENT_PRICE_WEIGHT = 30


def distance_score(band: str | None) -> int:
    return DISTANCE_BANDS[band][1] if band in DISTANCE_BANDS else 0


@dataclass(frozen=True)
class Bid:
    """What scoring needs of one quote: its price, its agreed score per question and whether
    the provider is based in the borough."""

    key: int
    price_pence: int
    scores: dict[int, int]  # question id: agreed score 0-4
    is_local: bool = False


@dataclass
class Result:
    key: int
    price_pence: int
    quality: Fraction
    price: Fraction
    local: Fraction
    question_marks: dict[int, Fraction] = field(default_factory=dict)
    rank: int = 0
    shares_rank: bool = False
    abnormally_low: bool = False

    @property
    def total(self) -> Fraction:
        return self.quality + self.price + self.local


def question_marks(score: int, weight: int) -> Fraction:
    """A question's share of the quality marks: score ÷ 4 × weight."""
    if not 0 <= score <= MAX_SCORE:
        raise ValueError(f"A score must be from 0 to {MAX_SCORE}")
    return Fraction(score, MAX_SCORE) * weight


def price_marks(lowest_pence: int, price_pence: int, weight: int) -> Fraction:
    """lowest price ÷ this price × price weight."""
    if price_pence <= 0 or lowest_pence <= 0:
        raise ValueError("Prices must be more than zero")
    return Fraction(lowest_pence, price_pence) * weight


def is_abnormally_low(price_pence: int, other_prices: list[int]) -> bool:
    """More than 30% below the average of the other quotes' prices (never, with no others)."""
    if not other_prices:
        return False
    average = Fraction(sum(other_prices), len(other_prices))
    return price_pence < average * ABNORMALLY_LOW_BELOW


def _order(result: Result) -> tuple:
    return (-result.total, -result.quality, result.price_pence)


def rank(
    bids: list[Bid], weights: dict[int, int], price_weight: int, local_weight: int = 0
) -> list[Result]:
    """Score and rank `bids` by the published rules, best first. `weights` maps each quality
    question's id to its weight; a question a bid has no score for scores 0."""
    if not bids:
        return []
    lowest = min(bid.price_pence for bid in bids)
    results = []
    for bid in bids:
        marks = {
            question: question_marks(bid.scores.get(question, 0), weight)
            for question, weight in weights.items()
        }
        others = [other.price_pence for other in bids if other.key != bid.key]
        results.append(
            Result(
                key=bid.key,
                price_pence=bid.price_pence,
                quality=sum(marks.values(), Fraction(0)),
                price=price_marks(lowest, bid.price_pence, price_weight),
                local=Fraction(local_weight if bid.is_local else 0),
                question_marks=marks,
                abnormally_low=is_abnormally_low(bid.price_pence, others),
            )
        )
    results.sort(key=lambda result: (*_order(result), result.key))
    for position, result in enumerate(results, start=1):
        previous = results[position - 2] if position > 1 else None
        if previous is not None and _order(previous) == _order(result):
            result.rank = previous.rank
            result.shares_rank = previous.shares_rank = True
        else:
            result.rank = position
    return results


def shown(marks: Fraction) -> str:
    """Marks as a page shows them: to 2 decimal places, rounding half up, no trailing zeros
    ("32", "26.67", "12.5")."""
    rounded = (Decimal(marks.numerator) / Decimal(marks.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    text = f"{rounded:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
