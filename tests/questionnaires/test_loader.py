"""A questionnaire file with a mistake does not load, and the message names the file, the line
and the problem, so the person editing it can put it right."""

import json
import textwrap

import pytest

from portal.documents.models import KINDS
from portal.questionnaires.loader import load_file, parse
from portal.questionnaires.schema import (
    SIMPLE_TYPES,
    Condition,
    Content,
    ContentError,
    Fill,
)
from tests.applications.helpers import V1

# Nine lines; the first question's "- id:" is on line 10.
HEADER = """\
version: 1
title: "Test"
summary: "A test questionnaire."
sections:
  - id: about
    title: "About you"
    pages:
      - id: first
        questions:
"""


def with_questions(questions: str) -> str:
    return HEADER + textwrap.indent(textwrap.dedent(questions), " " * 10)


def error_for(tmp_path, text: str | bytes) -> str:
    path = tmp_path / "bad.yaml"
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    with pytest.raises(ContentError) as raised:
        load_file(path)
    return str(raised.value)


YES_NO = """\
        - id: has_staff
          type: yes_no
          label: "Do you employ staff?"
"""

BAD_QUESTIONS = {
    "unknown type": (
        """\
        - id: dsl_name
          type: txt
          label: "Name"
        """,
        'bad.yaml line 11: question "dsl_name": unknown type "txt" (did you mean "text"?) '
        "(expected one of: text, long_text, yes_no, choice, multi_choice, date, number, money, "
        "email, phone, url, group, lots, declaration, evidence)",
    ),
    "a typo in a key": (
        """\
        - id: legal_name
          type: text
          lable: "Legal name"
        """,
        'bad.yaml line 12: question "legal_name": unknown key "lable" (did you mean "label"?)',
    ),
    "a missing label": (
        """\
        - id: legal_name
          type: text
        """,
        'bad.yaml line 10: question "legal_name": "label" is missing',
    ),
    "an evidence question without a kind of document": (
        """\
        - id: policy
          type: evidence
          label: "Safeguarding policy"
        """,
        'bad.yaml line 10: question "policy": "kind" must be some text',
    ),
    "an evidence question with an unknown kind of document": (
        """\
        - id: policy
          type: evidence
          label: "Safeguarding policy"
          kind: safeguarding_polcy
        """,
        'bad.yaml line 13: question "policy": unknown document kind "safeguarding_polcy" '
        '(did you mean "safeguarding_policy"?) (expected one of: ' + ", ".join(KINDS) + ")",
    ),
    "a kind on a question that is not evidence": (
        """\
        - id: legal_name
          type: text
          label: "Legal name"
          kind: safeguarding_policy
        """,
        'bad.yaml line 13: question "legal_name": "kind" is not used for type text',
    ),
    "an evidence question inside a group": (
        """\
        - id: referees
          type: group
          label: "Referees"
          item_label: referee
          questions:
            - id: reference
              type: evidence
              kind: other
              label: "Reference"
        """,
        'bad.yaml line 16: question "reference" in group "referees": a group\'s questions must '
        "be of a simple type (" + ", ".join(SIMPLE_TYPES) + ")",
    ),
    "an id that is not snake_case": (
        """\
        - id: LegalName
          type: text
          label: "Legal name"
        """,
        'bad.yaml line 10: question "LegalName": id "LegalName" must be snake_case (lower case '
        "letters and numbers joined by underscores, like legal_name)",
    ),
    "the same id twice": (
        """\
        - id: legal_name
          type: text
          label: "Legal name"
        - id: legal_name
          type: text
          label: "Trading name"
        """,
        'bad.yaml line 13: question "legal_name": another question (line 10) has this id; ids '
        "must be unique in the file",
    ),
    "the same key twice in a block": (
        """\
        - id: legal_name
          type: text
          label: "Legal name"
          label: "Trading name"
        """,
        'bad.yaml line 13: "label" appears twice in the same block (also on line 12)',
    ),
    "an unquoted yes, which YAML reads as true": (
        YES_NO
        + """\
        - id: staff_count
          type: number
          label: "Number of staff"
          show_when: {answer: has_staff, equals: yes}
        """,
        'bad.yaml line 16: question "staff_count": show_when: the value true must be text: put '
        'it in quotes, like "yes" or "no"',
    ),
    "a condition on a later question": (
        """\
        - id: staff_count
          type: number
          label: "Number of staff"
          show_when: {answer: has_staff, equals: "yes"}
"""
        + YES_NO,
        'bad.yaml line 13: question "staff_count": show_when: the answer "has_staff" comes later '
        "in the file; a condition can only test questions before it",
    ),
    "a condition on a question that does not exist": (
        """\
        - id: staff_count
          type: number
          label: "Number of staff"
          show_when: {answer: has_staf, equals: "yes"}
        """,
        'bad.yaml line 13: question "staff_count": show_when: the answer "has_staf" is not a '
        "question in the file; a condition can only test questions before it",
    ),
    "a condition on a value that is not an option": (
        YES_NO
        + """\
        - id: staff_count
          type: number
          label: "Number of staff"
          show_when: {answer: has_staff, equals: "maybe"}
        """,
        'bad.yaml line 16: question "staff_count": show_when: "maybe" is not an option of '
        '"has_staff" (its options: yes, no)',
    ),
    "any_in on a yes or no question": (
        YES_NO
        + """\
        - id: staff_count
          type: number
          label: "Number of staff"
          show_when: {answer: has_staff, any_in: ["yes"]}
        """,
        'bad.yaml line 16: question "staff_count": show_when: "any_in" tests multi_choice or '
        'lots questions, and "has_staff" is yes_no',
    ),
    "a condition with two operators": (
        YES_NO
        + """\
        - id: staff_count
          type: number
          label: "Number of staff"
          show_when: {answer: has_staff, equals: "yes", in: ["no"]}
        """,
        'bad.yaml line 16: question "staff_count": show_when: a condition needs exactly one of '
        '"equals", "in", "any_in" (each with "answer"), "lots_any", "all", "any" or "not"',
    ),
    "equals without an answer": (
        """\
        - id: staff_count
          type: number
          label: "Number of staff"
          show_when: {equals: "yes"}
        """,
        'bad.yaml line 13: question "staff_count": show_when: "equals" needs "answer" (the id '
        "of the question to test)",
    ),
    "a misspelt operator inside not": (
        YES_NO
        + """\
        - id: staff_count
          type: number
          label: "Number of staff"
          show_when:
            not: {answer: has_staff, equal: "no"}
        """,
        'bad.yaml line 17: question "staff_count": show_when: unknown key "equal" '
        '(did you mean "equals"?)',
    ),
    "an unknown lot": (
        """\
        - id: platform
          type: text
          label: "Teaching platform"
          lots: [online-tutoring]
        """,
        'bad.yaml line 13: question "platform": unknown lot "online-tutoring" (did you mean '
        '"online-tuition"?) (lots: alternative-provision, online-tuition, in-person-tuition, '
        "mentoring, post-16-provision, supported-internships, "
        "education-other-than-at-school-eotas, therapeutic-support, personal-budgets-support, "
        "emotionally-based-school-avoidance-ebsa-support, robotics-and-stem, semh-mentoring, "
        "creative-therapeutic-provision)",
    ),
    "an unknown lot in lots_any": (
        """\
        - id: platform
          type: text
          label: "Teaching platform"
          show_when: {lots_any: [tutoring]}
        """,
        'bad.yaml line 13: question "platform": show_when: unknown lot "tutoring" (did you mean '
        '"mentoring"?) (lots: alternative-provision, online-tuition, in-person-tuition, '
        "mentoring, post-16-provision, supported-internships, "
        "education-other-than-at-school-eotas, therapeutic-support, personal-budgets-support, "
        "emotionally-based-school-avoidance-ebsa-support, robotics-and-stem, semh-mentoring, "
        "creative-therapeutic-provision)",
    ),
    "two options with the same value": (
        """\
        - id: legal_form
          type: choice
          label: "Legal form"
          options:
            - {value: company, label: "Company"}
            - {value: company, label: "Charity"}
        """,
        'bad.yaml line 13: question "legal_form": option 2 has the same value as an earlier option',
    ),
    "two options with the same label": (
        """\
        - id: legal_form
          type: choice
          label: "Legal form"
          options:
            - {value: company, label: "Company"}
            - {value: charity, label: "Company"}
        """,
        'bad.yaml line 13: question "legal_form": option 2 has the same label as an earlier option',
    ),
    "a choice of one": (
        """\
        - id: legal_form
          type: choice
          label: "Legal form"
          options:
            - {value: company, label: "Company"}
        """,
        'bad.yaml line 13: question "legal_form": a choice needs at least 2 options',
    ),
    "an option value that is a number": (
        """\
        - id: size
          type: choice
          label: "Size"
          options:
            - {value: 1, label: "Small"}
            - {value: "2", label: "Large"}
        """,
        'bad.yaml line 14: question "size": option 1: the value 1 must be text: put it in quotes',
    ),
    "an option without a label": (
        """\
        - id: size
          type: choice
          label: "Size"
          options:
            - value: small
            - {value: large, label: "Large"}
        """,
        'bad.yaml line 14: question "size": option 1: "label" is missing',
    ),
    "options on a text question": (
        """\
        - id: legal_name
          type: text
          label: "Legal name"
          options: []
        """,
        'bad.yaml line 13: question "legal_name": "options" is not used for type text',
    ),
    "min above max": (
        """\
        - id: staff_count
          type: number
          label: "Number of staff"
          min: 10
          max: 5
        """,
        'bad.yaml line 13: question "staff_count": "min" (10) is more than "max" (5)',
    ),
    "a negative amount of money": (
        """\
        - id: turnover
          type: money
          label: "Turnover"
          min: -100
        """,
        'bad.yaml line 13: question "turnover": "min" must be 0 or more',
    ),
    "a bound that is not a whole number": (
        """\
        - id: staff_count
          type: number
          label: "Number of staff"
          max: 2.5
        """,
        'bad.yaml line 13: question "staff_count": "max" must be a whole number',
    ),
    "a max_length of 0": (
        """\
        - id: legal_name
          type: text
          label: "Legal name"
          max_length: 0
        """,
        'bad.yaml line 13: question "legal_name": "max_length" must be 1 or more',
    ),
    "min_length above max_length": (
        """\
        - id: legal_name
          type: text
          label: "Legal name"
          min_length: 10
          max_length: 5
        """,
        'bad.yaml line 13: question "legal_name": "min_length" (10) is more than "max_length" (5)',
    ),
    "more to select than there are options": (
        """\
        - id: services
          type: multi_choice
          label: "Services"
          min_selected: 3
          options:
            - {value: tuition, label: "Tuition"}
            - {value: mentoring, label: "Mentoring"}
        """,
        'bad.yaml line 13: question "services": "min_selected" (3) is more than the number of '
        "options (2)",
    ),
    "a date neither in the future nor the past": (
        """\
        - id: start
          type: date
          label: "Start date"
          not_in_future: true
          not_in_past: true
        """,
        'bad.yaml line 14: question "start": a date cannot be both "not_in_future" and '
        '"not_in_past"',
    ),
    "a date after a question that is not a date": (
        YES_NO
        + """\
        - id: start
          type: date
          label: "Start date"
          after: has_staff
        """,
        'bad.yaml line 16: question "start": "after" names "has_staff", which is not a date '
        "question",
    ),
    "a date after a question not before it": (
        """\
        - id: start
          type: date
          label: "Start date"
          after: founded
        """,
        'bad.yaml line 13: question "start": "after" names "founded", which is not a question '
        "before this one",
    ),
    "a pattern that is not a regular expression": (
        """\
        - id: company_number
          type: text
          label: "Company number"
          pattern: "[0-9"
          pattern_message: "Enter a company number"
        """,
        'bad.yaml line 13: question "company_number": "pattern" is not a valid regular '
        "expression (unterminated character set at position 0)",
    ),
    "a pattern without its message": (
        """\
        - id: company_number
          type: text
          label: "Company number"
          pattern: "[0-9]{8}"
        """,
        'bad.yaml line 13: question "company_number": "pattern" and "pattern_message" go '
        "together: give both or neither",
    ),
    "(optional) written into a label": (
        """\
        - id: trading_name
          type: text
          label: "Trading name (optional)"
          required: false
        """,
        'bad.yaml line 12: question "trading_name": leave "(optional)" out of the label; it is '
        "added for questions with required: false",
    ),
    "required as a word": (
        """\
        - id: trading_name
          type: text
          label: "Trading name"
          required: "false"
        """,
        'bad.yaml line 13: question "trading_name": "required" must be true or false',
    ),
    "a group inside a group": (
        """\
        - id: referees
          type: group
          label: "Referees"
          item_label: "referee"
          questions:
            - id: addresses
              type: group
              label: "Addresses"
        """,
        'bad.yaml line 16: question "addresses" in group "referees": a group\'s questions must '
        "be of a simple type (text, long_text, yes_no, choice, multi_choice, date, number, "
        "money, email, phone, url)",
    ),
    "a condition inside a group": (
        YES_NO
        + """\
        - id: referees
          type: group
          label: "Referees"
          item_label: "referee"
          questions:
            - id: name
              type: text
              label: "Name"
              show_when: {answer: has_staff, equals: "yes"}
        """,
        'bad.yaml line 21: question "name" in group "referees": "show_when" is not used inside '
        "a group",
    ),
    "a group without its item label": (
        """\
        - id: referees
          type: group
          label: "Referees"
          questions:
            - {id: name, type: text, label: "Name"}
        """,
        'bad.yaml line 10: question "referees": "item_label" is missing',
    ),
    "the same id twice in a group": (
        """\
        - id: referees
          type: group
          label: "Referees"
          item_label: "referee"
          questions:
            - {id: name, type: text, label: "Name"}
            - {id: name, type: email, label: "Email address"}
        """,
        'bad.yaml line 16: question "name" in group "referees": another question in the group '
        "has this id",
    ),
    "min_items above max_items": (
        """\
        - id: referees
          type: group
          label: "Referees"
          item_label: "referee"
          min_items: 3
          max_items: 2
          questions:
            - {id: name, type: text, label: "Name"}
        """,
        'bad.yaml line 14: question "referees": "min_items" (3) is more than "max_items" (2)',
    ),
    "two lots questions": (
        """\
        - id: lots_one
          type: lots
          label: "Types of service"
        - id: lots_two
          type: lots
          label: "More types of service"
        """,
        'bad.yaml line 14: question "lots_two": there is already a lots question ("lots_one", '
        "line 10); a questionnaire has only one",
    ),
    "a lots question that is not always asked": (
        YES_NO
        + """\
        - id: chosen_lots
          type: lots
          label: "Types of service"
          show_when: {answer: has_staff, equals: "yes"}
        """,
        'bad.yaml line 13: question "chosen_lots": a lots question is always asked: it cannot '
        'have "required: false", "show_when" or "lots"',
    ),
    "a declaration without a statement": (
        """\
        - id: declaration
          type: declaration
          label: "Declaration"
        """,
        'bad.yaml line 10: question "declaration": "statement" must be some text',
    ),
    "a prefill from an unknown field": (
        """\
        - id: legal_name
          type: text
          label: "Legal name"
          prefill: organisation.name
        """,
        'bad.yaml line 13: question "legal_name": prefill "organisation.name" must be '
        "previous_application or organisation.<field> (fields: legal_name, trading_name, "
        "legal_form, company_number, charity_number, is_sme, is_vcse, address_line_1, "
        "address_line_2, town, postcode, is_local, vat_number, phone, website, contact_name, "
        "contact_email)",
    ),
    "help without its text": (
        """\
        - id: legal_name
          type: text
          label: "Legal name"
          help:
            summary: "What is a legal name?"
        """,
        'bad.yaml line 14: question "legal_name": help: "text" is missing',
    ),
    "a pass/fail without a message": (
        YES_NO
        + """\
        - id: convicted
          type: yes_no
          label: "Have you been convicted?"
          pass_fail:
            fail_when: {answer: convicted, equals: "yes"}
        """,
        'bad.yaml line 17: question "convicted": pass_fail: "message" is missing',
    ),
    "a page of two questions without a title": (
        """\
        - {id: legal_name, type: text, label: "Legal name"}
        - {id: trading_name, type: text, label: "Trading name"}
        """,
        'bad.yaml line 8: page "first" in section "about": a page with more than one question '
        'needs a "title" (its heading)',
    ),
}


