"""The route through a questionnaire comes from the answers (the idea of eQ's PathFinder).

One walk over the content decides which pages and questions apply, given the answers so far and
the chosen lots; next and back, the task list's statuses, the pass/fail flags and which answers
are kept at submit all derive from it.

`answers` maps question ids to stored answers (see answers.py for their types); a question that
was shown and left blank has its id in `answers` with the value None, so "seen" and "not seen"
differ. `lots` are the chosen lot slugs: the lots question's answer, empty until it is answered.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from portal.questionnaires.schema import Condition, Content, Page, Question, Section

Answers = Mapping[str, Any]

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
CANNOT_START = "cannot_start"


def evaluate(condition: Condition, answers: Answers, lots: Collection[str]) -> bool:
    """Whether `condition` holds. A question not answered equals nothing and holds no value."""
    op = condition.op
    if op == "all":
        return all(evaluate(c, answers, lots) for c in condition.conditions)
    if op == "any":
        return any(evaluate(c, answers, lots) for c in condition.conditions)
    if op == "not":
        return not evaluate(condition.conditions[0], answers, lots)
    if op == "lots_any":
        return bool(set(condition.values) & set(lots))
    answer = answers.get(condition.answer)
    if op == "any_in":
        return bool(set(condition.values) & set(answer or ()))
    return answer in condition.values  # equals (one value) and in


def applies(item: Section | Page | Question, answers: Answers, lots: Collection[str]) -> bool:
    """Whether the item's own rules let it in: its `lots` and its `show_when` (sections have no
    `show_when`). It says nothing of the page or section around it: `routing_path` does that."""
    if item.lots and not set(item.lots) & set(lots):
        return False
    show_when = getattr(item, "show_when", None)
    return show_when is None or evaluate(show_when, answers, lots)


def _walk(
    content: Content, answers: Answers, lots: Collection[str]
) -> tuple[list[tuple[Section, Page, tuple[Question, ...]]], dict[str, Any]]:
    """The pages on the route, each with the questions on it that apply, and the answers to
    questions on the route. Conditions only read earlier questions, so one pass in file order is
    enough, and an answer to a question that has left the route is never seen by a later one."""
    steps = []
    kept: dict[str, Any] = {}
    for section in content.sections:
        if not applies(section, kept, lots):
            continue
        for page in section.pages:
            if not applies(page, kept, lots):
                continue
            asked = []
            for question in page.questions:
                if applies(question, kept, lots):
                    asked.append(question)
                    if question.id in answers:
                        kept[question.id] = answers[question.id]
            if asked:
                steps.append((section, page, tuple(asked)))
    return steps, kept


def routing_path(
    content: Content, answers: Answers, lots: Collection[str]
) -> list[tuple[Section, Page]]:
    """Every page that applies, in order."""
    steps, _ = _walk(content, answers, lots)
    return [(section, page) for section, page, _ in steps]


def questions_on_route(
    content: Content, answers: Answers, lots: Collection[str], section: Section | None = None
) -> list[Question]:
    """The questions that apply, in order (only those of `section` when given)."""
    steps, _ = _walk(content, answers, lots)
    return [q for s, _, asked in steps if section is None or s.id == section.id for q in asked]


def answers_on_route(content: Content, answers: Answers, lots: Collection[str]) -> dict[str, Any]:
    """The answers to questions that apply: what a submission keeps (the rest are dropped)."""
    _, kept = _walk(content, answers, lots)
    return kept


def is_on_route(
    content: Content, answers: Answers, lots: Collection[str], section: Section, page: Page
) -> bool:
    """Whether the page may be shown (a page off the route is not to be reached by its URL)."""
    return (section.id, page.id) in _keys(routing_path(content, answers, lots))


def questions_to_show(
    content: Content, section: Section, page: Page, answers: Answers, lots: Collection[str]
) -> list[Question]:
    """The questions to put on the page: those that apply given the answers to questions before
    it. A question whose condition reads a question on this same page is shown whatever that
    answer (under its radio when it is revealed there) and decided when the page is saved."""
    before = answers_before(content, section, page, answers, lots)
    on_page = {q.id for q in page.questions}
    shown: list[Question] = []
    for question in page.questions:
        reads = question.show_when.question_ids() & on_page if question.show_when else set()
        if reads:
            lots_apply = not question.lots or bool(set(question.lots) & set(lots))
            if lots_apply and reads <= {q.id for q in shown}:
                shown.append(question)
        elif applies(question, before, lots):
            shown.append(question)
    return shown


def answers_before(
    content: Content, section: Section, page: Page, answers: Answers, lots: Collection[str]
) -> dict[str, Any]:
    """The answers on the route to the questions before the page: all its conditions may read."""
    kept = answers_on_route(content, answers, lots)
    earlier = set()
    for s in content.sections:
        for p in s.pages:
            if (s.id, p.id) == (section.id, page.id):
                return {k: v for k, v in kept.items() if k in earlier}
            earlier.update(q.id for q in p.questions)
    raise ValueError(f"{section.id}/{page.id} is not a page of this content")


def is_answered(question: Question, answer: Any) -> bool:
    """Whether `answer` gives the question what it needs: something, and for a group at least
    its minimum number of items."""
    if answer is None or answer in ("", [], {}):
        return False
    if question.type == "group":
        return len(answer) >= max(question.min_items or 0, 1)
    return True


def _for_chosen_lots(section: Section, lots: Collection[str]) -> bool:
    return not section.lots or bool(set(section.lots) & set(lots))


def section_status(
    content: Content, section: Section, answers: Answers, lots: Collection[str]
) -> str:
    """not_started, in_progress, completed or cannot_start.

    cannot_start: a section for some lots before the lots are chosen (or not for the lots
    chosen), and the declaration until every other section on the task list is completed.
    completed: every question of the section on the route has been seen (its id is in
    `answers`) and every required one answered."""
    if not _for_chosen_lots(section, lots):
        return CANNOT_START
    if section.is_declaration and any(
        section_status(content, other, answers, lots) != COMPLETED
        for other in _listed(content, lots)
        if other.id != section.id
    ):
        return CANNOT_START
    asked = questions_on_route(content, answers, lots, section)
    if asked and not any(q.id in answers for q in asked):
        return NOT_STARTED
    if all(q.id in answers and (not q.required or is_answered(q, answers[q.id])) for q in asked):
        return COMPLETED
    return IN_PROGRESS


def _listed(content: Content, lots: Collection[str]) -> list[Section]:
    """All sections until the lots are chosen; then those for every lot or a chosen one."""
    return [s for s in content.sections if not lots or _for_chosen_lots(s, lots)]


def task_list(
    content: Content, answers: Answers, lots: Collection[str]
) -> list[tuple[Section, str]]:
    """The sections to list on the task list, with their statuses."""
    return [(s, section_status(content, s, answers, lots)) for s in _listed(content, lots)]


def completed_count(content: Content, answers: Answers, lots: Collection[str]) -> int:
    """How many sections of the task list are completed ("You have completed 3 of 8 sections")."""
    return sum(status == COMPLETED for _, status in task_list(content, answers, lots))


def next_page(
    content: Content, answers: Answers, lots: Collection[str], section: Section, page: Page
) -> tuple[Section, Page] | None:
    """The page on the route after this one (which need not be on the route itself), or None
    at the end. It may be in a later section: compare sections to decide where Continue goes."""
    return _neighbour(content, answers, lots, section, page, 1)


def previous_page(
    content: Content, answers: Answers, lots: Collection[str], section: Section, page: Page
) -> tuple[Section, Page] | None:
    """The page on the route before this one, or None at the start."""
    return _neighbour(content, answers, lots, section, page, -1)


def _keys(pages) -> list[tuple[str, str]]:
    return [(s.id, p.id) for s, p in pages]


def _neighbour(content, answers, lots, section, page, step: int) -> tuple[Section, Page] | None:
    order = _keys((s, p) for s in content.sections for p in s.pages)
    here = order.index((section.id, page.id))
    route = routing_path(content, answers, lots)
    if step < 0:
        route.reverse()
    return next(
        ((s, p) for s, p in route if (order.index((s.id, p.id)) - here) * step > 0),
        None,
    )


def flags(content: Content, answers: Answers, lots: Collection[str]) -> list[tuple[Question, str]]:
    """The pass/fail questions on the route whose answers fail, with the reviewer's message."""
    steps, kept = _walk(content, answers, lots)
    return [
        (q, q.pass_fail.message)
        for _, _, asked in steps
        for q in asked
        if q.pass_fail is not None and evaluate(q.pass_fail.fail_when, kept, lots)
    ]


def chosen_lots(content: Content, answers: Answers) -> tuple[str, ...]:
    """The lots question's answer, or none before it is answered."""
    question = content.lots_question
    return tuple(answers.get(question.id) or ()) if question else ()
