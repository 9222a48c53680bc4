"""One submitted answer as HTML, written here rather than as a template macro.

A submission answers about 150 questions, and the review page and the provider's copy of what
was submitted (on the page and downloaded) show every one. As a Jinja macro each answer cost a
macro call, its look-ups and a call of answer_text: most of the review page's template time.
The markup is exactly what templates/applications/_macros.html's `submitted_answer` macro wrote,
whitespace included; tests/applications/test_submitted_html.py renders both and compares them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from portal.questionnaires.answers import answer_text
from portal.questionnaires.schema import Question

_ITEM_HEADING = (
    '\n      <p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1">{} {}</p>'
    '\n      <ul class="govuk-list">\n        {}\n      </ul>\n    '
)


def submitted_answer(
    question: Question, answer: Any, lot_names: Mapping[str, str] | None = None
) -> Markup:
    """A submitted answer as the summary list shows it: a group as its items, each headed by
    its number and listing its questions' answers; any other answer in words (answer_text),
    keeping the line breaks a person typed. Everything a person typed is escaped."""
    if question.type == "group" and answer:
        # Jinja's `capitalize` filter: the first letter up, the rest down.
        label = escape(str(question.item_label).capitalize())
        items = "".join(
            _ITEM_HEADING.format(
                label,
                number,
                "".join(
                    f"<li>{escape(sub.label)}: {escape(answer_text(sub, item.get(sub.id)))}</li>"
                    for sub in question.questions
                ),
            )
            for number, item in enumerate(answer, start=1)
        )
        return Markup("\n    " + items)  # noqa: S704 - every value above went through escape()
    text = escape(answer_text(question, answer, lot_names))
    return Markup(f'\n    <span class="app-multiline">{text}</span>')  # noqa: S704 - escaped
