"""Every reference number and amount of money in every questionnaire the portal ships accepts
what people type ("z1234567", "SC 123456", "5 million", "£1,250"), and every example its hint
and messages give is an answer it accepts."""

import re
from pathlib import Path

import pytest

import portal.questionnaires
from portal.questionnaires.answer_types import READERS, Context, Invalid, money_example
from portal.questionnaires.loader import load_file

CONTENT = Path(portal.questionnaires.__file__).parent / "content"
QUESTIONS = [
    (path.name, question)
    for path in sorted(CONTENT.glob("*.yaml"))
    for top in load_file(path).questions
    for question in (top, *top.questions)
]
PATTERNED = [(name, q) for name, q in QUESTIONS if q.pattern]
MONEY = [(name, q) for name, q in QUESTIONS if q.type == "money"]
# What follows "like" or "for example" up to the end of the sentence, split at "or" and commas.
_EXAMPLES = re.compile(r"(?:like|for example,?) (.+?)(?:\.(?:\s|$)|$)", re.IGNORECASE)


def _read(question, typed):
    return READERS[question.type](question, typed, Context(known={}))


def examples(*texts: str | None) -> list[str]:
    found = []
    for text in texts:
        for sentence in _EXAMPLES.findall(text or ""):
            found += [part.strip() for part in re.split(r",? or |, ", sentence) if part.strip()]
    return found


def _ids(cases):
    return [f"{name}:{question.id}" for name, question in cases]


def _as_typed(number: str) -> str:
    """How a person might type a reference number: lower case, in groups, with a space after."""
    lower = number.lower()
    return f" {lower[:2]} {lower[2:5]} {lower[5:]} "


@pytest.mark.parametrize(("name", "question"), PATTERNED, ids=_ids(PATTERNED))
def test_each_reference_number_accepts_its_examples_as_people_type_them(name, question):
    shown = [
        e for e in examples(question.hint, question.pattern_message) if re.fullmatch(r"[\w-]+", e)
    ]
    assert shown, f"{question.id}: its hint or message gives no example"
    for example in shown:
        assert _read(question, example) == example, (question.id, example)
        assert _read(question, _as_typed(example)) == example, (question.id, example)


@pytest.mark.parametrize(("name", "question"), MONEY, ids=_ids(MONEY))
def test_each_amount_of_money_gives_an_example_it_accepts_and_the_hint_agrees(name, question):
    example = money_example(question)
    assert example, f"{question.id}: give the question an example"
    assert _read(question, example) is not None
    with pytest.raises(Invalid) as refused:
        _read(question, "a lot")
    assert refused.value.message == f"Enter an amount in pounds, like {example}"
    hinted = [e for e in examples(question.hint) if re.search(r"\d", e)]
    assert hinted in ([], [example]), f"{question.id}: the hint's example is {hinted}"
    assert example in question.hint or not question.hint, question.id


TYPED = [
    ("5 million", 500_000_000),
    ("£5m", 500_000_000),
    ("1.5M", 150_000_000),
    ("£1,250", 125_000),
    ("1250.50", 125_050),
    ("£ 48,500.00", 4_850_000),
    ("45k", 4_500_000),
]


@pytest.mark.parametrize(("name", "question"), MONEY, ids=_ids(MONEY))
def test_each_amount_of_money_reads_amounts_as_people_type_them(name, question):
    for typed, pence in TYPED:
        low, high = question.min or 0, question.max
        if low <= pence and (high is None or pence <= high):
            assert _read(question, typed) == pence, typed
        else:
            with pytest.raises(Invalid, match="must be"):
                _read(question, typed)
