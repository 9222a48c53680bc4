"""The route through a questionnaire, and everything derived from it, comes from the answers and
the chosen lots."""

import pytest

from portal.questionnaires import routing
from portal.questionnaires.loader import parse
from portal.questionnaires.routing import CANNOT_START, COMPLETED, IN_PROGRESS, NOT_STARTED
from portal.questionnaires.schema import Condition
from tests.questionnaires.helpers import REFEREE, complete_answers


def pages(route):
    return [f"{section.id}/{page.id}" for section, page in route]


def section(content, section_id):
    return content.section(section_id)


def test_the_route_before_any_answer(content):
    assert pages(routing.routing_path(content, {}, [])) == [
        "lots/choose_lots",
        "about/identity",
        "about/structure",
        "about/dates",
        "about/money",
        "about/services",
        "safeguarding/convictions",
        "safeguarding/referees",
        "declaration/declare",
    ]


def test_an_answer_adds_the_page_it_asks_for(content):
    route = pages(routing.routing_path(content, {"has_subcontractors": "yes"}, []))
    assert route[2:4] == ["about/structure", "about/subcontracting"]


def test_chosen_lots_add_their_sections_and_pages(content):
    online = pages(routing.routing_path(content, {}, ["online-tuition"]))
    assert "online/platform" in online and "safeguarding/in_person" not in online
    mentoring = pages(routing.routing_path(content, {}, ["mentoring"]))
    assert "online/platform" not in mentoring and "safeguarding/in_person" in mentoring


def test_answers_off_the_route_are_dropped(content):
    answers = complete_answers(
        legal_form="company",
        legal_form_other="A co-operative",  # asked only for "other"
        has_subcontractors="no",
        subcontracted_share=40,  # its page is only for those who subcontract
        platform_name="Teachly",  # its section is only for online tuition
    )
    kept = routing.answers_on_route(content, answers, ["mentoring"])
    assert {"legal_form_other", "subcontracted_share", "platform_name"}.isdisjoint(kept)
    assert kept == {
        k: v
        for k, v in answers.items()
        if k not in ("legal_form_other", "subcontracted_share", "platform_name")
    }


CHAIN = """\
version: 1
title: "Chain"
summary: "Questions that depend on each other."
sections:
  - id: only
    title: "Only"
    pages:
      - id: first
        questions:
          - {id: has_staff, type: yes_no, label: "Do you employ staff?"}
      - id: second
        show_when: {answer: has_staff, equals: "yes"}
        questions:
          - {id: has_volunteers, type: yes_no, label: "Do you also have volunteers?"}
      - id: third
        questions:
          - id: volunteer_count
            type: number
            label: "Number of volunteers"
            show_when: {answer: has_volunteers, equals: "yes"}
"""


def test_an_answer_left_off_the_route_cannot_bring_in_a_later_question():
    content = parse(CHAIN, "chain.yaml")
    # They said yes to both, then went back and said they employ nobody.
    answers = {"has_staff": "no", "has_volunteers": "yes", "volunteer_count": 3}
    assert pages(routing.routing_path(content, answers, [])) == ["only/first"]
    assert routing.answers_on_route(content, answers, []) == {"has_staff": "no"}
    assert [q.id for q in routing.questions_on_route(content, answers, [])] == ["has_staff"]


EVALUATIONS = [
    (Condition("equals", "legal_form", ("charity",)), {"legal_form": "charity"}, [], True),
    (Condition("equals", "legal_form", ("charity",)), {"legal_form": "company"}, [], False),
    (Condition("equals", "legal_form", ("charity",)), {}, [], False),
    (Condition("in", "legal_form", ("charity", "other")), {"legal_form": "other"}, [], True),
    (Condition("in", "legal_form", ("charity", "other")), {"legal_form": "company"}, [], False),
    (Condition("any_in", "services", ("tuition",)), {"services": ["therapy", "tuition"]}, [], True),
    (Condition("any_in", "services", ("tuition",)), {"services": ["therapy"]}, [], False),
    (Condition("any_in", "services", ("tuition",)), {"services": None}, [], False),
    (Condition("lots_any", values=("mentoring",)), {}, ["mentoring", "online-tuition"], True),
    (Condition("lots_any", values=("mentoring",)), {}, ["online-tuition"], False),
    (Condition("not", conditions=(Condition("equals", "x", ("yes",)),)), {}, [], True),
    (
        Condition(
            "all",
            conditions=(
                Condition("equals", "x", ("yes",)),
                Condition("lots_any", values=("mentoring",)),
            ),
        ),
        {"x": "yes"},
        [],
        False,
    ),
    (
        Condition(
            "any",
            conditions=(
                Condition("equals", "x", ("yes",)),
                Condition("lots_any", values=("mentoring",)),
            ),
        ),
        {"x": "no"},
        ["mentoring"],
        True,
    ),
]


@pytest.mark.parametrize(("condition", "answers", "lots", "expected"), EVALUATIONS)
def test_evaluate(condition, answers, lots, expected):
    assert routing.evaluate(condition, answers, lots) is expected


def test_a_new_application_can_start_every_section_but_the_lot_ones_and_the_declaration(content):
    assert [(s.id, status) for s, status in routing.task_list(content, {}, [])] == [
        ("lots", NOT_STARTED),
        ("about", NOT_STARTED),
        ("online", CANNOT_START),
        ("safeguarding", NOT_STARTED),
        ("declaration", CANNOT_START),
    ]


