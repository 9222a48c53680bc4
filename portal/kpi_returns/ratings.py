"""The four performance ratings of the Procurement Act 2023 (good, approaching target, requires
improvement, inadequate), and how a KPI's value earns one under its definition.

Tags always carry the rating's words: the colour only repeats them.
"""

from __future__ import annotations

from portal.kpi_returns.models import YES_NO, KpiVersion

GOOD = "good"
APPROACHING = "approaching_target"
REQUIRES_IMPROVEMENT = "requires_improvement"
INADEQUATE = "inadequate"
RATINGS = (GOOD, APPROACHING, REQUIRES_IMPROVEMENT, INADEQUATE)  # best first
LABELS = {
    GOOD: "Good",
    APPROACHING: "Approaching target",
    REQUIRES_IMPROVEMENT: "Requires improvement",
    INADEQUATE: "Inadequate",
}
COLOURS = {GOOD: "green", APPROACHING: "yellow", REQUIRES_IMPROVEMENT: "red", INADEQUATE: "red"}


def rate(value: float | None, definition: KpiVersion) -> str | None:
    """The rating `value` earns under `definition`; None when there is no value or the KPI is
    reported but not rated. A yes/no KPI is good when its answer is the better one and
    inadequate otherwise."""
    if value is None or not definition.is_rated:
        return None
    if definition.unit == YES_NO:
        better = 1.0 if definition.higher_is_better else 0.0
        return GOOD if value == better else INADEQUATE
    thresholds = (
        (GOOD, definition.good_from),
        (APPROACHING, definition.approaching_from),
        (REQUIRES_IMPROVEMENT, definition.requires_improvement_from),
    )
    for rating, threshold in thresholds:
        if threshold is None:
            continue
        reached = value >= threshold if definition.higher_is_better else value <= threshold
        if reached:
            return rating
    return INADEQUATE


def worst(ratings) -> str | None:
    """The worst of `ratings` (None among them ignored); None if there are none."""
    found = [rating for rating in ratings if rating]
    return max(found, key=RATINGS.index) if found else None


def label(rating: str | None) -> str:
    return LABELS.get(rating or "", "Not rated")


def colour(rating: str | None) -> str:
    return COLOURS.get(rating or "", "grey")
