"""The public list of providers shows each provider's number of current contracts on each
lot it is on (active and not past their end date), and never what they are worth."""

from __future__ import annotations

from datetime import date

from tests.contracts.helpers import make_active_contract
from tests.support.pages import page_text, soup
from tests.support.queries import queries_for


def _lots_of(client, name: str) -> list[str]:
    for row in soup(client.get("/providers")).select("tbody tr"):
        if name in row.get_text():
            return [item.get_text(" ", strip=True) for item in row.select("td:nth-of-type(2) li")]
    raise AssertionError(f"{name} is not listed")


def test_providers_show_their_current_contracts_per_lot(
    app, client, organisation, other_organisation
):
    make_active_contract(other_organisation)
    before = queries_for(app, client, "/providers")
    for _ in range(2):
        make_active_contract(organisation)
    make_active_contract(organisation, lot_slug="online-tuition")
    make_active_contract(organisation, active=False)  # a draft is not current
    make_active_contract(organisation, start_on=date(2025, 1, 6), end_on=date(2025, 2, 28))

    assert _lots_of(client, "Organisation A Ltd") == [
        "Online tuition (1 current contract)",
        "Mentoring (2 current contracts)",
    ]
    assert _lots_of(client, "Organisation B Ltd") == ["Mentoring (1 current contract)"]
    assert "£" not in page_text(client.get("/providers"))
    assert queries_for(app, client, "/providers") == before
