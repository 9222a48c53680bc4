"""The review page's answers are written in Python (portal/reviews/views/answer_rows.py) for
speed, and must be exactly what the template's loop (and its `evidence_answer` macro) wrote: both
are kept here as they were, and answers of every kind (changed or not; flagged with a next
flagged answer, flagged last, or not; evidence held and downloadable, held but gone, no longer
held; earlier comments and this submission's comment, with and without authors) are rendered
both ways, in review and not, and compared to the character, whitespace included."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from portal.accounts.models import User
from portal.applications.models import Application
from portal.applications.snapshot import SubmittedCopy
from portal.documents.models import DocumentVersion, Status, StoredFile
from portal.documents.services import EvidenceToday
from portal.questionnaires.schema import Page, Question, Section
from portal.reviews.models import ReviewComment
from portal.reviews.services import EarlierComment, FlaggedAnswer
from portal.reviews.views.answer_rows import answer_sections
from tests.support.page_checks import problems_in

# templates/reviews/show.html's macro and loop, as they were.
MACRO = """\
{% macro evidence_answer(answer, held) -%}
  <p class="govuk-body govuk-!-margin-bottom-1">
    {%- if held and held.version.file.is_available -%}
      <a class="govuk-link" href="{{ url_for('documents.download', organisation_id=application.organisation_id, document_id=answer.document_id, version_id=answer.version_id) }}">{{ answer.title }}<span class="govuk-visually-hidden">, download version {{ answer.version }}</span></a>
    {%- else -%}
      {{ answer.title }}
    {%- endif -%}
  </p>
  <ul class="govuk-list govuk-body-s govuk-!-margin-bottom-1">
    <li>Version {{ answer.version }}{% if answer.filename %}: {{ answer.filename }}{% endif %}</li>
    {% set version = held.version if held else none %}
    {% if version and version.issue_date %}<li>Issued {{ version.issue_date | date }}</li>{% endif %}
    {% if version and version.expiry_date %}<li>Expires {{ version.expiry_date | date }}</li>{% elif answer.expiry_date %}<li>Expires {{ answer.expiry_date | iso_date }}</li>{% endif %}
    {% if version and version.review_date %}<li>Review due {{ version.review_date | date }}</li>{% endif %}
  </ul>
  <p class="govuk-body-s govuk-!-margin-bottom-1">Status today:
    {% if held %}{{ govukTag({"text": held.status.label, "classes": "govuk-tag--" ~ held.status.colour}) }}{% else %}{{ govukTag({"text": "No longer held", "classes": "govuk-tag--grey"}) }}{% endif %}
    {%- if held and held.latest > answer.version %} Version {{ held.latest }} has been uploaded since.{% endif %}
  </p>
  {% if held %}<p class="govuk-body-s"><a class="govuk-link" href="{{ url_for('documents.show', organisation_id=application.organisation_id, document_id=answer.document_id) }}">See the document<span class="govuk-visually-hidden"> ‘{{ answer.title }}’</span></a></p>{% endif %}
{%- endmacro %}
"""  # noqa: E501 - the template's lines as they were
LOOP = """\
{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}
{% set flag_of = {} %}
{% for flag in flagged if flag.question_id %}{% set _ = flag_of.update({flag.question_id: flag}) %}{% endfor %}
{#- What is compared starts here. -#}
START{% for section, rows in copy.sections %}
  <h2 class="govuk-heading-m" id="section-{{ section.id }}">{{ section.title }}</h2>
  <dl class="govuk-summary-list">
    {% for question, answer in rows %}
      {% set comment_on = comments.get(question.id) %}
      {% set flag = flag_of.get(question.id) %}
      <div class="govuk-summary-list__row{% if question.id in changed %} app-changed{% endif %}{% if flag %} app-flagged{% endif %}" id="question-{{ question.id }}">
        <dt class="govuk-summary-list__key">
          {{ question.label }}
          {% if question.id in changed %}<br>{{ govukTag({"text": "Changed", "classes": "govuk-tag--yellow"}) }}{% endif %}
          {% if flag %}<br>{{ govukTag({"text": "Flagged", "classes": "govuk-tag--red"}) }}{% endif %}
        </dt>
        <dd class="govuk-summary-list__value app-break-words">
          {% if flag %}
            <p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1">{{ flag.reason }}</p>
          {% endif %}
          {%- if question.type == "evidence" and answer %}
            {{ evidence_answer(answer, evidence.get(answer.version_id)) }}
          {%- else %}
            {{ submitted_answer(question, answer, copy.lot_names) }}
          {%- endif %}
          {% for earlier in earlier_comments.get(question.id, []) %}
            <div class="app-review-comment">
              <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>Comment on submission {{ earlier.submission_number }}</strong>{% if earlier.comment.author %} from {{ earlier.comment.author.full_name }}{% endif %}, sent to the provider on {{ earlier.comment.shared_at | date }}</p>
              <p class="govuk-body app-multiline">{{ earlier.comment.body }}</p>
            </div>
          {% endfor %}
          {% if flag %}
            <p class="govuk-body-s govuk-!-margin-top-2 app-no-print">
              {%- if flag.next_id %}<a class="govuk-link" href="#question-{{ flag.next_id }}">Next flagged answer<span class="govuk-visually-hidden"> after {{ question.label }}</span></a>{% else %}<a class="govuk-link" href="#flagged-answers">Back to the answers to check<span class="govuk-visually-hidden"> from {{ question.label }}</span></a>{% endif -%}
            </p>
          {% endif %}
          {% if comment_on %}
            <div class="app-review-comment">
              <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>Comment</strong>{% if comment_on.author %} from {{ comment_on.author.full_name }}{% endif %}{% if comment_on.shared_at %} (sent to the provider){% endif %}</p>
              <p class="govuk-body app-multiline">{{ comment_on.body }}</p>
            </div>
          {% endif %}
        </dd>
        {% if application.status == "in_review" %}
          <dd class="govuk-summary-list__actions">
            <a class="govuk-link" href="{{ url_for('reviews.comment', application_id=application.id, question=question.id) }}">{{ "Change comment" if comment_on else "Comment" }}<span class="govuk-visually-hidden"> on {{ question.label }}</span></a>
          </dd>
        {% endif %}
      </div>
    {% endfor %}
  </dl>
{% endfor %}
"""  # noqa: E501 - the template's lines as they were
OURS = """\
{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}
START{{ answer_sections }}
"""

TYPED = "Bright <b>Futures</b> & 'Co' \"now\"\nsecond line"
SHARED = datetime(2027, 1, 31, 23, 30, tzinfo=UTC)
EVIDENCE = Question("insurance", "evidence", "Insurance <cover>", kind="insurance")
PLAIN = Question("legal_name", "text", "Legal <name>")
# Each cell's every branch.
CHANGED = [False, True]
FLAGS = ["none", "next", "last"]
# (answer type, how the document is held today)
ANSWERS = ["text", "held", "gone", "no longer held", "held, no dates", "evidence unanswered"]
EARLIER = [0, 1, 2]
COMMENTS = [None, "shared, by someone", "not shared, by nobody"]
CELLS = (CHANGED, FLAGS, ANSWERS, EARLIER, COMMENTS)
# Every combination of them, in turn.
EVERY_COMBINATION = list(itertools.product(*CELLS))


def _user(name: str) -> User:
    return User(full_name=name, email="x@example.org")


def _held(number: int, how: str) -> EvidenceToday | None:
    if how == "no longer held":
        return None
    file = StoredFile(scan_state="clean", removed_at=SHARED if how == "gone" else None)
    dated = how == "held"
    version = DocumentVersion(
        id=number,
        file=file,
        issue_date=date(2026, 2, 3) if dated else None,
        expiry_date=date(2027, 2, 3) if dated else None,
        review_date=date(2026, 12, 1) if dated else None,
    )
    status = Status("Expires <soon>", "orange") if dated else Status("Current", "green")
    return EvidenceToday(version, status, latest=3 if number % 2 else 2)


def _case(number: int):
    """The question, answer, what is held, earlier comments, comment and flag of row `number`."""
    changed, flag, kind, earlier, comment = EVERY_COMBINATION[number]
    question_id = f"q_{number}"
    held = None
    if kind == "text":
        question = Question(question_id, "text", f"{PLAIN.label} {number}")
        answer = TYPED if number % 2 else ""
    elif kind == "evidence unanswered":
        question, answer = Question(question_id, "evidence", EVIDENCE.label), None
    else:
        question = Question(question_id, "evidence", EVIDENCE.label, kind="insurance")
        answer = {
            "document_id": 40 + number,
            "version_id": number,
            "version": 2,
            "title": f"Cover <{number}> & more",
            "filename": "cover & co.pdf" if number % 2 else None,
            "expiry_date": "2027-03-04" if number % 3 else None,
        }
        held = _held(number, kind)
    earlier_comments = [
        EarlierComment(
            n + 1,
            ReviewComment(
                body=f"Earlier <{n}>\nline",
                author=_user("Sam <S>") if n else None,
                shared_at=SHARED,
            ),
        )
        for n in range(earlier)
    ]
    comment_on = None
    if comment:
        comment_on = ReviewComment(
            body=TYPED,
            author=_user("Jo & <J>") if comment.endswith("someone") else None,
            shared_at=SHARED if comment.startswith("shared") else None,
        )
    return question, answer, held, changed, flag, earlier_comments, comment_on


def _page(how_many: int, status: str):
    application = Application(id=123, organisation_id=45, status=status)
    cases = [_case(number) for number in range(how_many)]
    rows = [(question, answer) for question, answer, *_ in cases]
    # Two sections, the second with the rest of the answers.
    middle = how_many // 3
    sections = [
        (Section("about_you", "About <you>", (Page("p", ()),)), rows[:middle]),
        (Section("evidence", "Evidence", (Page("p", ()),)), rows[middle:]),
    ]
    copy = SubmittedCopy(
        reference="R",
        submitted_at=SHARED,
        submitted_by="S",
        questionnaire_title="Q",
        questionnaire_version=1,
        organisation_name="O",
        organisation_details=[],
        lot_names={},
        sections=sections,
        staff_checks=[],
    )
    # Flagged answers in order, each "next" one linked to the following flagged answer.
    marked = [(case[0], case[4]) for case in cases if case[4] != "none"]
    flagged = [
        FlaggedAnswer(
            question.id,
            question.label,
            f"Failed <{question.id}>",
            next_id=marked[n + 1][0].id if flag == "next" and n + 1 < len(marked) else None,
        )
        for n, (question, flag) in enumerate(marked)
    ]
    # One flag on no question (shown in the list, never on a row).
    flagged.append(FlaggedAnswer(None, "Gone", "Not asked"))
    return {
        "application": application,
        "copy": copy,
        "flagged": flagged,
        "comments": {case[0].id: case[6] for case in cases if case[6]},
        "earlier_comments": {case[0].id: case[5] for case in cases if case[5]},
        "changed": {case[0].id for case in cases if case[3]},
        "evidence": {case[1]["version_id"]: case[2] for case in cases if case[2]},
    }


@pytest.mark.parametrize("status", ["submitted", "in_review"])
@pytest.mark.parametrize("how_many", [0, 1, len(EVERY_COMBINATION)])
def test_the_answers_are_what_the_template_wrote(app, how_many, status):
    page = _page(how_many, status)
    with app.test_request_context():
        sections = answer_sections(
            page["application"],
            page["copy"],
            flagged=page["flagged"],
            comments=page["comments"],
            earlier_comments=page["earlier_comments"],
            changed=page["changed"],
            evidence=page["evidence"],
        )
        ours = app.jinja_env.from_string(OURS).render(answer_sections=sections)
        theirs = app.jinja_env.from_string(MACRO + LOOP).render(**page)
    # What the two templates write before the answers differs (the macro, the flags by question).
    ours, theirs = ours.split("START", 1)[1], theirs.split("START", 1)[1]
    assert ours == theirs
    assert ours.count('class="govuk-summary-list__row') == how_many
    # The tags typed in the answers are text, and nothing is escaped twice.
    typed = ("<b>", "</b>", "<name>", "<cover>", "<you>", "<J>", "<S>", "<soon>")
    typed += tuple(f"<{n}>" for n in range(how_many)) + tuple(f"<q_{n}>" for n in range(how_many))
    assert problems_in(ours, typed=typed) == []
