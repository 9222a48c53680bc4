"""The review page's answers, section by section, written as HTML here rather than in the
template.

A submission shows about a hundred answers, each a summary list row with its flag, changes,
comments, evidence and comment link; through Jinja each row cost some forty look-ups, tests and
escapes, and every piece of output passed up through the seven blocks and templates the page
is nested in (the page's template time, measured in-process at 10x: 3.8 ms, 2.1 ms since). Here
each row is a few formats of values escaped once. The markup is exactly what the template's
loop (and its `evidence_answer` macro) wrote, whitespace included (templates/reviews/show.html
keeps the rest of the page); tests/reviews/test_answer_rows.py renders both and compares them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import url_for
from markupsafe import Markup, escape

from portal.applications.models import IN_REVIEW, Application
from portal.applications.snapshot import SubmittedCopy
from portal.applications.submitted_html import submitted_answer
from portal.core.templating import format_iso_date, govuk_tag
from portal.core.time import format_date
from portal.documents.services import EvidenceToday
from portal.reviews.models import ReviewComment
from portal.reviews.services import EarlierComment, FlaggedAnswer

_SECTION = (
    '\n  <h2 class="govuk-heading-m" id="section-{id}">{title}</h2>'
    '\n  <dl class="govuk-summary-list">\n    {rows}\n  </dl>\n'
)
_ROW = (
    '\n      \n      \n      <div class="govuk-summary-list__row{marks}" id="question-{id}">'
    '\n        <dt class="govuk-summary-list__key">'
    "\n          {label}"
    "\n          {changed}"
    "\n          {flagged}"
    "\n        </dt>"
    '\n        <dd class="govuk-summary-list__value app-break-words">'
    "\n          {reason}{answer}"
    "\n          {earlier}"
    "\n          {next_link}"
    "\n          {comment}"
    "\n        </dd>"
    "\n        {actions}"
    "\n      </div>\n    "
)
_CHANGED_TAG = f"<br>{govuk_tag({'text': 'Changed', 'classes': 'govuk-tag--yellow'})}"
_FLAGGED_TAG = f"<br>{govuk_tag({'text': 'Flagged', 'classes': 'govuk-tag--red'})}"
_REASON = (
    '\n            <p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1">{}</p>'
    "\n          "
)
_EARLIER = (
    '\n            <div class="app-review-comment">'
    '\n              <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>Comment on submission'
    " {number}</strong>{author}, sent to the provider on {shared}</p>"
    '\n              <p class="govuk-body app-multiline">{body}</p>'
    "\n            </div>\n          "
)
_NEXT = '\n            <p class="govuk-body-s govuk-!-margin-top-2 app-no-print">{}</p>\n          '
_NEXT_LINK = (
    '<a class="govuk-link" href="#question-{id}">Next flagged answer'
    '<span class="govuk-visually-hidden"> after {label}</span></a>'
)
_BACK_LINK = (
    '<a class="govuk-link" href="#flagged-answers">Back to the answers to check'
    '<span class="govuk-visually-hidden"> from {label}</span></a>'
)
_COMMENT = (
    '\n            <div class="app-review-comment">'
    '\n              <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>Comment</strong>'
    "{author}{shared}</p>"
    '\n              <p class="govuk-body app-multiline">{body}</p>'
    "\n            </div>\n          "
)
_ACTIONS = (
    '\n          <dd class="govuk-summary-list__actions">'
    '\n            <a class="govuk-link" href="{href}">{words}'
    '<span class="govuk-visually-hidden"> on {label}</span></a>'
    "\n          </dd>\n        "
)


def answer_sections(
    application: Application,
    copy: SubmittedCopy,
    *,
    flagged: Sequence[FlaggedAnswer],
    comments: Mapping[str, ReviewComment],
    earlier_comments: Mapping[str, list[EarlierComment]],
    changed: set[str],
    evidence: Mapping[int, EvidenceToday],
) -> Markup:
    """Each section of the submitted copy and its answers: each answer marked when it changed
    since the last submission or is flagged (with the reason, and a link to the next flagged
    answer), then the comments sent on earlier submissions and the comment on this one, and a
    link to comment while the application is in review. Evidence shows the document chosen
    and how it stands today. Everything a provider or reviewer typed is escaped."""
    flag_of = {flag.question_id: flag for flag in flagged if flag.question_id}
    in_review = application.status == IN_REVIEW
    sections = []
    for section, rows in copy.sections:
        written = []
        for question, answer in rows:
            question_id = question.id
            comment_on = comments.get(question_id)
            flag = flag_of.get(question_id)
            is_changed = question_id in changed
            label = escape(question.label)
            # Plain text joined to plain text: joining it to markup would escape it again.
            if question.type == "evidence" and answer:
                held = evidence.get(answer["version_id"])
                shown = f"\n            {_evidence(application, answer, held)}"
            else:
                shown = f"\n            {submitted_answer(question, answer, copy.lot_names)}"
            written.append(
                _ROW.format(
                    marks=(" app-changed" if is_changed else "") + (" app-flagged" if flag else ""),
                    id=escape(question_id),
                    label=label,
                    changed=_CHANGED_TAG if is_changed else "",
                    flagged=_FLAGGED_TAG if flag else "",
                    reason=_REASON.format(escape(flag.reason)) if flag else "",
                    answer=shown,
                    earlier="".join(
                        _earlier(earlier) for earlier in earlier_comments.get(question_id, [])
                    ),
                    next_link=_next_link(flag, label) if flag else "",
                    comment=_comment(comment_on) if comment_on else "",
                    actions=_actions(application, question_id, comment_on, label)
                    if in_review
                    else "",
                )
            )
        sections.append(
            _SECTION.format(
                id=escape(section.id), title=escape(section.title), rows="".join(written)
            )
        )
    # Every value above went through escape(), or is markup written by submitted_answer or
    # govuk_tag (which escape), or fixed words.
    return Markup("".join(sections))  # noqa: S704


def _earlier(earlier: EarlierComment) -> str:
    comment = earlier.comment
    return _EARLIER.format(
        number=earlier.submission_number,
        author=f" from {escape(comment.author.full_name)}" if comment.author else "",
        shared=escape(format_date(comment.shared_at)),
        body=escape(comment.body),
    )


def _next_link(flag: FlaggedAnswer, label: Markup) -> str:
    if flag.next_id:
        return _NEXT.format(_NEXT_LINK.format(id=escape(flag.next_id), label=label))
    return _NEXT.format(_BACK_LINK.format(label=label))


def _comment(comment: ReviewComment) -> str:
    return _COMMENT.format(
        author=f" from {escape(comment.author.full_name)}" if comment.author else "",
        shared=" (sent to the provider)" if comment.shared_at else "",
        body=escape(comment.body),
    )


def _actions(
    application: Application, question_id: str, comment_on: ReviewComment | None, label: Markup
) -> str:
    href = url_for("reviews.comment", application_id=application.id, question=question_id)
    return _ACTIONS.format(
        href=escape(href), words="Change comment" if comment_on else "Comment", label=label
    )


def _evidence(
    application: Application, answer: Mapping[str, Any], held: EvidenceToday | None
) -> str:
    """A document chosen as evidence: what was chosen (frozen in the submission) and how it
    stands today (`held` is None when the version is no longer held): the template's
    `evidence_answer` macro as it was."""
    title = escape(answer.get("title", ""))
    version_number = escape(answer.get("version", ""))
    if held and held.version.file.is_available:
        href = url_for(
            "documents.download",
            organisation_id=application.organisation_id,
            document_id=answer.get("document_id"),
            version_id=answer.get("version_id"),
        )
        chosen = (
            f'<a class="govuk-link" href="{escape(href)}">{title}'
            f'<span class="govuk-visually-hidden">, download version {version_number}</span></a>'
        )
    else:
        chosen = str(title)
    filename = answer.get("filename")
    version = held.version if held else None
    issued = expires = review_due = ""
    if version and version.issue_date:
        issued = f"<li>Issued {escape(format_date(version.issue_date))}</li>"
    if version and version.expiry_date:
        expires = f"<li>Expires {escape(format_date(version.expiry_date))}</li>"
    elif answer.get("expiry_date"):
        expires = f"<li>Expires {escape(format_iso_date(answer['expiry_date']))}</li>"
    if version and version.review_date:
        review_due = f"<li>Review due {escape(format_date(version.review_date))}</li>"
    if held:
        tag = govuk_tag({"text": held.status.label, "classes": "govuk-tag--" + held.status.colour})
    else:
        tag = govuk_tag({"text": "No longer held", "classes": "govuk-tag--grey"})
    since = (
        f" Version {escape(held.latest)} has been uploaded since."
        if held and held.latest > answer["version"]
        else ""
    )
    see = ""
    if held:
        href = url_for(
            "documents.show",
            organisation_id=application.organisation_id,
            document_id=answer.get("document_id"),
        )
        see = (
            f'<p class="govuk-body-s"><a class="govuk-link" href="{escape(href)}">See the document'
            f'<span class="govuk-visually-hidden"> ‘{title}’</span></a></p>'
        )
    return (
        f'<p class="govuk-body govuk-!-margin-bottom-1">{chosen}</p>'
        '\n  <ul class="govuk-list govuk-body-s govuk-!-margin-bottom-1">'
        f"\n    <li>Version {version_number}"
        f"{f': {escape(filename)}' if filename else ''}</li>"
        f"\n    \n    {issued}\n    {expires}\n    {review_due}"
        '\n  </ul>\n  <p class="govuk-body-s govuk-!-margin-bottom-1">Status today:'
        f"\n    {tag}{since}\n  </p>\n  {see}"
    )
