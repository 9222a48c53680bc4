"""The visit checklist as versioned content: a YAML file per version under
`portal/quality/content/` (the format is described at the top of checklist-v1.yaml), checked
when it is loaded and kept as a ChecklistVersion that each visit pins.

A mistake in a file stops it loading with the file, the line and the problem, in the same
words as the questionnaire loader (both read YAML through portal/questionnaires/yaml_reading.py):
'checklist-v2.yaml line 40: item "dsl_named": another item has this id (line 12)'.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.core.db import db
from portal.quality.models import GRADES, ChecklistVersion
from portal.questionnaires.schema import ContentError
from portal.questionnaires.yaml_reading import (
    _Mapping,
    _named,
    _quoted,
    _suggest,
    _ValueReader,
    read_document,
    read_file,
)

CONTENT = Path(__file__).resolve().parent.parent / "content"
# The version shipped with the portal, loaded the first time a visit is planned.
SHIPPED = CONTENT / "checklist-v1.yaml"


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    guidance: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    # A safeguarding section weighs most in the judgement (services/judgement.py).
    safeguarding: bool
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Grade:
    id: str
    label: str
    description: str


@dataclass(frozen=True)
class Checklist:
    version: int
    title: str
    summary: str
    grades: tuple[Grade, ...]
    sections: tuple[Section, ...]

    @property
    def items(self) -> dict[str, Item]:
        return {item.id: item for section in self.sections for item in section.items}

    @property
    def safeguarding_items(self) -> frozenset[str]:
        return frozenset(
            item.id for section in self.sections if section.safeguarding for item in section.items
        )

    def section_of(self, item_id: str) -> Section:
        return next(s for s in self.sections if any(i.id == item_id for i in s.items))


# Reading a file ---------------------------------------------------------------------------------


def load_file(path: str | Path) -> Checklist:
    """Read and check one checklist file. Raises ContentError."""
    return parse(*read_file(path))


def parse(data: bytes | str, name: str) -> Checklist:
    """Check the text of a checklist file called `name`. Raises ContentError listing every
    problem found, each with its line."""
    return _Reader(name).checklist(read_document(data, name))


class _Reader(_ValueReader):
    def __init__(self, name: str) -> None:
        self.name = name
        self.lot_slugs_known = ()
        self.problems: list[tuple[int | None, str]] = []
        self.item_lines: dict[str, int] = {}

    def attempt(self, read: Any) -> Any:
        """read(), or None after noting its problems, so one load lists them all."""
        try:
            return read()
        except ContentError as error:
            self.problems.extend(error.problems)
            return None

    def checklist(self, document: Any) -> Checklist:
        if document is None:
            self.fail(None, "the file is empty")
        keys = ("version", "title", "summary", "grades", "sections")
        top = self.mapping(document, "the file", 1, keys, keys)
        version = self.integer(top, "version", "the file", minimum=1)
        assert version is not None  # required: `mapping` failed the file without it
        title = self.text(top, "title", "the file", required=True)
        summary = self.text(top, "summary", "the file", required=True)
        grades = self.attempt(lambda: self.grades(top))
        sections: list[Section] = []
        section_lines: dict[str, int] = {}
        for raw in self.items(top, "sections", "the file"):
            section = self.attempt(lambda raw=raw: self.section(raw, top.key_lines["sections"]))
            if section is None:
                continue
            line = raw.line
            if section.id in section_lines:
                self.problems.append(
                    (
                        line,
                        f'section "{section.id}": another section has this id '
                        f"(line {section_lines[section.id]})",
                    )
                )
            section_lines.setdefault(section.id, line)
            sections.append(section)
        if self.problems:
            raise ContentError.several(self.name, sorted(self.problems, key=lambda p: p[0] or 0))
        return Checklist(version, title, summary, tuple(grades), tuple(sections))

    def grades(self, top: _Mapping) -> list[Grade]:
        grades: list[Grade] = []
        for raw in self.items(top, "grades", "the file"):
            where = _named("grade", raw)
            m = self.mapping(
                raw,
                where,
                top.key_lines["grades"],
                ("id", "label", "description"),
                ("id", "label", "description"),
            )
            if m["id"] not in GRADES:
                self.fail(
                    m,
                    f"{where}: unknown grade {_quoted(m['id'])}{_suggest(m['id'], GRADES)}"
                    f" (grades: {', '.join(GRADES)})",
                    "id",
                )
            if any(grade.id == m["id"] for grade in grades):
                self.fail(m, f"{where}: this grade is described twice", "id")
            grades.append(
                Grade(
                    m["id"],
                    self.text(m, "label", where, required=True),
                    self.text(m, "description", where, required=True),
                )
            )
        missing = [grade for grade in GRADES if grade not in {g.id for g in grades}]
        if missing:
            self.fail(
                top,
                f'the file: "grades" must describe every grade; missing: {", ".join(missing)}',
                "grades",
            )
        return grades

    def section(self, raw: Any, line: int) -> Section:
        where = _named("section", raw)
        m = self.mapping(
            raw, where, line, ("id", "title", "safeguarding", "items"), ("id", "title", "items")
        )
        section_id = self.identifier(m, where)
        items = []
        for raw_item in self.items(m, "items", where):
            item = self.attempt(lambda raw_item=raw_item: self.item(raw_item, m.key_lines["items"]))
            if item is not None:
                items.append(item)
        return Section(
            section_id,
            self.text(m, "title", where, required=True),
            self.flag(m, "safeguarding", where, default=False),
            tuple(items),
        )

    def item(self, raw: Any, line: int) -> Item:
        where = _named("item", raw)
        m = self.mapping(
            raw,
            where,
            line,
            ("id", "text", "guidance"),
            ("id", "text", "guidance"),
        )
        item_id = self.identifier(m, where)
        if item_id in self.item_lines:
            self.fail(
                m,
                f"{where}: another item has this id (line {self.item_lines[item_id]})",
                "id",
            )
        self.item_lines[item_id] = m.line
        return Item(
            item_id,
            self.text(m, "text", where, required=True),
            self.text(m, "guidance", where, required=True),
        )


# Storing and reading versions -------------------------------------------------------------------


def load_version(path: str | Path) -> tuple[ChecklistVersion, bool]:
    """Check the file at `path` and store it as a ChecklistVersion; (version, created). Loading
    the same content again changes nothing; another file with a version number already loaded
    is refused (a new version needs a new number, as visits keep the one they used). Raises
    ContentError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError(path.name, None, "no such file") from None
    checklist = parse(data, path.name)
    digest = hashlib.sha256(data).hexdigest()
    existing = db.session.scalar(
        select(ChecklistVersion).where(ChecklistVersion.version == checklist.version)
    )
    if existing is not None:
        if existing.digest != digest:
            raise ContentError(
                path.name,
                None,
                f"version {checklist.version} is already loaded with other content: "
                "give the changed checklist a new version number",
            )
        return existing, False
    version = ChecklistVersion(
        version=checklist.version,
        title=checklist.title,
        content=asdict(checklist),
        digest=digest,
    )
    db.session.add(version)
    db.session.flush()
    return version, True


def current_version() -> ChecklistVersion:
    """The newest checklist version, loading the shipped one first if none is loaded yet (so a
    new portal needs no step before its first visit is planned). If two people plan the first
    visit at once, the second finds the version the first stored."""
    newest = db.session.scalar(select(ChecklistVersion).order_by(ChecklistVersion.version.desc()))
    if newest is not None:
        return newest
    try:
        with db.session.begin_nested():
            version, _created = load_version(SHIPPED)
    except IntegrityError:
        found = db.session.scalar(
            select(ChecklistVersion).order_by(ChecklistVersion.version.desc())
        )
        assert found is not None
        return found
    return version


def checklist_of(version: ChecklistVersion) -> Checklist:
    """The stored content of `version` as the dataclasses (it was checked when it was loaded)."""
    content = version.content
    return Checklist(
        version=content["version"],
        title=content["title"],
        summary=content["summary"],
        grades=tuple(Grade(**grade) for grade in content["grades"]),
        sections=tuple(
            Section(
                id=section["id"],
                title=section["title"],
                safeguarding=section["safeguarding"],
                items=tuple(Item(**item) for item in section["items"]),
            )
            for section in content["sections"]
        ),
    )
