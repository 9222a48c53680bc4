"""Posted form data for one page in, typed answers and GOV.UK error messages out.

Field names: a question's id; a date's `<id>-day`, `<id>-month` and `<id>-year`; a declaration's
`<id>-name`, `<id>-role` and `<id>-agreed` (value "yes"); in a group's item form, each of the
group's questions by its own id. Stored answers: text, email, phone, url, choice and yes_no a
string; multi_choice and lots a list of values; date an ISO date string; number an integer;
money integer pence; group a list of {question id: answer}; declaration {name, role, agreed};
evidence the id of a document version (shown, and frozen at submission, as the version's
details: see answer_text).
A question shown and left blank (optional) is stored as None.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.core.forms import hidden_characters_message
from portal.core.requests import has_hidden_characters, unchecked
from portal.core.time import format_date
from portal.questionnaires import routing
from portal.questionnaires.answer_types import (
    DATE_PARTS,
    READERS,
    Context,
    Invalid,
    UnknownOption,
    format_pence,
    subject,
)
from portal.questionnaires.schema import Content, Page, Question, Section

DECLARATION_LIMIT = 200


@dataclass(frozen=True)
class AnswerError:
    message: str
    field: str  # the id of the input the error summary links to
    parts: tuple[str, ...] = ()  # a date's inputs in error ("day", "month", "year")


@dataclass
class ReadResult:
    """`answers`: the typed answer to each question read. `errors`: by question id (for a
    declaration, by `<id>-name`, `<id>-role` and `<id>-agreed`). `values`: what was posted, by
    question id, to show the page again exactly as it was filled in."""

    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, AnswerError] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def error_summary(self) -> list[dict[str, str]]:
        """The errors, in page order, as govukErrorSummary's `errorList`."""
        return [{"text": e.message, "href": f"#{e.field}"} for e in self.errors.values()]


def read_page(
    content: Content,
    section: Section,
    page: Page,
    form: Any,
    answers: Mapping[str, Any],
    lots: Collection[str],
    lot_choices: Collection[str] = (),
    evidence_choices: Mapping[str, Collection[int]] | None = None,
    route: routing.Route | None = None,
) -> ReadResult:
    """Read the page's posted `form` (a werkzeug MultiDict). Only questions that apply are read,
    judged on the stored `answers` to earlier pages and on what is posted on this page (a
    question revealed under a radio is ignored unless that radio is chosen); anything else
    posted is ignored. A group's items are not posted with its page: they are checked as stored
    in `answers`. `lot_choices` are the slugs a lots question may take; `evidence_choices` the
    document version ids an evidence question may take, by kind. Raises UnknownOption (400) for
    a value that is none of a question's options. `route` is the route for `content`,
    `answers` and `lots` when the caller has it already (the page is read from it)."""
    form = unchecked(form)  # a hidden character is refused below, on its question
    route = route or routing.Route(content, answers, lots)
    known = route.answers_before(section, page)
    context = Context(known=known, lot_choices=lot_choices, evidence_choices=evidence_choices or {})
    result = ReadResult()
    for question in route.questions_to_show(section, page):
        if question.type == "group":
            raw = list(answers.get(question.id) or [])
        else:
            raw = _posted(question, form)
        result.values[question.id] = raw
        if routing.applies(question, known, lots):
            _take(result, known, question, raw, context)
    return result


def read_item(group: Question, form: Any) -> ReadResult:
    """Read one item of a repeating group from its own form: `answers` is the item."""
    form = unchecked(form)  # a hidden character is refused below, on its question
    known: dict[str, Any] = {}
    context = Context(known=known)
    result = ReadResult()
    for question in group.questions:
        raw = _posted(question, form)
        result.values[question.id] = raw
        _take(result, known, question, raw, context)
    return result


def _take(
    result: ReadResult, known: dict[str, Any], question: Question, raw: Any, context: Context
) -> None:
    """Read `question`'s `raw` answer into `result`: its errors, or its value, which later
    questions on the page are then judged on (`known`, the context's)."""
    value, errors = _read(question, raw, context)
    result.errors.update(errors)
    if not errors:
        result.answers[question.id] = value
        known[question.id] = value


def check_items(group: Question, items: list) -> str | None:
    """What is wrong with the number of a group's items, if anything."""
    need = max(group.min_items or 0, 1 if group.required else 0)
    if len(items) < need:
        count = "one" if need == 1 else need
        label = group.item_label if need == 1 else _plural(group.item_label)
        return f"Add at least {count} {label}"
    if group.max_items is not None and len(items) > group.max_items:
        return f"You can add up to {group.max_items} {_plural(group.item_label)}"
    return None


def can_add_item(group: Question, items: list) -> bool:
    return group.max_items is None or len(items) < group.max_items


