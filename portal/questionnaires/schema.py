"""The shape of a questionnaire: immutable dataclasses built from a checked YAML file.

portal/questionnaires/loader.py reads and checks a file (the format is described there) and
builds these; every problem is a `ContentError` naming the file, the line and what is wrong.
`Content.to_dict()` / `Content.from_dict()` store checked content as JSON and rebuild it
without the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from functools import cached_property
from typing import Any

from portal.documents.models import KINDS

# Question types whose answer is one value typed or chosen on the page (a group's questions are
# of these types).
SIMPLE_TYPES = (
    "text",
    "long_text",
    "yes_no",
    "choice",
    "multi_choice",
    "date",
    "number",
    "money",
    "email",
    "phone",
    "url",
)
TYPES = (*SIMPLE_TYPES, "group", "lots", "declaration", "evidence")
TEXT_TYPES = ("text", "long_text", "email", "phone", "url")
# Questions whose answer is one of a fixed set of values: `equals` and `in` test these...
SINGLE_CHOICE_TYPES = ("yes_no", "choice")
# ...and `any_in` tests these.
MULTIPLE_CHOICE_TYPES = ("multi_choice", "lots")
YES_NO_VALUES = ("yes", "no")


class ContentError(Exception):
    """A questionnaire file that cannot be used, e.g. 'v1.yaml line 214: question "dsl_name":
    unknown type "txt" (expected one of: text, long_text, ...)'."""

    def __init__(
        self,
        file: str,
        line: int | None,
        problem: str,
        problems: list[tuple[int | None, str]] | None = None,
    ) -> None:
        self.problems = [(line, problem)] if problems is None else problems
        super().__init__(
            "\n".join(
                f"{file} line {at}: {what}" if at else f"{file}: {what}"
                for at, what in self.problems
            )
        )
        self.file = file
        self.line = line
        self.problem = problem

    @classmethod
    def several(cls, file: str, problems: list[tuple[int | None, str]]) -> ContentError:
        """Every problem found in a file, in file order; the first is its `line` and `problem`."""
        line, problem = problems[0]
        return cls(file, line, problem, problems)


@dataclass(frozen=True)
class Condition:
    """A test of the answers (and chosen lots). `op` is "equals", "in", "any_in" (which read
    the answer to question `answer`), "lots_any", "all", "any" or "not"."""

    op: str
    answer: str | None = None
    values: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()

    def question_ids(self) -> set[str]:
        """Every question this condition reads, however deeply nested."""
        own = {self.answer} if self.answer else set()
        return own.union(*(c.question_ids() for c in self.conditions))


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str | None = None


@dataclass(frozen=True)
class Help:
    """A GOV.UK details component: `text` may hold paragraphs separated by a blank line."""

    summary: str
    text: str


@dataclass(frozen=True)
class PassFail:
    fail_when: Condition
    message: str


@dataclass(frozen=True)
class Fill:
    """Something asked elsewhere in the portal that an answer fills in, so that nobody is asked
    the same thing twice. On an evidence question, a detail of the upload form
    (portal.documents.models.DETAILS) from an earlier `answer` (e.g. the policy's end date) or a
    fixed `value` (e.g. which type of insurance); on a group of people, a detail of the DBS
    register (portal.staff_checks.models.REGISTER_DETAILS) from each item's `answer`."""

    detail: str
    answer: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: str
    hint: str | None = None
    required: bool = True
    prefill: str | None = None
    help: Help | None = None
    show_when: Condition | None = None
    pass_fail: PassFail | None = None
    lots: tuple[str, ...] = ()
    # text and the other typed-in types (max_length always set for them once loaded)
    max_length: int | None = None
    min_length: int | None = None
    pattern: str | None = None
    pattern_message: str | None = None
    # choice, multi_choice
    options: tuple[Option, ...] = ()
    min_selected: int | None = None
    max_selected: int | None = None
    # date
    not_in_future: bool = False
    not_in_past: bool = False
    after: str | None = None
    # number, money (money in pence)
    min: int | None = None
    max: int | None = None
    unit: str | None = None
    example: str | None = None  # money: an amount the hint and messages show, e.g. "£45"
    # group
    questions: tuple[Question, ...] = ()
    item_label: str | None = None
    min_items: int | None = None
    max_items: int | None = None
    # declaration
    statement: str | None = None
    # evidence: a kind of document (portal.documents.models.KINDS)
    kind: str | None = None
    fills: tuple[Fill, ...] = ()
    line: int = field(default=0, compare=False)

    @property
    def kind_label(self) -> str:
        """What an evidence question's kind of document is called."""
        assert self.kind is not None  # every evidence question has one (the loader checks)
        return KINDS[self.kind]

    @property
    def kind_noun(self) -> str:
        """The kind as it reads inside a sentence: "safeguarding and child protection
        policy", but "DBS evidence"."""
        label = self.kind_label
        return label[0].lower() + label[1:] if label[1:2].islower() else label

    def option_label(self, value: str) -> str:
        return next((o.label for o in self.options if o.value == value), value)

    @property
    def option_values(self) -> tuple[str, ...]:
        if self.type == "yes_no":
            return YES_NO_VALUES
        return tuple(option.value for option in self.options)


