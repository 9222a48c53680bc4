"""The audit log's table rows as HTML, written here rather than as a loop in
templates/audit/_macros.html.

A page of the log is fifty events, each a row of five cells with its changes listed; as a Jinja
loop each row cost its look-ups, tests and escapes, a quarter of the page's CPU once the filter
form was no longer written each time. The markup is exactly what the loop wrote, whitespace
included; tests/audit/test_rows_html.py renders both and compares them.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from portal.audit_log.services import EventLine
from portal.core.time import format_datetime

_CELL = '\n        <td class="govuk-table__cell govuk-body-s{}">{}</td>'
_ROW = '\n      <tr class="govuk-table__row">{}{}{}{}{}\n      </tr>\n    '
_WIDE = " app-break-words"


def _who(line: EventLine) -> str:
    if not line.actor_name:
        return "The portal"
    return (
        f'{escape(line.actor_name)}<br><span class="govuk-hint govuk-body-s">'
        f"{escape(line.actor_email)}</span>"
    )


def _record(line: EventLine, show_organisation: bool) -> str:
    record = str(escape(line.object_label))
    if line.object_id is not None:
        record += f" {line.object_id}"
    if show_organisation and line.organisation_name:
        record += f"<br>{escape(line.organisation_name)}"
    return record


def _changes(line: EventLine) -> str:
    if not line.changes:
        return ""
    items = "".join(f"<li>{escape(str(change))}</li>" for change in line.changes)
    return f'\n          <ul class="govuk-list govuk-body-s">\n            {items}\n          </ul>'


def event_rows(lines: Iterable[EventLine], show_organisation: bool = True) -> Markup:
    """The table body's rows for `lines`: when, who, what happened, the record (and its
    organisation, unless the page is the organisation's own) and what changed. Everything
    recorded is escaped."""
    return Markup(  # noqa: S704 - every value below went through escape() or is a number
        "\n    "
        + "".join(
            _ROW.format(
                _CELL.format("", escape(format_datetime(line.occurred_at))),
                _CELL.format(_WIDE, _who(line)),
                _CELL.format("", escape(line.action_label)),
                _CELL.format(_WIDE, _record(line, show_organisation)),
                _CELL.format(_WIDE, _changes(line)),
            )
            for line in lines
        )
    )
