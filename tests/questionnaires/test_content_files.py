"""Every questionnaire version the portal ships loads, and survives the trip through the
database's JSON."""

import json
from pathlib import Path

import pytest

import portal.questionnaires
from portal.questionnaires.loader import load_file
from portal.questionnaires.schema import Content

VERSIONS = Path(portal.questionnaires.__file__).parent / "content"
FILES = sorted(VERSIONS.glob("*.yaml"))


def test_the_portal_ships_a_questionnaire():
    assert FILES, f"No questionnaire files in {VERSIONS}"


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_each_version_loads_and_is_named_for_its_number(path):
    content = load_file(path)
    assert path.name == f"v{content.version}.yaml"
    assert Content.from_dict(json.loads(json.dumps(content.to_dict()))) == content


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_each_version_asks_for_lots_and_ends_with_a_declaration(path):
    content = load_file(path)
    assert content.lots_question is not None
    assert content.sections[-1].is_declaration
