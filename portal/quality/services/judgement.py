"""The overall judgement of a visit, from its grades, by the rule the council publishes (the
recording page and the visit page show RULE, so visitor and provider read the same words).

    Inadequate            any safeguarding item not met, or 3 or more items not met
    Requires improvement  any item not met, 3 or more items partly met, or any safeguarding
                          item partly met or not seen
    Good                  otherwise

Safeguarding items are those in the checklist's sections marked `safeguarding: true`
(safeguarding lead, single central record, attendance, behaviour and physical intervention):
the council cannot call a provider good without having seen them met.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from portal.quality.models import (
    GOOD,
    INADEQUATE,
    NOT_MET,
    NOT_SEEN,
    PARTLY_MET,
    REQUIRES_IMPROVEMENT,
)

# How many items at a grade tip the judgement down, wherever they are.
MANY = 3

RULE = (
    (
        "Inadequate",
        f"any safeguarding item is not met, or {MANY} or more items are not met",
    ),
    (
        "Requires improvement",
        f"any item is not met, {MANY} or more items are partly met, or any safeguarding "
        "item is partly met or not seen",
    ),
    ("Good", "otherwise"),
)


@dataclass(frozen=True)
class Judgement:
    judgement: str
    because: str  # the part of the rule that decided it, in words


def judge(grades: Mapping[str, str], safeguarding: Collection[str]) -> Judgement:
    """The judgement `grades` (item id -> grade) give, where `safeguarding` holds the ids of the
    safeguarding items. The first part of the rule that applies decides."""
    not_met = [item for item, grade in grades.items() if grade == NOT_MET]
    partly = [item for item, grade in grades.items() if grade == PARTLY_MET]
    guarded_not_met = [item for item in not_met if item in safeguarding]
    guarded_doubt = [
        item
        for item, grade in grades.items()
        if item in safeguarding and grade in (PARTLY_MET, NOT_SEEN)
    ]
    if guarded_not_met:
        return Judgement(INADEQUATE, _count(guarded_not_met, "safeguarding item", "not met"))
    if len(not_met) >= MANY:
        return Judgement(INADEQUATE, _count(not_met, "item", "not met"))
    if not_met:
        return Judgement(REQUIRES_IMPROVEMENT, _count(not_met, "item", "not met"))
    if len(partly) >= MANY:
        return Judgement(REQUIRES_IMPROVEMENT, _count(partly, "item", "partly met"))
    if guarded_doubt:
        return Judgement(
            REQUIRES_IMPROVEMENT,
            _count(guarded_doubt, "safeguarding item", "partly met or not seen"),
        )
    return Judgement(GOOD, "No item is not met, and every safeguarding item is met")


def _count(items: list[str], one: str, grade: str) -> str:
    many = len(items) != 1
    return f"{len(items)} {one}{'s' if many else ''} {'are' if many else 'is'} {grade}"
