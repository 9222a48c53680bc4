"""The route through a questionnaire comes from the answers (the idea of eQ's PathFinder).

One walk over the content decides which pages and questions apply, given the answers so far and
the chosen lots; next and back, the task list's statuses, the pass/fail flags and which answers
are kept at submit all derive from it.

`answers` maps question ids to stored answers (see answers.py for their types); a question that
was shown and left blank has its id in `answers` with the value None, so "seen" and "not seen"
differ. `lots` are the chosen lot slugs: the lots question's answer, empty until it is answered.

`Route` is one walk, with everything derived from it: a page that needs several of these (the
task list's statuses, the page's questions, next and back) makes one Route and asks it, so the
questionnaire is walked once per request. The functions below it answer one question each with
a walk of their own.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cached_property
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
    answer = answers.get(condition.answer) if condition.answer is not None else None
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


class Route:
    """The route through `content` for `answers` and `lots`: one walk, and everything derived
    from it. Take it as read-only: it is worked out once, when it is made, for the answers as
    they were then (make a new one after a save)."""

    def __init__(self, content: Content, answers: Answers, lots: Collection[str]) -> None:
        self.content = content
        self.answers = answers
        self.lots = lots
        self.steps, self.kept = _walk(content, answers, lots)

    @cached_property
    def path(self) -> tuple[tuple[Section, Page], ...]:
        """Every page that applies, in order."""
        return tuple((section, page) for section, page, _ in self.steps)

    @cached_property
    def _on_route(self) -> frozenset[tuple[str, str]]:
        return frozenset(_keys(self.path))

    @cached_property
    def _asked(self) -> dict[str, tuple[Question, ...]]:
        asked: dict[str, list[Question]] = {}
        for section, _page, questions in self.steps:
            asked.setdefault(section.id, []).extend(questions)
        return {section_id: tuple(questions) for section_id, questions in asked.items()}

    def questions(self, section: Section | None = None) -> list[Question]:
        """The questions that apply, in order (only those of `section` when given)."""
        if section is not None:
            return list(self._asked.get(section.id, ()))
        return [q for _s, _p, asked in self.steps for q in asked]

    def is_on_route(self, section: Section, page: Page) -> bool:
        """Whether the page may be shown (a page off the route is not to be reached by its
        URL)."""
        return (section.id, page.id) in self._on_route

    def answers_before(self, section: Section, page: Page) -> dict[str, Any]:
        """The answers on the route to the questions before the page: all its conditions may
        read."""
        earlier = self.content.earlier_question_ids.get((section.id, page.id))
        if earlier is None:
            raise ValueError(f"{section.id}/{page.id} is not a page of this content")
        return {k: v for k, v in self.kept.items() if k in earlier}

    def questions_to_show(self, section: Section, page: Page) -> list[Question]:
        """The questions to put on the page: those that apply given the answers to questions
        before it. A question whose condition reads a question on this same page is shown
        whatever that answer (under its radio when it is revealed there) and decided when the
        page is saved."""
        before = self.answers_before(section, page)
        on_page = {q.id for q in page.questions}
        shown: list[Question] = []
        for question in page.questions:
            reads = question.show_when.question_ids() & on_page if question.show_when else set()
            if reads:
                lots_apply = not question.lots or bool(set(question.lots) & set(self.lots))
                if lots_apply and reads <= {q.id for q in shown}:
                    shown.append(question)
            elif applies(question, before, self.lots):
                shown.append(question)
        return shown

    def section_status(self, section: Section) -> str:
        """not_started, in_progress, completed or cannot_start (see `section_status`)."""
        statuses = self._statuses
        if section.id not in statuses:
            statuses[section.id] = self._status(section)
        return statuses[section.id]

    @cached_property
    def _statuses(self) -> dict[str, str]:
        return {}

    def _status(self, section: Section) -> str:
        answers, lots = self.answers, self.lots
        if not _for_chosen_lots(section, lots):
            return CANNOT_START
        if section.is_declaration and any(
            self.section_status(other) != COMPLETED
            for other in _listed(self.content, lots)
            if other.id != section.id
        ):
            return CANNOT_START
        asked = self._asked.get(section.id, ())
        if asked and not any(q.id in answers for q in asked):
            return NOT_STARTED
        if all(
            q.id in answers and (not q.required or is_answered(q, answers[q.id])) for q in asked
        ):
            return COMPLETED
        return IN_PROGRESS

    def task_list(self) -> list[tuple[Section, str]]:
        """The sections to list on the task list, with their statuses."""
        return [(s, self.section_status(s)) for s in _listed(self.content, self.lots)]

    def next_page(self, section: Section, page: Page) -> tuple[Section, Page] | None:
        """The page on the route after this one (which need not be on the route itself), or
        None at the end. It may be in a later section: compare sections to decide where
        Continue goes."""
        order = self.content.page_order
        here = order[(section.id, page.id)]
        return next((sp for sp in self.path if order[(sp[0].id, sp[1].id)] > here), None)

    def previous_page(self, section: Section, page: Page) -> tuple[Section, Page] | None:
        """The page on the route before this one, or None at the start."""
        order = self.content.page_order
        here = order[(section.id, page.id)]
        return next((sp for sp in reversed(self.path) if order[(sp[0].id, sp[1].id)] < here), None)

    def flags(self) -> list[tuple[Question, str]]:
        """The pass/fail questions on the route whose answers fail, with the reviewer's
        message."""
        return [
            (q, q.pass_fail.message)
            for _, _, asked in self.steps
            for q in asked
            if q.pass_fail is not None and evaluate(q.pass_fail.fail_when, self.kept, self.lots)
        ]


def routing_path(
    content: Content, answers: Answers, lots: Collection[str]
) -> list[tuple[Section, Page]]:
    """Every page that applies, in order."""
    return list(Route(content, answers, lots).path)


def questions_on_route(
    content: Content, answers: Answers, lots: Collection[str], section: Section | None = None
) -> list[Question]:
    """The questions that apply, in order (only those of `section` when given)."""
    return Route(content, answers, lots).questions(section)


def answers_on_route(content: Content, answers: Answers, lots: Collection[str]) -> dict[str, Any]:
    """The answers to questions that apply: what a submission keeps (the rest are dropped)."""
    return Route(content, answers, lots).kept


def is_on_route(
    content: Content, answers: Answers, lots: Collection[str], section: Section, page: Page
) -> bool:
    """Whether the page may be shown (a page off the route is not to be reached by its URL)."""
    return Route(content, answers, lots).is_on_route(section, page)


def questions_to_show(
    content: Content, section: Section, page: Page, answers: Answers, lots: Collection[str]
) -> list[Question]:
    """The questions to put on the page (see `Route.questions_to_show`)."""
    return Route(content, answers, lots).questions_to_show(section, page)


def answers_before(
    content: Content, section: Section, page: Page, answers: Answers, lots: Collection[str]
) -> dict[str, Any]:
    """The answers on the route to the questions before the page: all its conditions may read."""
    return Route(content, answers, lots).answers_before(section, page)


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
    return Route(content, answers, lots).section_status(section)


def _listed(content: Content, lots: Collection[str]) -> list[Section]:
    """All sections until the lots are chosen; then those for every lot or a chosen one."""
    return [s for s in content.sections if not lots or _for_chosen_lots(s, lots)]


def task_list(
    content: Content, answers: Answers, lots: Collection[str]
) -> list[tuple[Section, str]]:
    """The sections to list on the task list, with their statuses."""
    return Route(content, answers, lots).task_list()


def completed_count(content: Content, answers: Answers, lots: Collection[str]) -> int:
    """How many sections of the task list are completed ("You have completed 3 of 8 sections")."""
    return sum(status == COMPLETED for _, status in task_list(content, answers, lots))


def next_page(
    content: Content, answers: Answers, lots: Collection[str], section: Section, page: Page
) -> tuple[Section, Page] | None:
    """The page on the route after this one (which need not be on the route itself), or None
    at the end. It may be in a later section: compare sections to decide where Continue goes."""
    return Route(content, answers, lots).next_page(section, page)


def previous_page(
    content: Content, answers: Answers, lots: Collection[str], section: Section, page: Page
) -> tuple[Section, Page] | None:
    """The page on the route before this one, or None at the start."""
    return Route(content, answers, lots).previous_page(section, page)


def _keys(pages) -> list[tuple[str, str]]:
    return [(s.id, p.id) for s, p in pages]


def flags(content: Content, answers: Answers, lots: Collection[str]) -> list[tuple[Question, str]]:
    """The pass/fail questions on the route whose answers fail, with the reviewer's message."""
    return Route(content, answers, lots).flags()


def chosen_lots(content: Content, answers: Answers) -> tuple[str, ...]:
    """The lots question's answer, or none before it is answered."""
    question = content.lots_question
    return tuple(answers.get(question.id) or ()) if question else ()
