from pathlib import Path

import pytest

from portal.questionnaires.loader import load_file

CONTENT = Path(__file__).parent / "content"
EVERY_TYPE = CONTENT / "every_type.yaml"


@pytest.fixture(scope="session")
def content():
    """A small questionnaire with every question type, condition and lot rule."""
    return load_file(EVERY_TYPE)
