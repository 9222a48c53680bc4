"""The rows of the reviewers' providers list (/reviews/providers), written as HTML here rather
than in the template.

The list shows 50 rows of five cells, each with its own links and words; through Jinja every
row cost a macro call per admission, four links and some forty look-ups and escapes: about a
sixth of the page's CPU in the portal (24.9 to 21.3 ms at 10x). Here each row is one format of
values escaped once. The markup is exactly what the template's loop wrote, whitespace included
(templates/reviews/reviewer_providers.html keeps the rest of the table);
tests/reviews/test_provider_rows.py renders both and compares them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

from portal.admissions.models import ADMISSION_COLOURS, ADMISSION_LABELS
from portal.admissions.reviewers_list import LotHeld, ProviderLine
from portal.core.urls import UrlPattern

_ROW = (
    '\n        \n        <tr class="govuk-table__row">'
    '\n          <td class="govuk-table__cell app-break-words">'
    '\n            <a class="govuk-link" href="{provider_href}">{name}</a>'
    "\n            {kinds}"
    "\n          </td>"
    '\n          <td class="govuk-table__cell">'
    '\n            <ul class="govuk-list">'
    "\n              {admissions}"
    "\n            </ul>"
    "\n          </td>"
    '\n          <td class="govuk-table__cell">'
    "\n            {call_off}"
    "\n            {documents}"
    "\n          </td>"
    '\n          <td class="govuk-table__cell">'
    "\n            {register}"
    "\n          </td>"
    '\n          <td class="govuk-table__cell">'
    "\n            {last_return}"
    "\n            {escalations}"
    "\n          </td>"
    "\n        </tr>\n      "
)
# Each if/else branch's content as the template laid it out: on a line of its own, indented,
# then the indentation of the tag that closed the branch.
_OPEN = "\n              "
_CLOSE = "\n            "
_NOBODY = (
    f'{_OPEN}<strong class="govuk-tag govuk-tag--orange">Nobody on the register</strong>{_CLOSE}'
)
_NONE_NEED_ATTENTION = f"{_OPEN}None need attention{_CLOSE}"
_NONE_YET = f"{_OPEN}None yet{_CLOSE}"


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def provider_rows(rows: Sequence[ProviderLine]) -> Markup:
    """Each provider with its kinds, its admissions' lots and statuses, its documents' standing
    (not eligible for call-offs, and how many need attention), its DBS register and its last
    KPI return with any open escalations; each linked to the page that shows it. What many
    rows share (a lot and its status, the kinds, a month's return) is written once a call."""
    provider_url = UrlPattern("reviews.provider", "organisation_id")
    library_url = UrlPattern("documents.library", "organisation_id")
    register_url = UrlPattern("staff_checks.register", "organisation_id")
    returns_url = UrlPattern("kpi_returns.provider", "organisation_id")
    held_html: dict[LotHeld, str] = {}
    kinds_html: dict[tuple[str, ...], str] = {}
    return_html: dict[tuple[date, str, str | None], str] = {}
    out = []
    for row in rows:
        organisation_id = row.id
        name = escape(row.name)
        # The name again, for a screen reader's list of links ("3 need attention" alone is not
        # enough to tell them apart).
        whose = f'<span class="govuk-visually-hidden"> ({name})</span>'
        kinds = tuple(row.kinds)
        if (kinds_cell := kinds_html.get(kinds)) is None:
            kinds_cell = kinds_html[kinds] = (
                f'<br><span class="govuk-body-s">{escape(", ".join(kinds))}</span>' if kinds else ""
            )
        admissions = []
        for held in row.admissions:
            if (item := held_html.get(held)) is None:
                item = held_html[held] = (
                    f"<li>{escape(held.lot_name)} "
                    f'<strong class="govuk-tag govuk-tag--{ADMISSION_COLOURS[held.status]}">'
                    f"{ADMISSION_LABELS[held.status]}</strong></li>"
                )
            admissions.append(item)
        call_off = ""
        if row.call_off_problems:
            problems = "".join(f"<li>{escape(problem)}</li>" for problem in row.call_off_problems)
            call_off = (
                f'{_OPEN}<strong class="govuk-tag govuk-tag--red">Not eligible for call-offs'
                f'</strong>{_OPEN}<ul class="govuk-list govuk-body-s">{problems}</ul>{_CLOSE}'
            )
        needing = row.documents_needing_attention
        if needing:
            documents = (
                f'{_OPEN}<a class="govuk-link" href="{library_url(organisation_id)}">{needing} '
                f"need{_plural(needing, 's', '')} attention{whose}</a>{_CLOSE}"
            )
        else:
            documents = _NONE_NEED_ATTENTION
        people = row.dbs_people
        if row.dbs_flagged:
            register = (
                f'{_OPEN}<a class="govuk-link" href="{register_url(organisation_id)}">'
                f"{row.dbs_flagged} of {people} {_plural(people, 'person', 'people')} flagged"
                f"{whose}</a>{_CLOSE}"
            )
        elif people:
            register = f"{_OPEN}{people} {_plural(people, 'person', 'people')}, none flagged"
            register += _CLOSE
        else:
            register = _NOBODY
        last = row.last_return
        if last:
            key = (last.month, last.state, last.rating)
            if (said := return_html.get(key)) is None:
                rating = f", {escape(last.rating_label.lower())}" if last.rating else ""
                said = return_html[key] = (
                    f'{_OPEN}<br><span class="govuk-body-s">{escape(last.label)}{rating}</span>'
                    f"{_CLOSE}"
                )
            last_return = (
                f'{_OPEN}<a class="govuk-link" href="{returns_url(organisation_id)}">'
                f"{last.month.strftime('%B %Y')}{whose}</a>{said}"
            )
        else:
            last_return = _NONE_YET
        escalations = ""
        count = row.open_escalations
        if count:
            escalations = (
                f'{_OPEN}<br><strong class="govuk-tag govuk-tag--red">{count} '
                f"escalation{'s' if count > 1 else ''} open</strong>{_CLOSE}"
            )
        out.append(
            _ROW.format(
                provider_href=provider_url(organisation_id),
                name=name,
                kinds=kinds_cell,
                admissions="".join(admissions),
                call_off=call_off,
                documents=documents,
                register=register,
                last_return=last_return,
                escalations=escalations,
            )
        )
    # Everything a person typed went through escape(); the counts are numbers, the months
    # digits and a month's name, the rest fixed.
    return Markup("".join(out))  # noqa: S704