def test_sections_for_lots_not_chosen_leave_the_task_list(content):
    answers = {"chosen_lots": ["mentoring"]}
    assert [(s.id, status) for s, status in routing.task_list(content, answers, ["mentoring"])] == [
        ("lots", COMPLETED),
        ("about", NOT_STARTED),
        ("safeguarding", NOT_STARTED),
        ("declaration", CANNOT_START),
    ]
    online = routing.task_list(content, answers, ["online-tuition"])
    assert "online" in [s.id for s, _ in online]


@pytest.mark.parametrize(
    ("answers", "status"),
    [
        ({}, NOT_STARTED),
        ({"legal_name": "Bright Futures Ltd"}, IN_PROGRESS),
        (complete_answers(), COMPLETED),
        # An optional question never seen: the section is not finished.
        (complete_answers(website=...), IN_PROGRESS),
        # A required question seen but empty.
        (complete_answers(legal_name=None), IN_PROGRESS),
        # A question revealed by an answer, not yet answered.
        (complete_answers(legal_form="other"), IN_PROGRESS),
        (complete_answers(legal_form="other", legal_form_other="A co-operative"), COMPLETED),
        # A page brought onto the route by an answer.
        (complete_answers(has_subcontractors="yes", subcontractor_names="Ann"), IN_PROGRESS),
    ],
    ids=[
        "nothing",
        "one answer",
        "all answered",
        "optional unseen",
        "required empty",
        "revealed unanswered",
        "revealed answered",
        "new page unanswered",
    ],
)
def test_section_status(content, answers, status):
    assert routing.section_status(content, section(content, "about"), answers, ["mentoring"]) == (
        status
    )


def test_a_group_needs_its_minimum_number_of_items(content):
    safeguarding = section(content, "safeguarding")
    one_referee = complete_answers(referees=[REFEREE])
    assert routing.section_status(content, safeguarding, one_referee, ["mentoring"]) == IN_PROGRESS
    answers = complete_answers()
    assert routing.section_status(content, safeguarding, answers, ["mentoring"]) == COMPLETED


def test_the_declaration_opens_when_every_other_section_is_completed(content):
    declaration = section(content, "declaration")
    unsigned = complete_answers(declaration=...)
    almost = complete_answers(declaration=..., convicted=...)
    assert routing.section_status(content, declaration, almost, ["mentoring"]) == CANNOT_START
    assert routing.section_status(content, declaration, unsigned, ["mentoring"]) == NOT_STARTED
    answers = complete_answers()
    assert routing.section_status(content, declaration, answers, ["mentoring"]) == COMPLETED
    assert routing.completed_count(content, answers, ["mentoring"]) == 4
    assert routing.completed_count(content, unsigned, ["mentoring"]) == 3


def test_a_section_for_lots_cannot_start_before_they_are_chosen(content):
    online = section(content, "online")
    assert routing.section_status(content, online, {}, []) == CANNOT_START
    assert routing.section_status(content, online, {}, ["online-tuition"]) == NOT_STARTED


def _page(content, path):
    return content.page(*path.split("/"))


@pytest.mark.parametrize(
    ("answers", "here", "next_", "previous"),
    [
        ({}, "lots/choose_lots", "about/identity", None),
        ({}, "about/structure", "about/dates", "about/identity"),
        (
            {"has_subcontractors": "yes"},
            "about/structure",
            "about/subcontracting",
            "about/identity",
        ),
        ({"has_subcontractors": "yes"}, "about/dates", "about/money", "about/subcontracting"),
        ({"has_subcontractors": "no"}, "about/dates", "about/money", "about/structure"),
        # A page that has just left the route still knows its neighbours.
        ({"has_subcontractors": "no"}, "about/subcontracting", "about/dates", "about/structure"),
        ({}, "declaration/declare", None, "safeguarding/referees"),
    ],
)
def test_next_and_previous_pages_follow_the_route(content, answers, here, next_, previous):
    section_, page = _page(content, here)
    after = routing.next_page(content, answers, [], section_, page)
    before = routing.previous_page(content, answers, [], section_, page)
    assert (pages([after]) if after else [None]) == [next_]
    assert (pages([before]) if before else [None]) == [previous]


def test_is_on_route(content):
    section_, page = _page(content, "about/subcontracting")
    assert not routing.is_on_route(content, {}, [], section_, page)
    assert routing.is_on_route(content, {"has_subcontractors": "yes"}, [], section_, page)


def test_a_failing_pass_fail_answer_is_flagged(content):
    assert routing.flags(content, complete_answers(), ["mentoring"]) == []
    flagged = routing.flags(content, complete_answers(convicted="yes"), ["mentoring"])
    assert [(q.id, message) for q, message in flagged] == [
        ("convicted", "Mandatory exclusion ground: conviction for an offence against children")
    ]


def test_questions_revealed_on_the_same_page_are_shown_whatever_the_answer(content):
    section_, page = _page(content, "about/structure")
    shown = routing.questions_to_show(content, section_, page, {"legal_form": "company"}, [])
    assert [q.id for q in shown] == [
        "legal_form",
        "legal_form_other",
        "has_subcontractors",
        "subcontractor_names",
    ]


def test_a_question_hidden_by_an_earlier_page_is_not_shown():
    content = parse(CHAIN, "chain.yaml")
    section_, page = content.page("only", "third")
    assert routing.questions_to_show(content, section_, page, {"has_volunteers": "no"}, []) == []
    shown = routing.questions_to_show(
        content, section_, page, {"has_staff": "yes", "has_volunteers": "yes"}, []
    )
    assert [q.id for q in shown] == ["volunteer_count"]


def test_chosen_lots(content):
    assert routing.chosen_lots(content, {}) == ()
    assert routing.chosen_lots(content, {"chosen_lots": ["mentoring"]}) == ("mentoring",)