def form_value(question: Question, answer: Any) -> Any:
    """A stored answer as the page's inputs hold it (the shape of `ReadResult.values`)."""
    if question.type == "date":
        parts = answer.split("-") if answer else ("", "", "")
        year, month, day = (str(int(p)) if p else "" for p in parts)
        return {"day": day, "month": month, "year": year}
    if question.type in ("multi_choice", "lots", "group"):
        return list(answer or [])
    if question.type == "declaration":
        answer = answer or {}
        return {
            "name": answer.get("name", ""),
            "role": answer.get("role", ""),
            "agreed": "yes" if answer.get("agreed") else None,
        }
    if question.type in ("yes_no", "choice"):
        return answer
    if answer is None:
        return ""
    if question.type == "money":
        pounds, pence = divmod(answer, 100)
        return f"{pounds}.{pence:02d}" if pence else str(pounds)
    return str(answer)


def form_values(questions: Collection[Question], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers (a page's, or a group item's) as the inputs hold them, by question id."""
    return {q.id: form_value(q, answers.get(q.id)) for q in questions}


def answer_text(question: Question, answer: Any, lot_names: Mapping[str, str] | None = None) -> str:
    """A stored answer in words, for a summary (check your answers, a group's items, a
    reviewer's page). `lot_names` maps lot slugs to names for a lots question. An evidence
    answer is given as its version's details ({title, version, ...}), not its id."""
    if answer is None or answer == []:
        return "Not answered"
    type_ = question.type
    if type_ in ("yes_no", "choice"):
        return question.option_label(answer) if type_ == "choice" else answer.capitalize()
    if type_ == "multi_choice":
        return ", ".join(question.option_label(value) for value in answer)
    if type_ == "lots":
        return ", ".join((lot_names or {}).get(slug, slug) for slug in answer)
    if type_ == "date":
        return format_date(date.fromisoformat(answer))
    if type_ == "number":
        return f"{answer:,}" + (f" {question.unit}" if question.unit else "")
    if type_ == "money":
        return format_pence(answer)
    if type_ == "group":
        noun = question.item_label if len(answer) == 1 else _plural(question.item_label)
        return f"{len(answer)} {noun}"
    if type_ == "declaration":
        return f"Agreed by {answer['name']}, {answer['role']}"
    if type_ == "evidence":
        return f"{answer['title']}, version {answer['version']}"
    return str(answer)


def _posted(question: Question, form: Any) -> Any:
    if question.type == "date":
        return {part: form.get(f"{question.id}-{part}", "") for part in DATE_PARTS}
    if question.type in ("multi_choice", "lots"):
        return form.getlist(question.id)
    if question.type == "declaration":
        return {
            "name": form.get(f"{question.id}-name", ""),
            "role": form.get(f"{question.id}-role", ""),
            "agreed": form.get(f"{question.id}-agreed"),
        }
    if question.type in ("yes_no", "choice"):
        return form.get(question.id)
    return form.get(question.id, "")


def _read(question: Question, raw: Any, context: Context) -> tuple[Any, dict[str, AnswerError]]:
    if question.type != "group" and _holds_hidden_characters(raw):
        message = hidden_characters_message(subject(question))
        anchor = {"date": f"{question.id}-day", "declaration": f"{question.id}-name"}.get(
            question.type, question.id
        )
        return None, {question.id: AnswerError(message, anchor)}
    if question.type == "declaration":
        return _read_declaration(question, raw)
    if question.type == "group":
        problem = check_items(question, raw)
        errors = {question.id: AnswerError(problem, question.id)} if problem else {}
        return (raw or None), errors
    try:
        return READERS[question.type](question, raw, context), {}
    except Invalid as error:
        anchor = question.id
        if question.type == "date":  # the first of its inputs in error
            anchor = f"{question.id}-{(error.parts or DATE_PARTS)[0]}"
        return None, {question.id: AnswerError(error.message, anchor, error.parts)}


def _holds_hidden_characters(raw: Any) -> bool:
    values = raw.values() if isinstance(raw, Mapping) else raw if isinstance(raw, list) else [raw]
    return any(has_hidden_characters(value) for value in values)


def _read_declaration(question: Question, raw: Mapping[str, Any]):
    if raw["agreed"] not in (None, "yes"):
        raise UnknownOption()
    name, role = raw["name"].strip(), raw["role"].strip()
    problems = {
        "name": _declaration_text(name, "Enter your full name", "Full name"),
        "role": _declaration_text(role, "Enter your role", "Role"),
        "agreed": None
        if raw["agreed"]
        else "Select to confirm that you agree with the declaration",
    }
    errors = {
        f"{question.id}-{part}": AnswerError(message, f"{question.id}-{part}")
        for part, message in problems.items()
        if message
    }
    if errors:
        return None, errors
    return {"name": name, "role": role, "agreed": True}, {}


def _declaration_text(value: str, if_missing: str, name: str) -> str | None:
    if not value:
        return if_missing
    if len(value) > DECLARATION_LIMIT:
        return f"{name} must be {DECLARATION_LIMIT} characters or fewer"
    return None


def _plural(noun: str) -> str:
    """'referee' -> 'referees', 'member of staff' -> 'members of staff'."""
    head, of, tail = noun.partition(" of ")
    if head.endswith(("s", "x", "z", "ch", "sh")):
        head += "es"
    elif head.endswith("y") and head[-2:-1] not in tuple("aeiou"):
        head = head[:-1] + "ies"
    else:
        head += "s"
    return head + of + tail
