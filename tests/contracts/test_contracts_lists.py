"""The lists: the council's, with filters by status, lot, team and provider, a page at a time;
a provider's, with only its own organisations' contracts. Both make the same number of queries
however many contracts there are, the count read with the page."""

from __future__ import annotations

from datetime import date

from tests.contracts.helpers import make_active_contract
from tests.support.pages import page_text, soup
from tests.support.queries import counting_queries, queries_for


def _listed(client, url: str) -> list[str]:
    return [
        link.get_text(strip=True) for link in soup(client.get(url)).select("table a.govuk-link")
    ]


def test_the_council_filters_its_list(commissioner_client, organisation, other_organisation):
    make_active_contract(organisation, title="Mentoring A", team="SEND")
    make_active_contract(
        other_organisation, lot_slug="online-tuition", title="Tuition B", team="Virtual School"
    )
    make_active_contract(organisation, title="Draft A", active=False)
    make_active_contract(
        organisation, title="Old A", start_on=date(2025, 1, 6), end_on=date(2025, 2, 28)
    )

    assert _listed(commissioner_client, "/contracts") == [
        "Old A",
        "Draft A",
        "Tuition B",
        "Mentoring A",
    ]
    assert _listed(commissioner_client, "/contracts?status=active") == ["Tuition B", "Mentoring A"]
    assert _listed(commissioner_client, "/contracts?status=ended") == ["Old A"]
    assert _listed(commissioner_client, "/contracts?status=draft") == ["Draft A"]
    assert _listed(commissioner_client, "/contracts?lot=online-tuition") == ["Tuition B"]
    assert _listed(commissioner_client, "/contracts?team=Virtual+School") == ["Tuition B"]
    assert _listed(commissioner_client, "/contracts?provider=organisation+b") == ["Tuition B"]
    # Unknown filters are ignored rather than refused.
    assert len(_listed(commissioner_client, "/contracts?status=lost&lot=nowhere&team=x")) == 4
    assert "No contracts match your filters" in page_text(
        commissioner_client.get("/contracts?provider=nobody")
    )


def test_a_provider_lists_only_its_own(provider_client, organisation, other_organisation):
    make_active_contract(organisation, title="Mentoring A")
    make_active_contract(other_organisation, title="Mentoring B")
    assert _listed(provider_client, "/contracts") == ["Mentoring A"]


def test_the_lists_make_the_same_queries_for_one_contract_or_sixty(
    app, commissioner_client, provider_client, organisation
):
    make_active_contract(organisation, title="The first")
    urls = ["/contracts", "/contracts?status=active&lot=mentoring&team=SEND&provider=org"]
    few = [queries_for(app, commissioner_client, url) for url in urls]
    few_provider = queries_for(app, provider_client, "/contracts")
    for number in range(59):
        make_active_contract(organisation, title=f"Contract {number}")
    many = [queries_for(app, commissioner_client, url) for url in urls]
    assert many == few
    assert queries_for(app, provider_client, "/contracts") == few_provider
    assert "Showing 1 to 50 of 60 contracts" in page_text(commissioner_client.get("/contracts"))
    assert "Showing 51 to 60 of 60 contracts" in page_text(
        commissioner_client.get("/contracts?page=2")
    )
    # A page past the end shows the last; filters (joining the organisations and lots) count
    # only what they let through.
    assert "Showing 51 to 60 of 60 contracts" in page_text(
        commissioner_client.get("/contracts?page=9")
    )
    make_active_contract(organisation, active=False, title="A draft")  # not active: not counted
    assert "Showing 1 to 50 of 61 contracts" in page_text(commissioner_client.get("/contracts"))
    assert "Showing 1 to 50 of 60 contracts" in page_text(commissioner_client.get(urls[1]))
    # How many there are in all is read with the page's rows, in one statement.
    for client in (commissioner_client, provider_client):
        with counting_queries(app) as statements:
            client.get("/contracts")
        assert sum("FROM contracts" in statement for statement in statements) == 1
