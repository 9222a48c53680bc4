"""The rows of the two competition lists, written as HTML here rather than in the templates.

Each list shows 50 rows of half a dozen cells; through Jinja every row cost a macro call for its
stage tag, a dozen attribute look-ups and escapes: about a third of the list's CPU. Here each row
is one format of values escaped once. The markup is exactly what the templates' loops wrote,
whitespace included (templates/competitions/index_staff.html and opportunities.html keep the rest
of each table); tests/competitions/test_list_rows.py renders both and compares them.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from portal.competitions.models import QUOTE_DRAFT, QUOTE_SUBMITTED, QUOTE_WITHDRAWN
from portal.competitions.services.common import Stage
from portal.competitions.services.lists import Listed, Opportunity
from portal.core.time import format_datetime
from portal.core.urls import UrlPattern

_STAFF_ROW = (
    '\n        \n        <tr class="govuk-table__row">'
    '\n          <td class="govuk-table__cell app-break-words"><a class="govuk-link" href="{href}">'
    '{title}</a><br><span class="govuk-body-s">{about}</span></td>'
    '\n          <td class="govuk-table__cell">{lot}</td>'
    '\n          <td class="govuk-table__cell">{deadline}</td>'
    '\n          <td class="govuk-table__cell">{tag}</td>'
    '\n          <td class="govuk-table__cell govuk-table__cell--numeric">'
    "{submitted} of {invited}</td>"
    "\n        </tr>\n      "
)
_OPPORTUNITY_ROW = (
    '\n        <tr class="govuk-table__row">'
    '\n          <td class="govuk-table__cell app-break-words"><a class="govuk-link" href="{href}">'
    '{title}</a><br><span class="govuk-body-s">{about}</span></td>'
    '\n          <td class="govuk-table__cell">{deadline}</td>'
    '\n          <td class="govuk-table__cell">{tag}</td>'
    '\n          <td class="govuk-table__cell">\n            {quote}\n          </td>'
    "\n        </tr>\n      "
)
# Where a provider's own quote stands, as the list words it, with the whitespace the template's
# if/elif branches left after each (none yet: "Not started", the else branch, has none).
_BRANCH_END = "\n            "
_DECLINED = "Declined" + _BRANCH_END
_QUOTE_WORDS = {
    QUOTE_SUBMITTED: "Submitted" + _BRANCH_END,
    QUOTE_WITHDRAWN: "Withdrawn" + _BRANCH_END,
    QUOTE_DRAFT: "Draft, not submitted" + _BRANCH_END,
}


def _tag(stage: Stage) -> str:
    """templates/competitions/_macros.html's stage_tag."""
    return (
        f'<strong class="govuk-tag govuk-tag--{escape(stage.colour)}">'
        f"{escape(stage.label)}</strong>"
    )


def staff_rows(rows: Sequence[Listed]) -> Markup:
    """The council's list: each competition with its reference, kind and creator, its type of
    service, deadline, stage and how many of those invited have submitted a quote."""
    show_url = UrlPattern("competitions.show", "competition_id")
    out = []
    for row in rows:
        about = f"{escape(row.reference)}, {escape(row.kind_label.lower())}"
        if row.created_by_name is not None:
            about += f", created by {escape(row.created_by_name)}"
        out.append(
            _STAFF_ROW.format(
                href=show_url(row.id),
                title=escape(row.title),
                about=about,
                lot=escape(row.lot_name),
                deadline=escape(format_datetime(row.submission_deadline)),
                tag=_tag(row.stage),
                submitted=row.submitted,
                invited=row.invited,
            )
        )
    # Everything a person typed went through escape(); the counts are numbers.
    return Markup("".join(out))  # noqa: S704


def opportunity_rows(rows: Sequence[Opportunity]) -> Markup:
    """A provider's list: each competition its organisation was invited to, with the stage
    (and the time left while open) and where the organisation's own quote stands."""
    show_url = UrlPattern("competitions.show", "competition_id")
    out = []
    for row in rows:
        tag = _tag(row.stage)
        if row.stage.time_left:
            tag += f'<br><span class="govuk-body-s">{escape(row.stage.time_left)}</span>'
        if row.declined:
            quote = _DECLINED
        else:
            quote = _QUOTE_WORDS.get(row.quote_status or "", "Not started")
        out.append(
            _OPPORTUNITY_ROW.format(
                href=show_url(row.competition_id),
                title=escape(row.title),
                about=(
                    f"{escape(row.kind_label)}, {escape(row.lot_name)}, "
                    f"for {escape(row.organisation_name)}"
                ),
                deadline=escape(format_datetime(row.submission_deadline)),
                tag=tag,
                quote=quote,
            )
        )
    # Everything a person typed went through escape(); the fixed words are plain.
    return Markup("".join(out))  # noqa: S704
