"""Two members of the organisation editing the same section at once: the second save is told
someone else changed it, with both versions, and never silently overwrites it. Nothing either
of them typed is lost."""

from tests.applications.helpers import add_item, page_url, save, section_version, stored
from tests.support.pages import field_value, page_title, soup

IDENTITY = {
    "legal_name": "Bright Futures Ltd",
    "contact_email": "office@example.org",
    "phone": "01384 000000",
}


def conflict_rows(response) -> dict[str, tuple[str, str]]:
    """The banner's table as {question: (saved answer, your answer)}."""
    return {
        row.th.get_text(strip=True): tuple(td.get_text(" ", strip=True) for td in row("td"))
        for row in soup(response).select(".app-conflict tbody tr")
    }


def test_the_second_save_sees_the_first_and_overwrites_nothing(
    provider_client, member_client, draft
):
    url = page_url(draft, "about", "identity")
    opened_by_member = section_version(member_client, url)
    save(provider_client, draft, "about", "identity", IDENTITY)

    response = member_client.post(
        url,
        data={
            "section_version": opened_by_member,
            "action": "continue",
            **IDENTITY,
            "legal_name": "Bright Futures Limited",
            "phone": "not a phone",
        },
    )

    assert response.status_code == 200
    banner = soup(response).select_one(".govuk-notification-banner").get_text(" ", strip=True)
    assert "Someone else changed this section since you opened it" in banner
    assert "Alex Provider saved it on" in banner
    rows = conflict_rows(response)
    assert rows["Legal name"] == ("Bright Futures Ltd", "Bright Futures Limited")
    assert rows["Telephone number"] == ("01384 000000", "not a phone")
    # What the member typed is still on the page; what the owner saved is untouched.
    assert field_value(response, "legal_name") == "Bright Futures Limited"
    assert field_value(response, "phone") == "not a phone"
    assert stored(draft)["legal_name"] == "Bright Futures Ltd"
    # The telephone number is wrong too, and says so.
    assert page_title(response).startswith("Error: Your organisation")

    # Saving again, having seen theirs, keeps the member's answers.
    response = member_client.post(
        url,
        data={
            "section_version": field_value(response, "section_version"),
            "action": "continue",
            **IDENTITY,
            "legal_name": "Bright Futures Limited",
        },
    )
    assert response.status_code == 302
    assert stored(draft)["legal_name"] == "Bright Futures Limited"


def test_two_first_saves_of_a_section(provider_client, member_client, draft):
    """Neither has saved anything in the section yet when both open the page."""
    url = page_url(draft, "about", "identity")
    assert section_version(member_client, url) == "0"
    save(provider_client, draft, "about", "identity", IDENTITY, version="0")

    response = save(
        member_client,
        draft,
        "about",
        "identity",
        {**IDENTITY, "legal_name": "Other Name"},
        version="0",
    )

    assert "Someone else changed this section" in soup(response).get_text()
    assert stored(draft)["legal_name"] == "Bright Futures Ltd"


def test_a_save_of_another_page_in_the_same_section_is_seen_too(
    provider_client, member_client, draft
):
    opened = section_version(member_client, page_url(draft, "about", "money"))
    save(provider_client, draft, "about", "identity", IDENTITY)

    response = save(member_client, draft, "about", "money", {"turnover": "100"}, version=opened)

    assert conflict_rows(response) == {"Annual turnover": ("Not answered", "£100")}
    assert "turnover" not in stored(draft)


def test_sections_are_saved_separately(provider_client, member_client, draft):
    """Different sections at once: no conflict."""
    opened = section_version(member_client, page_url(draft, "lots", "choose_lots"))
    save(provider_client, draft, "about", "identity", IDENTITY)

    response = save(
        member_client, draft, "lots", "choose_lots", {"chosen_lots": ["mentoring"]}, version=opened
    )

    assert response.status_code == 302
    assert stored(draft)["chosen_lots"] == ["mentoring"]


REFEREE = {
    "name": "Ann Referee",
    "email": "ann@example.org",
    "known_since-day": "1",
    "known_since-month": "5",
    "known_since-year": "2019",
}


def test_an_item_added_against_an_older_version(provider_client, member_client, draft):
    add_url = f"{page_url(draft, 'safeguarding', 'referees')}/referees/add"
    opened = section_version(member_client, add_url)
    add_item(provider_client, draft, "safeguarding", "referees", "referees", REFEREE)

    response = member_client.post(
        add_url, data={"section_version": opened, **REFEREE, "name": "Bo Referee"}
    )

    assert response.status_code == 200
    assert conflict_rows(response) == {
        "Referees": (
            "Ann Referee, ann@example.org, 1 May 2019",
            "Ann Referee, ann@example.org, 1 May 2019 Bo Referee, ann@example.org, 1 May 2019",
        )
    }
    assert field_value(response, "name") == "Bo Referee"
    assert [item["name"] for item in stored(draft)["referees"]] == ["Ann Referee"]


def test_removing_an_item_someone_else_has_just_changed(provider_client, member_client, draft):
    for name in ("Ann Referee", "Bo Referee"):
        add_item(
            provider_client,
            draft,
            "safeguarding",
            "referees",
            "referees",
            {**REFEREE, "name": name},
        )
    remove = f"{page_url(draft, 'safeguarding', 'referees')}/referees/1/remove"
    opened = section_version(member_client, remove)
    change = f"{page_url(draft, 'safeguarding', 'referees')}/referees/1"
    provider_client.post(
        change,
        data={
            "section_version": section_version(provider_client, change),
            **REFEREE,
            "name": "Cy Referee",
        },
    )

    response = member_client.post(remove, data={"section_version": opened})

    assert response.status_code == 200
    assert "Check this is still the referee you want to remove" in soup(response).get_text()
    assert "Cy Referee" in soup(response).get_text()
    assert [item["name"] for item in stored(draft)["referees"]] == ["Cy Referee", "Bo Referee"]
    # Seen, and still to go.
    response = member_client.post(
        remove, data={"section_version": field_value(response, "section_version")}
    )
    assert [item["name"] for item in stored(draft)["referees"]] == ["Bo Referee"]
