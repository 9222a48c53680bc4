"""The public list of providers' rows as HTML, written here rather than as a loop in
templates/admissions/public_providers.html.

A page is fifty providers, each a row of three cells with lists in two of them; as a Jinja loop
the rows cost about a third of the page's CPU (the list is the portal's busiest public page).
The markup is exactly what the loop wrote, whitespace included;
tests/admissions/test_public_rows.py renders both and compares them.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from portal.admissions.public_list import PublicProvider

_ROW = (
    '\n            <tr class="govuk-table__row">'
    '\n              <td class="govuk-table__cell app-break-words">'
    "\n                <strong>{name}</strong>"
    "\n                {website}"
    "\n              </td>"
    '\n              <td class="govuk-table__cell">'
    '\n                <ul class="govuk-list">{lots}</ul>'
    "\n              </td>"
    '\n              <td class="govuk-table__cell">'
    '\n                <ul class="govuk-list">'
    "\n                  {sme}"
    "\n                  {vcse}"
    "\n                  {local}"
    "\n                </ul>"
    "\n              </td>"
    "\n            </tr>"
    "\n          "
)
_WEBSITE = (
    '<br><a class="govuk-link" href="{href}" rel="noopener noreferrer">{shown}'
    '<span class="govuk-visually-hidden"> (website of {name})</span></a>'
)
_CONTRACTS = ' <span class="govuk-hint govuk-!-display-inline">({count} current contract{s})</span>'


def _lot(name: str, contracts: int) -> str:
    count = _CONTRACTS.format(count=contracts, s="" if contracts == 1 else "s") if contracts else ""
    return f"<li>{escape(name)}{count}</li>"


def _row(provider: PublicProvider, based_in: str) -> str:
    name = escape(provider.name)
    website = provider.website
    return _ROW.format(
        name=name,
        website=_WEBSITE.format(
            href=escape(website),
            shown=escape(website.split("://", 1)[-1].rstrip("/")),
            name=name,
        )
        if website
        else "",
        lots="".join(_lot(lot, contracts) for lot, contracts in provider.lots),
        sme="<li>SME</li>" if provider.is_sme else "",
        vcse="<li>VCSE</li>" if provider.is_vcse else "",
        local=based_in if provider.is_local else "",
    )


def rows_html(providers: Iterable[PublicProvider], council_area: str) -> Markup:
    """The table body's rows. Every value in them went through escape(): the names, lots,
    addresses and the council's area; the counts are numbers."""
    based_in = f"<li>Based in {escape(council_area)}</li>"
    return Markup("".join(_row(provider, based_in) for provider in providers))  # noqa: S704
