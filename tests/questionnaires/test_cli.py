"""`flask questionnaires load FILE`: a good file becomes a draft version; a bad one is refused
with its one-line message and no stack trace."""

from sqlalchemy import func, select

from portal.core.db import db
from portal.questionnaires.models import QuestionnaireVersion
from tests.questionnaires.conftest import EVERY_TYPE


def load(app, path):
    return app.test_cli_runner().invoke(args=["questionnaires", "load", str(path)])


def versions(app) -> list[tuple[int, str]]:
    with app.app_context():
        rows = db.session.execute(select(QuestionnaireVersion.version, QuestionnaireVersion.status))
        return [tuple(row) for row in rows]


def test_a_good_file_is_loaded_as_a_draft(app):
    result = load(app, EVERY_TYPE)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Loaded version 1, Test questionnaire: 21 questions. "
        "It is a draft until an admin publishes it.\n"
    )
    assert versions(app) == [(1, "draft")]

    again = load(app, EVERY_TYPE)
    assert again.exit_code == 0
    assert again.stdout == (
        "Version 1 is already loaded with this content (21 questions): nothing changed.\n"
    )
    assert versions(app) == [(1, "draft")]


def test_a_bad_file_is_refused_with_its_message(app, tmp_path):
    bad = tmp_path / "v2.yaml"
    bad.write_text(EVERY_TYPE.read_text().replace("type: money", "type: txt"))
    result = load(app, bad)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        'Not loaded. v2.yaml line 95: question "turnover": unknown type "txt" (did you mean '
        '"text"?) (expected one of: text, long_text, yes_no, choice, multi_choice, date, number, '
        "money, email, phone, url, group, lots, declaration, evidence)\n"
    )
    assert "Traceback" not in result.output
    assert versions(app) == []


def test_a_missing_file_is_refused(app, tmp_path):
    result = load(app, tmp_path / "v3.yaml")
    assert result.exit_code == 1
    assert result.stderr == "Not loaded. v3.yaml: cannot read the file (is the path right?)\n"


def test_the_same_number_with_other_content_is_refused(app, tmp_path):
    assert load(app, EVERY_TYPE).exit_code == 0
    changed = tmp_path / "v1.yaml"
    changed.write_text(EVERY_TYPE.read_text().replace('"Legal name"', '"Registered name"'))
    result = load(app, changed)
    assert result.exit_code == 1
    assert result.stderr == (
        "Not loaded. v1.yaml: version 1 is already loaded with different content; "
        "give the changed questionnaire a new version number\n"
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 1
