"""Pages name the place the council serves ("based in Sandwell"), never "the borough", which
leaves a provider from outside guessing which one."""

from pathlib import Path

import pytest

from portal.config import load_config
from tests.conftest import sign_in
from tests.support.pages import page_text

SECRET = {"SECRET_KEY": "a-development-secret-key-long-enough"}


@pytest.mark.parametrize(
    ("council", "area"),
    [
        ("Dudley Council", "Dudley"),
        ("Sandwell Metropolitan Borough Council", "Sandwell"),
        ("Birmingham City Council", "Birmingham"),
        ("Kent County Council", "Kent"),
    ],
)
def test_the_area_is_the_council_name_without_council(council, area):
    assert load_config({**SECRET, "COUNCIL_NAME": council})["COUNCIL_AREA"] == area


def test_the_area_can_be_set():
    config = load_config(
        {**SECRET, "COUNCIL_NAME": "Dudley Council", "COUNCIL_AREA": "the Black Country"}
    )
    assert config["COUNCIL_AREA"] == "the Black Country"


@pytest.mark.parametrize("address", ["/", "/providers", "/providers/how-call-offs-are-made"])
def test_public_pages_name_the_area(make_app, address):
    app = make_app(COUNCIL_NAME="Sandwell Council", COUNCIL_AREA="Sandwell")

    text = page_text(app.test_client().get(address))

    assert "the borough" not in text
    assert "Sandwell" in text


def test_a_commissioner_choosing_a_local_preference_is_told_which_area(make_app, commissioner):
    app = make_app(COUNCIL_NAME="Sandwell Council", COUNCIL_AREA="Sandwell")
    client = sign_in(app.test_client(), commissioner)

    text = page_text(client.get("/competitions/new?kind=mini_competition"))

    assert "Invite only providers based in Sandwell" in text
    assert "Weight for providers based in Sandwell (optional)" in text
    assert "the borough" not in text


def test_no_page_or_email_says_the_borough():
    """Every template, read as a whole: "the borough" is never written into one."""
    templates = Path(__file__).parents[2] / "templates"
    found = [
        str(path.relative_to(templates))
        for path in templates.rglob("*")
        if path.is_file() and "the borough" in path.read_text("utf-8")
    ]
    assert found == []