@pytest.mark.parametrize(("questions", "message"), BAD_QUESTIONS.values(), ids=list(BAD_QUESTIONS))
def test_a_bad_question_names_the_file_the_line_and_the_problem(tmp_path, questions, message):
    assert error_for(tmp_path, with_questions(questions)) == message


BAD_FILES = {
    "an empty file": ("", "bad.yaml: the file is empty"),
    "a list instead of a questionnaire": (
        "- one\n- two\n",
        "bad.yaml line 1: the file: expected a block of keys and values, not a list",
    ),
    "a YAML syntax error": (
        'version: 1\ntitle: "Test\nsummary: "x"\n',
        "bad.yaml line 3: expected <block end>, but found '<scalar>'",
    ),
    "a misspelt top-level key": (
        HEADER.replace("summary:", "sumary:") + '          - {id: a, type: text, label: "A"}\n',
        'bad.yaml line 3: the file: unknown key "sumary" (did you mean "summary"?)',
    ),
    "a version that is not a number": (
        HEADER.replace("version: 1", 'version: "one"')
        + '          - {id: a, type: text, label: "A"}\n',
        'bad.yaml line 1: the file: "version" must be a whole number',
    ),
    "a section without pages": (
        'version: 1\ntitle: "T"\nsummary: "S"\nsections:\n  - id: about\n    title: "About"\n',
        'bad.yaml line 5: section "about": "pages" is missing',
    ),
    "a page without questions": (
        HEADER.replace("        questions:\n", "        questions: []\n"),
        'bad.yaml line 9: page "first" in section "about": "questions" must be a list with at '
        "least one item",
    ),
    "two sections with the same id": (
        HEADER
        + '          - {id: a, type: text, label: "A"}\n'
        + HEADER.split("sections:\n")[1]
        + '          - {id: b, type: text, label: "B"}\n',
        'bad.yaml line 11: section "about": another section has this id',
    ),
    "a page's condition on a question on that page": (
        HEADER.replace(
            "      - id: first\n",
            '      - id: first\n        show_when: {answer: has_staff, equals: "yes"}\n',
        )
        + textwrap.indent(textwrap.dedent(YES_NO), " " * 10),
        'bad.yaml line 9: page "first" in section "about": show_when: the answer "has_staff" '
        "comes later in the file; a condition can only test questions before it",
    ),
    "text that is not UTF-8": (
        HEADER.encode() + '          - {id: a, type: text, label: "Caf\u00e9"}\n'.encode("latin-1"),
        "bad.yaml: the file must be saved as UTF-8 text",
    ),
}


