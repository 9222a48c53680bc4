"""What only a placement request has: the published method's fixed weights and questions
(scoring.PLACEMENT_*), and checks that its details carry nothing that looks like a child's
personal data. Its lighter evaluation (one evaluator, no moderation) is in drafting.set_evaluators
and evaluating.submit_scores."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from portal.accounts.models import User
from portal.capacity.models import NEEDS
from portal.competitions import personal_data, scoring
from portal.competitions.clock import london_today
from portal.competitions.models import Competition, QualityQuestion
from portal.competitions.services.common import REASON_LIMIT, Details

# Told when a placement request is made (as a draft) or cancelled, in the same request's
# transaction (the app factory registers them: competitions knows nothing of what a placement
# request is made for, as it knows nothing of what follows an award).
MADE = "made"
CANCELLED = "cancelled"
_listeners: dict[str, list[Callable[[User, Competition], object]]] = {MADE: [], CANCELLED: []}


def on_placement_request(event: str, callback: Callable[[User, Competition], object]) -> None:
    """Call `callback` with each placement request as `event` (MADE, CANCELLED) happens."""
    if callback not in _listeners[event]:
        _listeners[event].append(callback)


def tell(event: str, user: User, competition: Competition) -> None:
    if competition.is_placement:
        for callback in _listeners[event]:
            callback(user, competition)


def _placement_weights(details: Details) -> None:
    details.price_weight = scoring.PLACEMENT_PRICE_WEIGHT
    details.quality_weight = 100 - scoring.PLACEMENT_PRICE_WEIGHT
    details.local_preference, details.local_weight = "none", 0


def placement_questions() -> list[QualityQuestion]:
    """The published method's questions, for a new placement request."""
    return [
        QualityQuestion(
            position=position, text=text, weight=weight, word_limit=limit, answer_kind=kind
        )
        for position, (text, weight, limit, kind) in enumerate(scoring.PLACEMENT_QUESTIONS, 1)
    ]


def placement_problems(details: Details, at: datetime) -> list[tuple[str, str]]:
    """Anything in a placement request's details that looks like a child's personal data, and a
    start date in the past, as (field, message)."""
    problems = []
    checks = [
        ("reference_code", personal_data.reference_code_problem(details.reference_code or "")),
        ("area", personal_data.area_problem(details.area or "")),
    ]
    for name, what in (
        ("title", "Title"),
        ("description", "Description"),
        ("requirements", "Requirements"),
        ("needs_summary", "Needs summary"),
    ):
        checks.append((name, personal_data.problem_in(getattr(details, name), what)))
    problems += [(name, message) for name, message in checks if message]
    if any(need not in NEEDS for need in details.needs):
        problems.append(("needs", "Select needs from the list"))
    problems += _limit_problems(details)
    if details.start_date is not None and details.start_date < london_today(at):
        problems.append(("start_date", "Start date must be today or in the future"))
    return problems


def _limit_problems(details: Details) -> list[tuple[str, str]]:
    """A limit to matching capacity needs a reason, which, like the rest, names no child."""
    reason = details.capacity_limit_reason
    if reason is None:
        return []
    if not reason.strip():
        return [("capacity_limit_reason", "Enter why you are inviting only these providers")]
    if len(reason) > REASON_LIMIT:
        return [("capacity_limit_reason", f"Reason must be {REASON_LIMIT} characters or fewer")]
    problem = personal_data.problem_in(reason, "Reason")
    return [("capacity_limit_reason", problem)] if problem else []
