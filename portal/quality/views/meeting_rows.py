"""The rows of the review meetings calendar's tables, written as HTML here rather than as the loop
in templates/quality/meetings/calendar.html.

A page is up to fifty lines, each a row of four cells with two or three addresses, a date and
the risk tag macro; through Jinja each row cost its url_for calls, the macro call and the escapes:
about half of the page's Python. Here each row is one format of values escaped once. The markup
is exactly what the loop wrote, whitespace included; tests/quality/test_meeting_rows.py renders
both and compares them.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from portal.core.time import format_date
from portal.core.urls import UrlPattern
from portal.quality.services.meeting_calendar import Entry

# risk_tag's colours (templates/quality/_risk.html).
_RISK_COLOURS = {"high": "red", "medium": "yellow", "low": "green"}
_ROW = (
    '\n      <tr class="govuk-table__row">'
    '\n        <td class="govuk-table__cell">{weekday} {day}</td>'
    '\n        <td class="govuk-table__cell app-break-words">'
    '<a class="govuk-link" href="{provider_url}">{name}</a></td>'
    '\n        <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{colour}">'
    "{risk} risk</strong></td>"
    '\n        <td class="govuk-table__cell">\n          {meeting}\n        </td>'
    "\n      </tr>\n    "
)
_MEETING = (
    '\n            <a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> with {}'
    "</span></a>\n          "
)
_SCHEDULE = (
    '\n            {}: <a class="govuk-link" href="{}">schedule<span class="govuk-visually-hidden">'
    " a meeting with {}</span></a>\n          "
)
_WHAT = "\n            {}\n          "


def meeting_rows(entries: Iterable[Entry], may_schedule: bool) -> Markup:
    """The table body's rows: each line's day, provider, kept risk and meeting (a link to it, or
    to schedule one for those who may). Every value in them went through escape() (the ids in
    the addresses are numbers)."""
    provider_url = UrlPattern("reviews.provider", "organisation_id")
    meeting_url = UrlPattern("quality.meeting", "meeting_id")
    schedule_url = UrlPattern("quality.schedule_meeting", "organisation_id")
    rows = []
    for entry in entries:
        name = escape(entry.organisation_name)
        what = escape(entry.what)
        if entry.meeting_id:
            meeting = _MEETING.format(meeting_url(entry.meeting_id), what, name)
        elif may_schedule:
            meeting = _SCHEDULE.format(what, schedule_url(entry.organisation_id), name)
        else:
            meeting = _WHAT.format(what)
        rows.append(
            _ROW.format(
                weekday=escape(entry.day.strftime("%A")),
                day=escape(format_date(entry.day)),
                provider_url=provider_url(entry.organisation_id),
                name=name,
                colour=_RISK_COLOURS[entry.rating.rating],
                risk=escape(entry.rating.label),
                meeting=meeting,
            )
        )
    return Markup("".join(rows))  # noqa: S704 - escaped above
