"""The visit checklist as content: the shipped version loads and covers what the guidance asks;
a file with an unknown grade, a duplicate item id or a missing field is refused with the file
and the line; `flask quality load-checklist` stores a version once (by its digest)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.core.db import db
from portal.quality.models import ChecklistVersion
from portal.quality.services import checklists
from portal.questionnaires.schema import ContentError

SHIPPED = checklists.SHIPPED.read_text()


def _refusal(text: str, name: str = "checklist-v2.yaml") -> list[str]:
    with pytest.raises(ContentError) as refused:
        checklists.parse(text, name)
    return str(refused.value).splitlines()


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_shipped_checklist_covers_the_guidance():
    checklist = checklists.load_file(checklists.SHIPPED)
    assert checklist.version == 1
    assert [section.title for section in checklist.sections] == [
        "Safeguarding lead and training",
        "Single central record and staff checks",
        "Attendance registers and first-day calling",
        "Curriculum and progress tracking",
        "Premises and risk assessments",
        "Behaviour and physical intervention",
        "Complaints",
        "SEND support",
    ]
    assert all(len(section.items) >= 3 for section in checklist.sections)
    assert all(item.guidance for item in checklist.items.values())
    assert "scr_sample_matches_register" in checklist.safeguarding_items
    assert "complaints_policy" not in checklist.safeguarding_items
    assert [grade.id for grade in checklist.grades] == ["met", "partly_met", "not_met", "not_seen"]


def test_an_unknown_grade_is_refused_with_its_line():
    text = SHIPPED.replace("  - id: not_seen", "  - id: unseen")
    line = _line_of(text, "- id: unseen")
    assert _refusal(text) == [
        f'checklist-v2.yaml line {line}: grade "unseen": unknown grade "unseen" (did you mean '
        '"not_seen"?) (grades: met, partly_met, not_met, not_seen)'
    ]


def test_a_duplicate_item_id_is_refused_naming_both_lines():
    text = SHIPPED.replace("- id: premises_safe", "- id: dsl_named")
    first, second = [
        n for n, line in enumerate(text.splitlines(), 1) if line.endswith("- id: dsl_named")
    ]
    assert _refusal(text) == [
        f'checklist-v2.yaml line {second}: item "dsl_named": another item has this id '
        f"(line {first})"
    ]


def test_a_missing_field_and_an_unknown_key_are_each_refused_with_their_lines():
    text = SHIPPED.replace(
        "        text: A designated safeguarding lead (and a deputy) is named, and staff know "
        "who they are.\n",
        "",
    ).replace("    title: Complaints\n", "    title: Complaints\n    colour: red\n")
    problems = _refusal(text)
    assert problems == [
        f'checklist-v2.yaml line {_line_of(text, "- id: dsl_named")}: item "dsl_named": '
        '"text" is missing',
        f'checklist-v2.yaml line {_line_of(text, "colour: red")}: section "complaints": '
        'unknown key "colour"',
    ]


def test_every_grade_must_be_described():
    start = SHIPPED.index("  - id: not_seen")
    end = SHIPPED.index("sections:")
    assert _refusal(SHIPPED[:start] + "\n" + SHIPPED[end:]) == [
        f'checklist-v2.yaml line {_line_of(SHIPPED, "grades:")}: the file: "grades" must '
        "describe every grade; missing: not_seen"
    ]


def test_a_yaml_mistake_is_reported_as_the_questionnaires_are():
    text = SHIPPED.replace("    title: Complaints\n", "    title: Complaints\n    title: Again\n")
    (problem,) = _refusal(text)
    assert problem == (
        f"checklist-v2.yaml line {_line_of(text, 'title: Again')}: "
        '"title" appears twice in the same block (also on line '
        f"{_line_of(text, 'title: Complaints')})"
    )


def _load(app, *args):
    return app.test_cli_runner().invoke(args=["quality", "load-checklist", *map(str, args)])


def _versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ChecklistVersion.id)))


def test_the_command_loads_a_version_once(app):
    result = _load(app)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Loaded checklist version 1, Quality visit checklist: 31 items.\n"
    again = _load(app, checklists.SHIPPED)
    assert again.stdout == (
        "Checklist version 1 is already loaded with this content (31 items): nothing changed.\n"
    )
    assert _versions(app) == 1


def test_the_command_refuses_a_bad_file_and_a_changed_file_with_a_loaded_number(app, tmp_path):
    bad = tmp_path / "checklist-v2.yaml"
    bad.write_text(SHIPPED.replace("  - id: not_seen", "  - id: unseen"))
    result = _load(app, bad)
    assert result.exit_code == 1
    assert result.stderr.startswith("Not loaded. checklist-v2.yaml line ")
    assert "Traceback" not in result.output
    _load(app)
    changed = tmp_path / "checklist-v1-edited.yaml"
    changed.write_text(SHIPPED.replace("Quality visit checklist", "Visit checklist"))
    result = _load(app, changed)
    assert result.exit_code == 1
    assert result.stderr == (
        "Not loaded. checklist-v1-edited.yaml: version 1 is already loaded with other content: "
        "give the changed checklist a new version number\n"
    )
    assert _versions(app) == 1


def test_the_shipped_version_is_loaded_when_the_first_visit_is_planned(app_ctx):
    assert db.session.scalar(select(func.count(ChecklistVersion.id))) == 0
    first = checklists.current_version()
    assert first.version == 1
    assert checklists.current_version().id == first.id
    assert db.session.scalar(select(func.count(ChecklistVersion.id))) == 1
