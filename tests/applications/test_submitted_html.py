"""A submitted answer is written in Python (portal/applications/submitted_html.py) for speed, and
must be exactly what the template macro it replaced wrote: the macro is kept here, and every
kind of answer is rendered both ways and compared to the character, whitespace included."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from portal.questionnaires.schema import Option, Question
from tests.support.page_checks import problems_in

# templates/applications/_macros.html's macro, as it was.
MACRO = """\
{% macro submitted_answer(question, answer, lot_names) -%}
  {%- if question.type == "group" and answer %}
    {% for item in answer %}
      <p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1">{{ question.item_label | capitalize }} {{ loop.index }}</p>
      <ul class="govuk-list">
        {% for sub in question.questions %}<li>{{ sub.label }}: {{ answer_text(sub, item.get(sub.id)) }}</li>{% endfor %}
      </ul>
    {% endfor %}
  {%- else %}
    <span class="app-multiline">{{ answer_text(question, answer, lot_names) }}</span>
  {%- endif %}
{%- endmacro %}"""  # noqa: E501 - the macro's lines as they were

TYPED = "Bright <b>Futures</b> & 'Co' \"quoted\"\nsecond line\n\n  third"
CHOICE = Question(
    "legal_form",
    "choice",
    "Type of <organisation>",
    options=(Option("charity", "Charity & <trust>"), Option("company", "Company")),
)
SUBS = (
    Question("name", "text", "Full <name>"),
    Question("started", "date", "Start date"),
    Question("paid", "money", "Pay"),
    CHOICE,
)
GROUP = Question(
    "staff", "group", "Staff & <volunteers>", questions=SUBS, item_label="member of staff"
)
LOT_NAMES = {"mentoring": "Mentoring & <coaching>", "tuition": "Tuition"}

ANSWERS = [
    (Question("legal_name", "text", "Legal name"), TYPED),
    (Question("legal_name", "text", "Legal name"), ""),
    (Question("legal_name", "text", "Legal name"), None),
    (Question("email", "email", "Email <address>"), "a&b@example.com"),
    (Question("phone", "phone", "Telephone"), "0113 496 0000"),
    (Question("website", "url", "Website"), "https://example.com/?a=1&b=<2>"),
    (CHOICE, "charity"),
    (CHOICE, "<unknown>"),
    (Question("subcontracts", "yes_no", "Do you subcontract?"), "yes"),
    (Question("subcontracts", "yes_no", "Do you subcontract?"), "no"),
    (Question("services", "multi_choice", "Services", options=CHOICE.options), ["charity", "x&y"]),
    (Question("services", "multi_choice", "Services", options=CHOICE.options), []),
    (Question("chosen_lots", "lots", "Lots"), ["mentoring", "tuition", "<gone>"]),
    (Question("founded_on", "date", "Founded"), "2020-03-05"),
    (Question("share", "number", "Share", unit="per <cent>"), 1500),
    (Question("staff_count", "number", "Staff"), 0),
    (Question("turnover", "money", "Turnover"), 125050),
    (GROUP, [{"name": "Ann <Smith>", "started": "2021-01-31", "paid": 5, "legal_form": "charity"}]),
    (GROUP, [{"name": TYPED}, {}, {"name": "Bo", "legal_form": "company", "paid": None}]),
    (GROUP, []),
    (GROUP, None),
    (Question("referees", "group", "Referees", questions=SUBS[:1], item_label="DBS check"), [{}]),
    (
        Question("declaration", "declaration", "Declaration"),
        {"name": "Alex <i>", "role": "Director & owner", "agreed": True},
    ),
    (
        Question("insurance", "evidence", "Insurance", kind="insurance"),
        {"title": "Cover <2027> & more", "version": 3, "document_id": 1, "version_id": 2},
    ),
]


@pytest.mark.parametrize(("question", "answer"), ANSWERS, ids=range(len(ANSWERS)))
@pytest.mark.parametrize("lot_names", [LOT_NAMES, None])
def test_a_submitted_answer_is_what_the_macro_wrote(app, question, answer, lot_names):
    call = "[{{ submitted_answer(question, answer, lot_names) }}]"
    with app.test_request_context():
        ours = app.jinja_env.from_string(call).render(
            question=question, answer=answer, lot_names=lot_names
        )
        theirs = app.jinja_env.from_string(MACRO + call).render(
            question=question, answer=answer, lot_names=lot_names
        )
    assert ours == theirs
    # Our tags are markup, and nothing is escaped twice (the tags typed in TYPED are text).
    assert problems_in(ours, typed=("<b>", "</b>", "<i>")) == []


def test_what_a_person_typed_is_escaped(app):
    with app.test_request_context():
        shown = app.jinja_env.globals["submitted_answer"](ANSWERS[0][0], TYPED)
    assert isinstance(shown, Markup)
    assert "&lt;b&gt;Futures&lt;/b&gt; &amp; &#39;Co&#39; &#34;quoted&#34;" in shown