@pytest.mark.parametrize(("text", "message"), BAD_FILES.values(), ids=list(BAD_FILES))
def test_a_bad_file_names_the_file_the_line_and_the_problem(tmp_path, text, message):
    assert error_for(tmp_path, text) == message


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ContentError, match=r"^nowhere\.yaml: no such file$"):
        load_file(tmp_path / "nowhere.yaml")


def test_a_pass_fail_question_may_test_its_own_answer(content):
    convicted = content.question("convicted")
    assert convicted.pass_fail.fail_when == Condition(
        op="equals", answer="convicted", values=("yes",)
    )


def test_an_evidence_question_names_its_kind_of_document(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(
        with_questions(
            """\
            - id: policy
              type: evidence
              kind: safeguarding_policy
              label: "Which safeguarding policy should we read?"
            """
        )
    )
    content = load_file(path)
    question = content.question("policy")
    assert (question.type, question.kind, question.required) == (
        "evidence",
        "safeguarding_policy",
        True,
    )
    assert question.kind_noun == "safeguarding and child protection policy"
    assert Content.from_dict(json.loads(json.dumps(content.to_dict()))) == content


def test_defaults_are_filled_in(content):
    assert content.question("legal_name").max_length == 200
    assert content.question("contact_email").max_length == 254
    assert content.question("subcontractor_names").max_length == 100
    assert content.question("website").required is False
    assert content.question("legal_name").required is True


def test_conditions_are_read_into_their_operators():
    text = with_questions(
        """\
        - id: services
          type: multi_choice
          label: "Services"
          options:
            - {value: tuition, label: "Tuition"}
            - {value: mentoring, label: "Mentoring"}
        - id: staff_count
          type: number
          label: "Number of staff"
          show_when:
            any:
              - {answer: services, any_in: [tuition]}
              - all:
                  - {lots_any: [mentoring]}
                  - not: {answer: services, any_in: [mentoring]}
        """
    ).replace("      - id: first\n", '      - id: first\n        title: "First"\n')
    content = parse(text, "good.yaml")
    assert content.question("staff_count").show_when == Condition(
        op="any",
        conditions=(
            Condition(op="any_in", answer="services", values=("tuition",)),
            Condition(
                op="all",
                conditions=(
                    Condition(op="lots_any", values=("mentoring",)),
                    Condition(
                        op="not",
                        conditions=(
                            Condition(op="any_in", answer="services", values=("mentoring",)),
                        ),
                    ),
                ),
            ),
        ),
    )


def test_content_survives_the_trip_through_json(content):
    stored = json.loads(json.dumps(content.to_dict()))
    assert Content.from_dict(stored) == content
    # Defaults are left out of what is stored.
    legal_name = stored["sections"][1]["pages"][0]["questions"][0]
    assert "required" not in legal_name and "options" not in legal_name


def test_a_page_knows_which_questions_its_radios_reveal(content):
    _section, page = content.page("about", "structure")
    assert {
        radio: {value: [q.id for q in qs] for value, qs in by_value.items()}
        for radio, by_value in page.reveals.items()
    } == {
        "legal_form": {"other": ["legal_form_other"]},
        "has_subcontractors": {"yes": ["subcontractor_names"]},
    }
    assert page.heading == "How your organisation is set up"
    assert not page.question_is_heading


INSURANCE_ANSWERS = """\
- {id: pl_cover, type: money, label: "Amount of cover"}
- {id: pl_insurer, type: text, label: "Name of insurer"}
- {id: pl_expiry, type: date, label: "When does the policy end?"}
"""


def certificate_question(fills: str, kind: str = "insurance_certificate") -> str:
    return with_questions(
        INSURANCE_ANSWERS
        + f"""\
- id: certificate
  type: evidence
  kind: {kind}
  label: "Which certificate should we check?"
  fills:
"""
        + textwrap.indent(textwrap.dedent(fills), "    ")
    ).replace("      - id: first\n", '      - id: first\n        title: "Insurance"\n')


def test_an_evidence_question_fills_the_upload_form_from_earlier_answers(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(
        certificate_question(
            """\
            cover_type: {value: public_liability}
            cover_amount: {answer: pl_cover}
            expiry_date: {answer: pl_expiry}
            title: {answer: pl_insurer}
            """
        )
    )
    content = load_file(path)
    assert content.question("certificate").fills == (
        Fill("cover_type", value="public_liability"),
        Fill("cover_amount", answer="pl_cover"),
        Fill("expiry_date", answer="pl_expiry"),
        Fill("title", answer="pl_insurer"),
    )
    assert Content.from_dict(json.loads(json.dumps(content.to_dict()))) == content


BAD_FILLS = {
    "a detail the kind of document does not ask": (
        "review_date: {answer: pl_expiry}\n",
        'bad.yaml line 19: question "certificate": "fills": unknown key "review_date"',
    ),
    "an answer that is not asked before": (
        "expiry_date: {answer: pl_renewal}\n",
        'bad.yaml line 19: question "certificate": "fills" "expiry_date": "pl_renewal" is not '
        "a question before this one",
    ),
    "an answer of another type": (
        "expiry_date: {answer: pl_cover}\n",
        'bad.yaml line 19: question "certificate": "fills" "expiry_date": "pl_cover" is not a '
        "date question",
    ),
    "a fixed value that is not one of the choices": (
        "cover_type: {value: car}\n",
        'bad.yaml line 19: question "certificate": "fills" "cover_type": unknown value "car"',
    ),
    "a choice taken from an answer": (
        "cover_type: {answer: pl_insurer}\n",
        'bad.yaml line 19: question "certificate": "fills" "cover_type": this detail is filled '
        'with a fixed "value"',
    ),
    "a fixed value for a detail typed in": (
        "cover_amount: {value: '5000000'}\n",
        'bad.yaml line 19: question "certificate": "fills" "cover_amount": this detail is '
        'filled from an "answer"',
    ),
    "both an answer and a value": (
        "expiry_date: {answer: pl_expiry, value: '2027-01-01'}\n",
        'bad.yaml line 19: question "certificate": "fills" "expiry_date": give either "answer" '
        'or "value"',
    ),
}


@pytest.mark.parametrize(("fills", "message"), BAD_FILLS.values(), ids=list(BAD_FILLS))
def test_a_bad_fill_names_the_line_and_the_problem(tmp_path, fills, message):
    assert error_for(tmp_path, certificate_question(fills)).startswith(message)


def test_the_questionnaire_asks_for_the_insurance_certificate_once():
    """The published questionnaire fills the public liability certificate's upload form from
    the cover and end date already answered, so a provider does not type them twice."""
    question = load_file(V1).question("public_liability_certificate")
    assert {fill.detail: fill.answer or fill.value for fill in question.fills} == {
        "cover_type": "public_liability",
        "cover_amount": "pl_cover",
        "expiry_date": "pl_expiry",
    }
