"""The rows of the reviewers' queue (/reviews), written as HTML here rather than in the template.

A page of the queue is 25 applications of six cells each, with a tag or two per row; through
Jinja each row cost some thirty look-ups, tests and escapes and a call per tag (the page's
template time, measured in-process at 10x: 1.75 ms, 0.84 ms since, with the statements built
once). Here the fixed words and tags are written once at import and each row is one
format of values escaped once. The markup is exactly what the template's loop wrote, whitespace
included (templates/reviews/queue.html keeps the rest of the table);
tests/reviews/test_queue_rows.py renders both and compares them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from portal.core.templating import govuk_tag
from portal.core.time import format_date
from portal.core.urls import UrlPattern
from portal.reviews.queue import QueueRow
from portal.reviews.services import OVERDUE

_ROW = (
    '\n      <tr class="govuk-table__row">'
    '\n        <td class="govuk-table__cell app-break-words">'
    '\n          <a class="govuk-link" href="{href}">{name}</a>'
    '\n          <br><span class="govuk-body-s">{reference}{resubmitted}</span>'
    '\n          <br><span class="govuk-body-s">{status}{kinds}</span>'
    "\n        </td>"
    '\n        <td class="govuk-table__cell">{lots}</td>'
    '\n        <td class="govuk-table__cell">{submitted}</td>'
    '\n        <td class="govuk-table__cell">{waiting}</td>'
    '\n        <td class="govuk-table__cell">'
    "\n          {flags}"
    "\n        </td>"
    '\n        <td class="govuk-table__cell">{assigned_to}</td>'
    "\n      </tr>\n    "
)
_OVERDUE_TAG = f"<br>{govuk_tag({'text': 'Overdue', 'classes': 'govuk-tag--red'})}"


def _waiting(days: int, overdue: bool) -> str:
    words = f"{days} working {'day' if days == 1 else 'days'}"
    return f"{words}{_OVERDUE_TAG}" if overdue else words


def queue_rows(rows: Sequence[QueueRow], flag_labels: Mapping[str, str]) -> Markup:
    """Each application: its organisation linked to the review page, its reference (marked when
    resubmitted), status and kinds; its lots; when submitted; working days waiting (tagged when
    overdue); its flags as tags (the overdue flag has its own tag) or "None"; and who it is
    assigned to. Everything a provider typed is escaped."""
    show_url = UrlPattern("reviews.show", "application_id")
    # Each flag's tag and the space after it, by code, as the loop wrote them.
    flag_tags = {
        code: f"{govuk_tag({'text': label, 'classes': 'govuk-tag--orange'})} "
        for code, label in flag_labels.items()
    }
    out = []
    for row in rows:
        application, organisation = row.application, row.organisation
        flags = "".join(flag_tags[flag] for flag in row.flags if flag != OVERDUE)
        out.append(
            _ROW.format(
                href=show_url(application.id),
                name=escape(organisation.display_name),
                reference=escape(application.reference),
                resubmitted=" (resubmitted)" if row.resubmission else "",
                status=escape(application.status_label),
                kinds=(" · SME" if organisation.is_sme else "")
                + (" · VCSE" if organisation.is_vcse else "")
                + (" · Local" if organisation.is_local else ""),
                lots=", ".join(map(escape, row.lot_names)),
                submitted=escape(format_date(row.submitted_at)),
                waiting=_waiting(row.days_waiting, row.overdue),
                flags=flags or "None",
                assigned_to=escape(row.assigned_to.full_name) if row.assigned_to else "Nobody",
            )
        )
    # Every value above went through escape() or govuk_tag (which escapes), or is a number or
    # fixed words; the addresses are made of digits.
    return Markup("".join(out))  # noqa: S704
