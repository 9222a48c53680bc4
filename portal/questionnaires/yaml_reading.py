"""Reading YAML as the questionnaire loader needs it: every mapping remembers its lines, the
same key twice is a mistake, and the values of a block are read with a message naming the
file, the line and what was expected. portal/questionnaires/loader.py builds the content on
top of this."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Literal, NoReturn, overload

import yaml

from portal.questionnaires.schema import ContentError

SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


class _Mapping(dict):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        # PyYAML keeps the last of two equal keys without a word; in content that hides a typo.
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                earlier = seen.get(key)
            except TypeError:  # an unhashable key: PyYAML's own check reports it
                continue
            if earlier is not None:
                raise yaml.constructor.ConstructorError(
                    problem=f'"{key}" appears twice in the same block (also on line {earlier})',
                    problem_mark=key_node.start_mark,
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _construct_map(loader: _LineLoader, node):
    data = _Mapping()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    data.update(loader.construct_mapping(node))
    data.key_lines = {
        loader.construct_object(key_node, deep=True): key_node.start_mark.line + 1
        for key_node, _value in node.value
    }


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def read_file(path: str | Path) -> tuple[bytes, str]:
    """A content file's bytes and its name (for the messages). Raises ContentError when there
    is no such file."""
    path = Path(path)
    try:
        return path.read_bytes(), path.name
    except FileNotFoundError:
        raise ContentError(path.name, None, "no such file") from None


def read_document(data: bytes | str, name: str) -> Any:
    """The YAML document in `data` (a file called `name`), its mappings remembering their
    lines. Raises ContentError naming the file and line of a YAML mistake (a duplicate key
    included). Any content file read this way (questionnaires, the visit checklist) reports
    its problems in the same words."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ContentError(name, None, "the file must be saved as UTF-8 text") from None
    try:
        return yaml.load(data, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise ContentError(name, line, error.problem or str(error)) from None
    except yaml.YAMLError as error:
        raise ContentError(name, None, str(error)) from None


class _ValueReader:
    """Reporting and reading single values, for the loader's reader to build on."""

    name: str
    lot_slugs_known: tuple[str, ...]

    # Reporting -------------------------------------------------------------------------------

    def fail(self, at: _Mapping | int | None, problem: str, key: str | None = None) -> NoReturn:
        line: int | None
        if isinstance(at, _Mapping):
            line = at.key_lines.get(key, at.line) if key else at.line
        else:
            line = at
        raise ContentError(self.name, line, problem)

    def mapping(self, value: Any, where: str, line: int | None, allowed, required=()) -> _Mapping:
        """`value` as a mapping with only `allowed` keys and every `required` one."""
        if not isinstance(value, _Mapping):
            self.fail(line, f"{where}: expected a block of keys and values, not {_kind(value)}")
        for key in value:
            if key not in allowed:
                self.fail(
                    value, f"{where}: unknown key {_quoted(key)}{_suggest(key, allowed)}", key
                )
        for key in required:
            if key not in value:
                self.fail(value, f'{where}: "{key}" is missing')
        return value

    # Values ----------------------------------------------------------------------------------

    @overload
    def text(self, m: _Mapping, key: str, where: str, required: Literal[True]) -> str: ...
    @overload
    def text(self, m: _Mapping, key: str, where: str, required: bool = False) -> str | None: ...
    def text(self, m: _Mapping, key: str, where: str, required: bool = False) -> str | None:
        value = m.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(m, f'{where}: "{key}" must be some text', key)
        return value.strip()

    def integer(self, m: _Mapping, key: str, where: str, minimum: int | None = None) -> int | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(m, f'{where}: "{key}" must be a whole number', key)
        if minimum is not None and value < minimum:
            self.fail(m, f'{where}: "{key}" must be {minimum} or more', key)
        return value

    def flag(self, m: _Mapping, key: str, where: str, default: bool) -> bool:
        value = m.get(key, default)
        if not isinstance(value, bool):
            self.fail(m, f'{where}: "{key}" must be true or false', key)
        return value

    def identifier(self, m: _Mapping, where: str) -> str:
        value = m["id"]
        if not isinstance(value, str) or not SNAKE_CASE.fullmatch(value):
            self.fail(
                m,
                f"{where}: id {_quoted(value)} must be snake_case "
                "(lower case letters and numbers joined by underscores, like legal_name)",
                "id",
            )
        return value

    def items(self, m: _Mapping, key: str, where: str) -> list:
        value = m[key]
        if not isinstance(value, list) or not value:
            self.fail(m, f'{where}: "{key}" must be a list with at least one item', key)
        return value

    def lot_slugs(self, m: _Mapping, key: str, where: str) -> tuple[str, ...]:
        if key not in m:
            return ()
        slugs = self.items(m, key, where)
        for slug in slugs:
            if slug not in self.lot_slugs_known:
                self.fail(
                    m,
                    f"{where}: unknown lot {_quoted(slug)}{_suggest(slug, self.lot_slugs_known)}"
                    f" (lots: {', '.join(self.lot_slugs_known)})",
                    key,
                )
        if len(set(slugs)) != len(slugs):
            self.fail(m, f'{where}: "{key}" names a lot twice', key)
        return tuple(slugs)


def _named(kind: str, raw: Any) -> str:
    """'question "legal_name"', or just 'question' while the id is not known to be good."""
    name = raw.get("id") if isinstance(raw, dict) else None
    return f'{kind} "{name}"' if isinstance(name, str) else kind


def _ids_within(raw: Any):
    """Every question id in a section, page or question block, however malformed."""
    if isinstance(raw, dict):
        if "type" in raw or "label" in raw:
            yield raw.get("id")
        for key in ("pages", "questions"):
            items = raw.get(key)
            if isinstance(items, list):
                for item in items:
                    yield from _ids_within(item)


def _question_ids(document: Any):
    """Every question id in a file, however malformed the rest (to say an id comes later)."""

    def blocks(value: Any, key: str):
        items = value.get(key) if isinstance(value, dict) else None
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []

    for section in blocks(document, "sections"):
        for page in blocks(section, "pages"):
            for question in blocks(page, "questions"):
                yield question.get("id")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    return _quoted(value)


def _quoted(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value)


def _suggest(word: Any, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _quote_hint(value: Any) -> str:
    """YAML reads an unquoted yes or no as true or false."""
    if isinstance(value, bool):
        return ': put it in quotes, like "yes" or "no"'
    return ": put it in quotes"
