"""Read a questionnaire file (the format is in FORMAT.md beside this) and check every rule.

A mistake in a file must stop it loading with a message a content editor can act on: the file,
the line and the problem, e.g. 'v1.yaml line 214: question "dsl_name": unknown type "txt"
(expected one of: text, long_text, ...)'. So unknown keys fail (a typo would otherwise be
silently ignored), and YAML's own surprises (duplicate keys, `yes` read as true) are caught.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from portal.core.money import NotMoney, parse_pence
from portal.documents.models import COVER_TYPES, DETAILS, ISSUERS, KINDS, details_asked
from portal.lots.services import STARTING_LOTS, slugify
from portal.organisations.models import Organisation
from portal.questionnaires.schema import (
    MULTIPLE_CHOICE_TYPES,
    SIMPLE_TYPES,
    SINGLE_CHOICE_TYPES,
    TEXT_TYPES,
    TYPES,
    Condition,
    Content,
    ContentError,
    Fill,
    Help,
    Option,
    Page,
    PassFail,
    Question,
    Section,
)
from portal.questionnaires.yaml_reading import (
    _ids_within,
    _Mapping,
    _named,
    _question_ids,
    _quote_hint,
    _quoted,
    _suggest,
    _ValueReader,
    read_document,
    read_file,
)
from portal.staff_checks.models import REGISTER_DETAILS

LOT_SLUGS = tuple(slugify(name) for name in STARTING_LOTS)
OPTION_VALUE = re.compile(r"[a-z0-9][a-z0-9_-]*")
DEFAULT_MAX_LENGTH = {"text": 200, "long_text": 5000, "email": 254, "phone": 20, "url": 300}
ORGANISATION_FIELDS = tuple(
    column.name
    for column in Organisation.__table__.columns
    if column.name not in ("id", "created_at", "updated_at")
)

COMMON_KEYS = (
    "id",
    "type",
    "label",
    "hint",
    "required",
    "prefill",
    "help",
    "show_when",
    "pass_fail",
    "lots",
)
# Keys a question inside a group may not have: the group as a whole is what is shown or not.
NOT_IN_GROUP = ("prefill", "show_when", "pass_fail", "lots")
TYPE_KEYS = {
    "text": ("max_length", "min_length", "pattern", "pattern_message"),
    "long_text": ("max_length", "min_length"),
    "yes_no": (),
    "choice": ("options",),
    "multi_choice": ("options", "min_selected", "max_selected"),
    "date": ("not_in_future", "not_in_past", "after"),
    "number": ("min", "max", "unit"),
    "money": ("min", "max", "example"),
    "email": ("max_length",),
    "phone": ("max_length",),
    "url": ("max_length",),
    "group": ("questions", "item_label", "min_items", "max_items", "fills"),
    "lots": (),
    "declaration": ("statement",),
    "evidence": ("kind", "fills"),
}
# The details of a document chosen from a list, which `fills` gives as a fixed value.
DETAIL_CHOICES = {"cover_type": COVER_TYPES, "issuer": ISSUERS}
ALL_QUESTION_KEYS = (*COMMON_KEYS, *dict.fromkeys(k for keys in TYPE_KEYS.values() for k in keys))
CONDITION_KEYS = ("answer", "equals", "in", "any_in", "lots_any", "all", "any", "not")


def load_file(path: str | Path) -> Content:
    """Read and check one questionnaire file. Raises ContentError."""
    return parse(*read_file(path))


def parse(data: bytes | str, name: str, lot_slugs: tuple[str, ...] = LOT_SLUGS) -> Content:
    """Check the text of a questionnaire file called `name`, whose rules may name the lots
    `lot_slugs` (by default the starting lots). Raises ContentError."""
    return _Reader(name, lot_slugs).content(read_document(data, name))


def _note_repeated_id(
    item: Section | Page, ids: set[str], problems: list[tuple[int | None, str]], problem: str
) -> None:
    """Note `problem` at `item`'s line when an item before it in its list (`ids`, those seen so
    far) has the same id: ids are unique within their list."""
    if item.id in ids:
        problems.append((item.line, problem))
    ids.add(item.id)


class _Knock(ContentError):
    """A problem that only follows from one already reported (a condition on a question that
    could not be read): the block is skipped without a second, misleading message."""

    def __init__(self, name: str) -> None:
        super().__init__(name, None, "", problems=[])


class _Reader(_ValueReader):
    """Builds the dataclasses, checking as it goes. Questions are read in file order, so a
    condition can be checked against the questions before it.

    A mistake stops the block it is in (a question, a page, a section), and reading goes on
    with the next, so one upload lists every independent problem with its line, in file order.
    """

    def __init__(self, name: str, lot_slugs: tuple[str, ...] = LOT_SLUGS) -> None:
        self.name = name
        self.lot_slugs_known = lot_slugs
        self.questions: dict[str, Question] = {}  # those read so far
        self.all_ids: set[str] = set()  # every question id in the file, to name a later one
        self.unreadable: set[str] = set()  # ids of questions in blocks that had a mistake

    def attempt(self, read, raw: Any, problems: list[tuple[int | None, str]]):
        """read(), or None after noting its problems and the question ids in `raw` (so that
        a condition on them is not reported again as a question that does not exist)."""
        try:
            return read()
        except ContentError as error:
            problems.extend(error.problems)
            self.unreadable.update(i for i in _ids_within(raw) if isinstance(i, str))
            return None

    def stop_block(self, problems: list[tuple[int | None, str]], skipped: bool) -> None:
        """End a block that had problems in its parts (or a part skipped for an earlier one)."""
        if problems:
            raise ContentError.several(self.name, problems)
        if skipped:
            raise _Knock(self.name)

    # The file --------------------------------------------------------------------------------

    def content(self, document: Any) -> Content:
        if document is None:
            self.fail(None, "the file is empty")
        self.all_ids = set(_question_ids(document))
        top = self.mapping(
            document,
            "the file",
            1,
            ("version", "title", "summary", "sections"),
            ("version", "title", "summary", "sections"),
        )
        version = self.integer(top, "version", "the file", minimum=1)
        assert version is not None  # a required key: `mapping` failed the file without it
        section_ids: set[str] = set()
        sections = []
        problems: list[tuple[int | None, str]] = []
        for raw in self.items(top, "sections", "the file"):
            line = top.key_lines["sections"]
            section = self.attempt(
                lambda raw=raw, line=line: self.section(raw, line), raw, problems
            )
            if section is None:
                continue
            _note_repeated_id(
                section,
                section_ids,
                problems,
                f'section "{section.id}": another section has this id',
            )
            sections.append(section)
        if problems:
            raise ContentError.several(self.name, sorted(problems, key=lambda p: p[0] or 0))
        return Content(
            version=version,
            title=self.text(top, "title", "the file", required=True),
            summary=self.text(top, "summary", "the file", required=True),
            sections=tuple(sections),
        )

    def section(self, raw: Any, line: int) -> Section:
        where = _named("section", raw)
        m = self.mapping(
            raw, where, line, ("id", "title", "intro", "lots", "pages"), ("id", "title", "pages")
        )
        self.identifier(m, where)
        page_ids: set[str] = set()
        pages: list[Page | None] = []
        problems: list[tuple[int | None, str]] = []
        for raw_page in self.items(m, "pages", where):
            page = self.attempt(
                lambda raw_page=raw_page: self.page(raw_page, m.key_lines["pages"], where),
                raw_page,
                problems,
            )
            if page is None:
                pages.append(None)
                continue
            _note_repeated_id(
                page,
                page_ids,
                problems,
                f'{where}: another page in this section has the id "{page.id}"',
            )
            pages.append(page)
        self.stop_block(problems, None in pages)
        section = Section(
            id=m["id"],
            title=self.text(m, "title", where, required=True),
            intro=self.text(m, "intro", where),
            lots=self.lot_slugs(m, "lots", where),
            pages=tuple(page for page in pages if page is not None),  # stop_block: none is
            line=m.line,
        )
        self.check_lots_question_always_asked(section)
        return section

    def page(self, raw: Any, line: int, section_where: str) -> Page:
        where = f"{_named('page', raw)} in {section_where}"
        m = self.mapping(
            raw, where, line, ("id", "title", "show_when", "lots", "questions"), ("id", "questions")
        )
        self.identifier(m, where)
        # The page's own condition may only read questions before the page.
        show_when = self.condition_at(m, "show_when", where)
        raw_questions = self.items(m, "questions", where)
        problems: list[tuple[int | None, str]] = []
        questions = tuple(
            self.attempt(lambda q=q: self.question(q, m.key_lines["questions"]), q, problems)
            for q in raw_questions
        )
        self.stop_block(problems, None in questions)
        page = Page(
            id=m["id"],
            title=self.text(m, "title", where),
            show_when=show_when,
            lots=self.lot_slugs(m, "lots", where),
            questions=questions,
            line=m.line,
        )
        if page.title is None and len(page.main_questions) > 1:
            self.fail(
                m, f'{where}: a page with more than one question needs a "title" (its heading)'
            )
        return page

    def check_lots_question_always_asked(self, section: Section) -> None:
        for page in section.pages:
            for question in page.questions:
                if question.type == "lots" and (section.lots or page.lots or page.show_when):
                    self.fail(
                        question.line,
                        f'question "{question.id}": the lots question must always be asked, so its '
                        'page and section cannot have "lots" or "show_when"',
                    )

    # Questions -------------------------------------------------------------------------------

    def question(self, raw: Any, line: int, group: str | None = None, siblings=None) -> Question:
        in_group = group is not None
        where = _named("question", raw) + (f' in group "{group}"' if in_group else "")
        m = self.mapping(raw, where, line, ALL_QUESTION_KEYS, ("id", "type", "label"))
        question_id = self.identifier(m, where)
        type_ = m["type"]
        if type_ not in TYPES:
            self.fail(
                m,
                f"{where}: unknown type {_quoted(type_)}{_suggest(type_, TYPES)} "
                f"(expected one of: {', '.join(TYPES)})",
                "type",
            )
        allowed = set(COMMON_KEYS) | set(TYPE_KEYS[type_])
        if in_group:
            if type_ not in SIMPLE_TYPES:
                self.fail(
                    m,
                    f"{where}: a group's questions must be of a simple type "
                    f"({', '.join(SIMPLE_TYPES)})",
                    "type",
                )
            allowed -= set(NOT_IN_GROUP)
        for key in m:
            if key not in allowed:
                reason = (
                    "inside a group" if key in NOT_IN_GROUP and in_group else f"for type {type_}"
                )
                self.fail(m, f'{where}: "{key}" is not used {reason}', key)
        if type_ in ("lots", "declaration") and (
            m.get("required") is False or "show_when" in m or "lots" in m
        ):
            self.fail(
                m,
                f"{where}: a {type_} question is always asked: "
                'it cannot have "required: false", "show_when" or "lots"',
            )
        for other in self.questions.values():
            if type_ in ("lots", "declaration") and other.type == type_:
                self.fail(
                    m,
                    f'{where}: there is already a {type_} question ("{other.id}", line '
                    f"{other.line}); a questionnaire has only one",
                    "type",
                )
        known = siblings if in_group else self.questions
        if not in_group and question_id in self.questions:
            other = self.questions[question_id]
            self.fail(
                m,
                f"{where}: another question (line {other.line}) has this id; "
                "ids must be unique in the file",
                "id",
            )
        if in_group and question_id in siblings:
            self.fail(m, f"{where}: another question in the group has this id", "id")

        label = self.text(m, "label", where, required=True)
        if label.lower().endswith("(optional)"):
            self.fail(
                m,
                f'{where}: leave "(optional)" out of the label; '
                "it is added for questions with required: false",
                "label",
            )
        details: dict[str, Any] = {
            "id": question_id,
            "type": type_,
            "label": label,
            "hint": self.text(m, "hint", where),
            "required": self.flag(m, "required", where, True),
            "prefill": self.prefill(m, where),
            "help": self.help(m, where),
            "show_when": self.condition_at(m, "show_when", where),
            "lots": self.lot_slugs(m, "lots", where),
            "line": m.line,
        }
        details.update(self.type_details(m, type_, where, question_id, known))
        if "pass_fail" in m:
            # The test of a pass/fail question may read its own answer, so it is checked after.
            details["pass_fail"] = self.pass_fail(m, where, question_id, details)
        question = Question(**details)
        if not in_group:
            self.questions[question_id] = question
        return question

    def type_details(
        self, m: _Mapping, type_: str, where: str, question_id: str, known
    ) -> dict[str, Any]:
        if type_ in TEXT_TYPES:
            return self.text_details(m, type_, where)
        if type_ in ("choice", "multi_choice"):
            return self.choice_details(m, type_, where)
        if type_ == "date":
            return self.date_details(m, where, known)
        if type_ in ("number", "money"):
            return self.number_details(m, type_, where)
        if type_ == "group":
            details = self.group_details(m, where, question_id)
            # Each person listed fills a row of the DBS register, from the item's own answers.
            items = {q.id: q for q in details["questions"]}
            fills = self.fills(
                m, where, REGISTER_DETAILS, items, known_as="a question in this list"
            )
            return details | {"fills": fills}
        if type_ == "declaration":
            return {"statement": self.text(m, "statement", where, required=True)}
        if type_ == "evidence":
            kind = self.document_kind(m, where)
            asked = {d: what for d, what in DETAILS.items() if d in details_asked(kind)}
            return {"kind": kind, "fills": self.fills(m, where, asked, known, DETAIL_CHOICES)}
        return {}

    def document_kind(self, m: _Mapping, where: str) -> str:
        kind = self.text(m, "kind", where, required=True)
        if kind not in KINDS:
            self.fail(
                m,
                f"{where}: unknown document kind {_quoted(kind)}{_suggest(kind, tuple(KINDS))} "
                f"(expected one of: {', '.join(KINDS)})",
                "kind",
            )
        return kind

    def fills(
        self,
        m: _Mapping,
        where: str,
        details: dict[str, str],
        known: dict[str, Question],
        fixed: dict[str, dict[str, str]] | None = None,
        known_as: str = "a question before this one",
    ) -> tuple[Fill, ...]:
        """`fills`: the `details` (name → type) this question fills in elsewhere, each from an
        answer in `known` (`answer: pl_expiry`) or, for a detail chosen from a `fixed` list, a
        value of that list (`value: public_liability`)."""
        if "fills" not in m:
            return ()
        fixed = fixed or {}
        raw = self.mapping(m["fills"], f'{where}: "fills"', m.key_lines["fills"], tuple(details))
        fills = []
        for detail, source in raw.items():
            at = f'{where}: "fills" {_quoted(detail)}'
            s = self.mapping(source, at, raw.key_lines[detail], ("answer", "value"))
            if len(s) != 1:
                self.fail(s, f'{at}: give either "answer" or "value"')
            choices = fixed.get(detail)
            if "value" in s:
                value = self.text(s, "value", at, required=True)
                if choices is None:
                    self.fail(s, f'{at}: this detail is filled from an "answer"', "value")
                if value not in choices:
                    self.fail(
                        s,
                        f"{at}: unknown value {_quoted(value)}{_suggest(value, tuple(choices))}",
                        "value",
                    )
                fills.append(Fill(detail, value=value))
                continue
            if choices is not None:
                self.fail(s, f'{at}: this detail is filled with a fixed "value"', "answer")
            answer = self.text(s, "answer", at, required=True)
            other = known.get(answer)
            if other is None:
                self.fail(
                    s,
                    f"{at}: {_quoted(answer)} is not {known_as}",
                    "answer",
                )
            wanted = details[detail]
            if other.type not in (TEXT_TYPES if wanted == "text" else (wanted,)):
                self.fail(s, f"{at}: {_quoted(answer)} is not a {wanted} question", "answer")
            fills.append(Fill(detail, answer=answer))
        return tuple(fills)

    def text_details(self, m: _Mapping, type_: str, where: str) -> dict[str, Any]:
        max_length = self.integer(m, "max_length", where, minimum=1) or DEFAULT_MAX_LENGTH[type_]
        min_length = self.integer(m, "min_length", where, minimum=1)
        if min_length is not None and min_length > max_length:
            self.fail(
                m,
                f'{where}: "min_length" ({min_length}) is more than "max_length" ({max_length})',
                "min_length",
            )
        pattern = self.text(m, "pattern", where)
        pattern_message = self.text(m, "pattern_message", where)
        if (pattern is None) != (pattern_message is None):
            self.fail(
                m,
                f'{where}: "pattern" and "pattern_message" go together: give both or neither',
                "pattern" if pattern else "pattern_message",
            )
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as error:
                self.fail(
                    m, f'{where}: "pattern" is not a valid regular expression ({error})', "pattern"
                )
        return {
            "max_length": max_length,
            "min_length": min_length,
            "pattern": pattern,
            "pattern_message": pattern_message,
        }

    def choice_details(self, m: _Mapping, type_: str, where: str) -> dict[str, Any]:
        if "options" not in m:
            self.fail(m, f'{where}: "options" is missing')
        options = tuple(
            self.option(raw, m.key_lines["options"], where, n)
            for n, raw in enumerate(self.items(m, "options", where), 1)
        )
        for attribute in ("value", "label"):
            seen: set[str] = set()
            for n, option in enumerate(options, 1):
                if getattr(option, attribute) in seen:
                    self.fail(
                        m,
                        f"{where}: option {n} has the same {attribute} as an earlier option",
                        "options",
                    )
                seen.add(getattr(option, attribute))
        if type_ == "choice":
            if len(options) < 2:
                self.fail(m, f"{where}: a choice needs at least 2 options", "options")
            return {"options": options}
        min_selected = self.integer(m, "min_selected", where, minimum=1)
        max_selected = self.integer(m, "max_selected", where, minimum=1)
        for key, value in (("min_selected", min_selected), ("max_selected", max_selected)):
            if value is not None and value > len(options):
                self.fail(
                    m,
                    f'{where}: "{key}" ({value}) is more than the number of options '
                    f"({len(options)})",
                    key,
                )
        if min_selected and max_selected and min_selected > max_selected:
            self.fail(m, f'{where}: "min_selected" is more than "max_selected"', "min_selected")
        return {"options": options, "min_selected": min_selected, "max_selected": max_selected}

    def option(self, raw: Any, line: int, where: str, number: int) -> Option:
        where = f"{where}: option {number}"
        m = self.mapping(raw, where, line, ("value", "label", "hint"), ("value", "label"))
        value = m["value"]
        if not isinstance(value, str):
            self.fail(
                m, f"{where}: the value {_quoted(value)} must be text{_quote_hint(value)}", "value"
            )
        if not OPTION_VALUE.fullmatch(value):
            self.fail(
                m,
                f'{where}: the value "{value}" must be lower case letters, numbers, "_" or "-"',
                "value",
            )
        return Option(
            value=value,
            label=self.text(m, "label", where, required=True),
            hint=self.text(m, "hint", where),
        )

    def date_details(self, m: _Mapping, where: str, known: dict[str, Question]) -> dict[str, Any]:
        not_in_future = self.flag(m, "not_in_future", where, False)
        not_in_past = self.flag(m, "not_in_past", where, False)
        if not_in_future and not_in_past:
            self.fail(
                m,
                f'{where}: a date cannot be both "not_in_future" and "not_in_past"',
                "not_in_past",
            )
        after = m.get("after")
        if after is not None:
            other = known.get(after)
            if other is None and after in self.unreadable:
                raise _Knock(self.name)
            if other is None:
                self.fail(
                    m,
                    f'{where}: "after" names {_quoted(after)}, '
                    "which is not a question before this one",
                    "after",
                )
            if other.type != "date":
                self.fail(
                    m, f'{where}: "after" names "{after}", which is not a date question', "after"
                )
        return {"not_in_future": not_in_future, "not_in_past": not_in_past, "after": after}

    def number_details(self, m: _Mapping, type_: str, where: str) -> dict[str, Any]:
        # Money is never negative; a number may be.
        floor = 0 if type_ == "money" else None
        minimum = self.integer(m, "min", where, minimum=floor)
        maximum = self.integer(m, "max", where, minimum=floor)
        if minimum is not None and maximum is not None and minimum > maximum:
            self.fail(m, f'{where}: "min" ({minimum}) is more than "max" ({maximum})', "min")
        details: dict[str, Any] = {"min": minimum, "max": maximum}
        if type_ == "number":
            details["unit"] = self.text(m, "unit", where)
        else:
            details["example"] = self.money_example(m, where, minimum, maximum)
        return details

    def money_example(
        self, m: _Mapping, where: str, minimum: int | None, maximum: int | None
    ) -> str | None:
        """An example must be an answer the question accepts, or it misleads."""
        example = self.text(m, "example", where)
        if example is None:
            return None
        try:
            pence = parse_pence(example)
        except NotMoney:
            pence = None
        if pence is None or (minimum or 0) > pence or (maximum is not None and pence > maximum):
            self.fail(
                m, f'{where}: "example" {_quoted(example)} is not an answer it accepts', "example"
            )
        return example

    def group_details(self, m: _Mapping, where: str, question_id: str) -> dict[str, Any]:
        for key in ("questions", "item_label"):
            if key not in m:
                self.fail(m, f'{where}: "{key}" is missing')
        siblings: dict[str, Question] = {}
        for raw in self.items(m, "questions", where):
            sub = self.question(raw, m.key_lines["questions"], group=question_id, siblings=siblings)
            siblings[sub.id] = sub
        min_items = self.integer(m, "min_items", where, minimum=0)
        max_items = self.integer(m, "max_items", where, minimum=1)
        if min_items is not None and max_items is not None and min_items > max_items:
            self.fail(
                m,
                f'{where}: "min_items" ({min_items}) is more than "max_items" ({max_items})',
                "min_items",
            )
        return {
            "questions": tuple(siblings.values()),
            "item_label": self.text(m, "item_label", where, required=True),
            "min_items": min_items,
            "max_items": max_items,
        }

    def prefill(self, m: _Mapping, where: str) -> str | None:
        value = m.get("prefill")
        if value is None:
            return None
        if value == "previous_application":
            return value
        field_name = value.removeprefix("organisation.") if isinstance(value, str) else None
        if field_name is None or value == field_name or field_name not in ORGANISATION_FIELDS:
            self.fail(
                m,
                f"{where}: prefill {_quoted(value)} must be previous_application or "
                f"organisation.<field> (fields: {', '.join(ORGANISATION_FIELDS)})",
                "prefill",
            )
        return value

    def help(self, m: _Mapping, where: str) -> Help | None:
        if "help" not in m:
            return None
        help_ = self.mapping(
            m["help"],
            f"{where}: help",
            m.key_lines["help"],
            ("summary", "text"),
            ("summary", "text"),
        )
        return Help(
            summary=self.text(help_, "summary", f"{where}: help", required=True),
            text=self.text(help_, "text", f"{where}: help", required=True),
        )

    def pass_fail(self, m: _Mapping, where: str, question_id: str, details: dict) -> PassFail:
        line = m.key_lines["pass_fail"]
        rule = self.mapping(
            m["pass_fail"],
            f"{where}: pass_fail",
            line,
            ("fail_when", "message"),
            ("fail_when", "message"),
        )
        # Its own answer counts as known here, and only here.
        own = Question(**{k: v for k, v in details.items() if k != "pass_fail"})
        known = {**self.questions, question_id: own}
        return PassFail(
            fail_when=self.condition(
                rule["fail_when"], rule.key_lines["fail_when"], f"{where}: fail_when", known
            ),
            message=self.text(rule, "message", f"{where}: pass_fail", required=True),
        )

    # Conditions ------------------------------------------------------------------------------

    def condition_at(self, m: _Mapping, key: str, where: str) -> Condition | None:
        if key not in m:
            return None
        return self.condition(m[key], m.key_lines[key], f"{where}: {key}", self.questions)

    def condition(self, raw: Any, line: int, where: str, known: dict[str, Question]) -> Condition:
        m = self.mapping(raw, where, line, CONDITION_KEYS)
        operators = [key for key in CONDITION_KEYS if key in m and key != "answer"]
        if len(operators) != 1:
            self.fail(
                m,
                f'{where}: a condition needs exactly one of "equals", "in", "any_in" (each with '
                '"answer"), "lots_any", "all", "any" or "not"',
            )
        op = operators[0]
        if op in ("equals", "in", "any_in"):
            return self.answer_condition(m, op, where, known)
        if "answer" in m:
            self.fail(
                m, f'{where}: "answer" goes with "equals", "in" or "any_in", not "{op}"', "answer"
            )
        if op == "lots_any":
            return Condition(op=op, values=self.lot_slugs(m, "lots_any", where))
        if op == "not":
            return Condition(
                op=op, conditions=(self.condition(m["not"], m.key_lines["not"], where, known),)
            )
        parts = self.items(m, op, where)
        return Condition(
            op=op, conditions=tuple(self.condition(p, m.key_lines[op], where, known) for p in parts)
        )

    def answer_condition(
        self, m: _Mapping, op: str, where: str, known: dict[str, Question]
    ) -> Condition:
        if "answer" not in m:
            self.fail(m, f'{where}: "{op}" needs "answer" (the id of the question to test)', op)
        question_id = m["answer"]
        question = known.get(question_id) if isinstance(question_id, str) else None
        if question is None and question_id in self.unreadable:
            raise _Knock(self.name)
        if question is None:
            later = question_id in self.all_ids
            reason = "comes later in the file" if later else "is not a question in the file"
            self.fail(
                m,
                f"{where}: the answer {_quoted(question_id)} {reason}; "
                "a condition can only test questions before it",
                "answer",
            )
        expected = SINGLE_CHOICE_TYPES if op in ("equals", "in") else MULTIPLE_CHOICE_TYPES
        if question.type not in expected:
            self.fail(
                m,
                f'{where}: "{op}" tests {" or ".join(expected)} questions, '
                f'and "{question_id}" is {question.type}',
                op,
            )
        values = [m[op]] if op == "equals" else m[op]
        if op != "equals" and (not isinstance(values, list) or not values):
            self.fail(m, f'{where}: "{op}" must be a list with at least one value', op)
        allowed = self.lot_slugs_known if question.type == "lots" else question.option_values
        for value in values:
            if not isinstance(value, str):
                self.fail(
                    m, f"{where}: the value {_quoted(value)} must be text{_quote_hint(value)}", op
                )
            if value not in allowed:
                self.fail(
                    m,
                    f'{where}: "{value}" is not an option of "{question_id}" '
                    f"(its options: {', '.join(allowed)})",
                    op,
                )
        return Condition(op=op, answer=question_id, values=tuple(values))
