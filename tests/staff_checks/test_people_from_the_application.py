"""Asked once: the people an application lists as working with children start the DBS
register's rows, so the provider adds only what the application did not ask (the certificate
number and the checks after it), instead of typing everyone in again."""

import pytest

from tests.applications.helpers import CONTENT, add_item, publish, start
from tests.staff_checks.helpers import add, checks, days_ago, parts, person
from tests.support.pages import page_text, soup

ISSUED = days_ago(200)


@pytest.fixture
def named(provider_client, organisation, admin) -> int:
    """A draft application that names two people: one with an enhanced check with the barred
    list, one still waiting for theirs."""
    publish(CONTENT / "people.yaml", admin)
    draft = start(provider_client, organisation)
    for name, role, level, issued in (
        ("Amira  Khan", "Mentor", "enhanced_barred_children", parts(ISSUED)),
        ("Ben Okafor", "Tutor", "applied", ["", "", ""]),
    ):
        day, month, year = issued
        response = add_item(
            provider_client,
            draft,
            "safeguarding",
            "key_staff",
            "key_staff",
            {
                "staff_name": name,
                "staff_role": role,
                "staff_dbs_level": level,
                "staff_dbs_issue_date-day": day,
                "staff_dbs_issue_date-month": month,
                "staff_dbs_issue_date-year": year,
            },
        )
        assert response.status_code == 302, page_text(response)
    return draft


def _register(client, organisation):
    return client.get(f"/staff-checks/organisations/{organisation.id}")


def _values(response, name: str) -> list[str]:
    return [i.get("value", "") for i in soup(response).select(f"input[name='{name}']")]


def test_the_register_offers_the_people_the_application_names(provider_client, organisation, named):
    register = _register(provider_client, organisation)

    offered = soup(register).select_one("#people-to-add")
    assert "2 people from your application are not on the register yet" in offered.get_text(" ")
    links = [a.get_text(" ", strip=True) for a in offered.select("a")]
    assert links == ["Add Amira Khan to the register", "Add Ben Okafor to the register"]


def test_adding_a_named_person_starts_from_the_application(provider_client, organisation, named):
    register = _register(provider_client, organisation)
    [link] = [a for a in soup(register).select("#people-to-add a") if "Amira" in a.get_text()]

    form = provider_client.get(link["href"])

    assert _values(form, "full_name") == ["Amira Khan"]
    assert _values(form, "job_role") == ["Mentor"]
    level = soup(form).select_one("input[name='check_level'][checked]")
    assert level["value"] == "enhanced_barred"
    assert [int(p) for p in _values(form, "issue_date")] == [
        ISSUED.day,
        ISSUED.month,
        ISSUED.year,
    ]
    assert (
        "We have filled in full name, role, level of DBS check and date issued from your "
        "application" in page_text(form)
    )

    saved = add(
        provider_client,
        organisation,
        full_name="Amira Khan",
        job_role="Mentor",
        issue_date=parts(ISSUED),
    )

    assert saved.status_code == 302
    assert [c.full_name for c in checks()] == ["Amira Khan"]
    offered = soup(_register(provider_client, organisation)).select_one("#people-to-add")
    assert [a.get_text(" ", strip=True) for a in offered.select("a")] == [
        "Add Ben Okafor to the register"
    ]


def test_someone_waiting_for_a_check_starts_with_no_level(provider_client, organisation, named):
    form = provider_client.get(
        f"/staff-checks/organisations/{organisation.id}/add?name=Ben%20Okafor"
    )

    assert _values(form, "full_name") == ["Ben Okafor"]
    assert soup(form).select_one("input[name='check_level'][checked]") is None


def test_someone_on_the_register_already_is_not_offered_again(provider_client, organisation, named):
    """Matched by name as people type it: case and spacing aside."""
    assert add(provider_client, organisation, full_name="amira khan").status_code == 302
    assert add(provider_client, organisation, full_name=" BEN   okafor ").status_code == 302

    register = _register(provider_client, organisation)

    assert soup(register).select_one("#people-to-add") is None


def test_a_name_the_application_does_not_give_fills_in_nothing(
    provider_client, organisation, named
):
    form = provider_client.get(
        f"/staff-checks/organisations/{organisation.id}/add?name=Someone%20Else"
    )

    assert _values(form, "full_name") == [""]
    assert "We have filled in" not in page_text(form)


def test_another_organisations_people_are_not_offered(
    provider_client, other_provider_client, other_organisation, named
):
    register = _register(other_provider_client, other_organisation)
    form = other_provider_client.get(
        f"/staff-checks/organisations/{other_organisation.id}/add?name=Amira%20Khan"
    )

    assert soup(register).select_one("#people-to-add") is None
    assert _values(form, "full_name") == [""]


def test_what_the_provider_types_is_what_is_saved(provider_client, organisation, named):
    """The application only starts the form: a correction posted is what the register keeps."""
    response = add(provider_client, organisation, **person(full_name="Amira Khan-Shah"))

    assert response.status_code == 302
    assert [c.full_name for c in checks()] == ["Amira Khan-Shah"]