@dataclass(frozen=True)
class Page:
    """One screen with a Continue button."""

    id: str
    questions: tuple[Question, ...]
    title: str | None = None
    show_when: Condition | None = None
    lots: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)

    @property
    def main_questions(self) -> tuple[Question, ...]:
        """The questions not revealed under a radio of this page."""
        return tuple(q for q in self.questions if q.id not in self.revealed_ids)

    @property
    def question_is_heading(self) -> bool:
        """A page of one question (not counting those revealed under its radios) and no title
        uses the question's label as its h1."""
        return self.title is None and len(self.main_questions) == 1

    @property
    def heading(self) -> str:
        return self.title or self.main_questions[0].label

    @cached_property
    def reveals(self) -> dict[str, dict[str, tuple[Question, ...]]]:
        """Questions shown under a radio of this page ({radio id: {value: questions}}): those
        whose `show_when` is `{answer: <that radio>, equals: <value>}`."""
        radios = {q.id for q in self.questions if q.type in SINGLE_CHOICE_TYPES}
        found: dict[str, dict[str, tuple[Question, ...]]] = {}
        for question in self.questions:
            condition = question.show_when
            if (
                question.type in SIMPLE_TYPES
                and condition is not None
                and condition.op == "equals"
                and condition.answer in radios
            ):
                under = found.setdefault(condition.answer, {})
                under[condition.values[0]] = (*under.get(condition.values[0], ()), question)
        return found

    @cached_property
    def revealed_ids(self) -> frozenset[str]:
        return frozenset(
            q.id for by_value in self.reveals.values() for qs in by_value.values() for q in qs
        )


@dataclass(frozen=True)
class Section:
    """One row of the task list."""

    id: str
    title: str
    pages: tuple[Page, ...]
    intro: str | None = None
    lots: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for page in self.pages for q in page.questions)

    @cached_property
    def is_declaration(self) -> bool:
        return any(q.type == "declaration" for q in self.questions)


@dataclass(frozen=True)
class Content:
    version: int
    title: str
    summary: str
    sections: tuple[Section, ...]

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question (not a group's own questions), in the order of the file."""
        return tuple(q for section in self.sections for q in section.questions)

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def page_order(self) -> dict[tuple[str, str], int]:
        """Each page's place in the file, by (section id, page id)."""
        order: dict[tuple[str, str], int] = {}
        for section in self.sections:
            for page in section.pages:
                order.setdefault((section.id, page.id), len(order))
        return order

    @cached_property
    def earlier_question_ids(self) -> dict[tuple[str, str], frozenset[str]]:
        """For each page, by (section id, page id), the ids of the questions on the pages
        before it in the file: what the page's conditions may read."""
        earlier: set[str] = set()
        found: dict[tuple[str, str], frozenset[str]] = {}
        for section in self.sections:
            for page in section.pages:
                found.setdefault((section.id, page.id), frozenset(earlier))
                earlier.update(q.id for q in page.questions)
        return found

    def question(self, question_id: str) -> Question:
        """Raises KeyError for an id the content does not have."""
        return self._by_id[question_id]

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def page(self, section_id: str, page_id: str) -> tuple[Section, Page] | None:
        section = self.section(section_id)
        if section is None:
            return None
        page = next((p for p in section.pages if p.id == page_id), None)
        return (section, page) if page else None

    @property
    def lots_question(self) -> Question | None:
        return next((q for q in self.questions if q.type == "lots"), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; fields left at their defaults are left out."""
        return _to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Content:
        return _from_dict(cls, data)


# Which dataclass a nested field holds, for rebuilding from JSON.
_NESTED = {
    "sections": Section,
    "pages": Page,
    "questions": Question,
    "options": Option,
    "help": Help,
    "pass_fail": PassFail,
    "show_when": Condition,
    "fail_when": Condition,
    "conditions": Condition,
    "fills": Fill,
}


def _to_dict(obj) -> dict[str, Any]:
    data = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.name == "line" or value == f.default:
            continue
        data[f.name] = _plain(value)
    return data


def _plain(value):
    if is_dataclass(value):
        return _to_dict(value)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _from_dict(cls, data: dict[str, Any]):
    kwargs = {}
    for name, value in data.items():
        nested = _NESTED.get(name)
        if isinstance(value, list):
            value = tuple(_from_dict(nested, item) if nested else item for item in value)
        elif nested and value is not None:
            value = _from_dict(nested, value)
        kwargs[name] = value
    return cls(**kwargs)
