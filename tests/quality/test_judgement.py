"""The published rule for a visit's overall judgement, with worked examples."""

from __future__ import annotations

import pytest

from portal.quality.services.judgement import judge

SAFEGUARDING = {"dsl_named", "registers_kept"}
ITEMS = ["dsl_named", "registers_kept", "curriculum", "premises", "complaints", "send"]


def _grades(**given: str) -> dict[str, str]:
    return {item: given.get(item, "met") for item in ITEMS}


@pytest.mark.parametrize(
    ("grades", "judgement", "because"),
    [
        (_grades(), "good", "No item is not met, and every safeguarding item is met"),
        # One partly met outside safeguarding, two even: still good.
        (_grades(curriculum="partly_met", premises="partly_met"), "good", None),
        # Not seen outside safeguarding does not count against the provider.
        (_grades(complaints="not_seen"), "good", None),
        # Three partly met anywhere.
        (
            _grades(curriculum="partly_met", premises="partly_met", send="partly_met"),
            "requires_improvement",
            "3 items are partly met",
        ),
        # One not met outside safeguarding.
        (_grades(premises="not_met"), "requires_improvement", "1 item is not met"),
        # Safeguarding partly met, or not seen: the council cannot call it good.
        (
            _grades(dsl_named="partly_met"),
            "requires_improvement",
            "1 safeguarding item is partly met or not seen",
        ),
        (
            _grades(registers_kept="not_seen"),
            "requires_improvement",
            "1 safeguarding item is partly met or not seen",
        ),
        # Any safeguarding item not met.
        (_grades(registers_kept="not_met"), "inadequate", "1 safeguarding item is not met"),
        # Three not met anywhere.
        (
            _grades(curriculum="not_met", premises="not_met", send="not_met"),
            "inadequate",
            "3 items are not met",
        ),
        # Safeguarding decides first, whatever else.
        (
            _grades(dsl_named="not_met", curriculum="not_met", premises="partly_met"),
            "inadequate",
            "1 safeguarding item is not met",
        ),
    ],
)
def test_worked_examples(grades, judgement, because):
    decided = judge(grades, SAFEGUARDING)
    assert decided.judgement == judgement
    if because:
        assert decided.because == because
