"""The council's questionnaire in words a small organisation can act on: the exclusion grounds
open with who answers yes, and a new organisation has a way to give referees."""

from tests.applications.helpers import V1, page_url, publish, save, start
from tests.support.pages import page_h1, page_text


def test_the_exclusion_grounds_say_most_small_organisations_answer_no(
    provider_client, organisation, lots, admin
):
    publish(V1, admin)
    draft = start(provider_client, organisation)

    page = provider_client.get(page_url(draft, "exclusion_grounds", "mandatory_convictions"))

    text = page_text(page)
    assert "Most small organisations answer no to every question in this section." in text
    assert "Answer yes only if, in the last 5 years," in text


def test_a_new_organisation_gives_referees_who_know_its_peoples_work(
    provider_client, organisation, lots, admin
):
    publish(V1, admin)
    draft = start(provider_client, organisation)

    new = save(
        provider_client,
        draft,
        "references",
        "new_organisation",
        {"new_organisation_references": "yes"},
    )
    assert new.location == page_url(draft, "references", "new_organisation_referees")
    assert page_h1(provider_client.get(new.location)) == "Referees who know your work with children"

    established = save(
        provider_client,
        draft,
        "references",
        "new_organisation",
        {"new_organisation_references": "no"},
    )
    assert established.location == page_url(draft, "references", "referees")
    assert page_h1(provider_client.get(established.location)) == "Your referees"
