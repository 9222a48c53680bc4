"""An admin adds, renames, describes, reorders, closes, reopens and deletes lots; applicants and
the public follow. Every change is audited; nobody but an admin may make one."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.db import db
from portal.lots.models import Lot
from tests.applications.helpers import audit_events, checked, page_url, save, stored
from tests.support import factories
from tests.support.pages import banner_text, field_value, page_errors, page_h1, soup

LIST = "/admin/lots"
LOTS_PAGE = ("lots", "choose_lots")


def lot_id(name: str) -> int:
    db.session.rollback()
    return db.session.scalar(select(Lot.id).where(Lot.name == name))


def lot_names() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(Lot.name).order_by(Lot.position)))


def is_open(name: str) -> bool:
    db.session.rollback()
    return db.session.scalar(select(Lot.is_active).where(Lot.name == name))


def table(response) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td")[:3]]
        for row in soup(response).select("tbody tr")
    ]


def offered(client, application_id: int) -> list[str]:
    """The lots the applicant's lots question offers, by label."""
    page = client.get(page_url(application_id, *LOTS_PAGE))
    return [
        label.get_text(" ", strip=True)
        for label in soup(page).select("input[name=chosen_lots] + label")
    ]


def public_filter(client) -> list[str]:
    options = soup(client.get("/providers")).select("select#lot option")
    return [option.get_text(strip=True) for option in options][1:]


def confirm(client, url: str):
    """Open a confirmation page and press its button."""
    return client.post(url, data={"submission_id": field_value(client.get(url), "submission_id")})


def add(client, name: str, description: str = ""):
    form = client.get(f"{LIST}/add")
    return client.post(
        f"{LIST}/add",
        data={
            "submission_id": field_value(form, "submission_id"),
            "name": name,
            "description": description,
        },
    )


def test_the_list_shows_each_lot_in_order_with_its_admissions(admin_client, organisation, lots):
    factories.admit(organisation, "mentoring")
    db.session.commit()
    page = admin_client.get(LIST)
    assert page_h1(page) == "Lots"
    rows = table(page)
    assert rows[0] == ["Alternative Provision", "Open", "0"]
    assert ["Mentoring", "Open", "1"] in rows
    assert len(rows) == 13
    mentoring = lot_id("Mentoring")
    # A lot with an admission offers no delete link; one without does.
    assert not soup(page).select(f"a[href='{LIST}/{mentoring}/delete']")
    assert soup(page).select(f"a[href='{LIST}/{lot_id('Robotics and STEM')}/delete']")


def test_an_admin_adds_a_lot_and_applicants_and_the_public_are_offered_it(
    admin_client, admin, provider_client, client, draft
):
    response = add(admin_client, "  Forest   school ", "Outdoor learning in woodland.")
    assert response.location == LIST
    assert banner_text(admin_client.get(LIST)) == (
        "Success Forest school has been added and is open to applications"
    )
    assert lot_names()[-1] == "Forest school"
    (event,) = audit_events("lot.added")
    assert event.actor_id == admin.id
    assert event.after == {
        "name": "Forest school",
        "slug": "forest-school",
        "description": "Outdoor learning in woodland.",
    }
    assert offered(provider_client, draft)[-1] == "Forest school"
    assert public_filter(client)[-1] == "Forest school"
    # Applicants can choose it, and the answer is kept.
    save(provider_client, draft, *LOTS_PAGE, {"chosen_lots": ["forest-school"]})
    assert stored(draft)["chosen_lots"] == ["forest-school"]


def test_a_lot_needs_a_name_that_is_short_enough_and_not_taken(admin_client, lots):
    cases = [
        ("", "Enter the name of the lot"),
        ("   ", "Enter the name of the lot"),
        ("x" * 121, "Name must be 120 characters or fewer"),
        ("mentoring", "There is already a lot called Mentoring"),
        ("ONLINE TUITION", "There is already a lot called Online tuition"),
        (
            "Bad\x00name",
            "Name must not include hidden characters. Type it in again rather than pasting it",
        ),
    ]
    for name, message in cases:
        response = add(admin_client, name, "Kept")
        assert response.status_code == 200, name
        assert page_errors(response) == {"name": message}, name
        assert field_value(response, "description") == "Kept"
    response = add(admin_client, "Tutoring", "x" * 1001)
    assert page_errors(response) == {"description": "Description must be 1,000 characters or fewer"}
    assert len(lot_names()) == 13
    assert audit_events("lot.added") == []


def test_adding_twice_with_one_form_adds_one_lot(admin_client, lots):
    form = admin_client.get(f"{LIST}/add")
    data = {"submission_id": field_value(form, "submission_id"), "name": "Forest school"}
    assert admin_client.post(f"{LIST}/add", data=data).location == LIST
    assert admin_client.post(f"{LIST}/add", data=data).location == LIST
    assert lot_names().count("Forest school") == 1


def test_an_admin_renames_and_describes_a_lot_and_answers_keep_it(
    admin_client, admin, provider_client, draft
):
    save(provider_client, draft, *LOTS_PAGE, {"chosen_lots": ["mentoring"]})
    mentoring = lot_id("Mentoring")
    url = f"{LIST}/{mentoring}/change"
    form = admin_client.get(url)
    assert page_h1(form) == "Change Mentoring"
    assert field_value(form, "name") == "Mentoring"
    response = admin_client.post(
        url,
        data={
            "submission_id": field_value(form, "submission_id"),
            "name": "Mentoring and coaching",
            "description": "One-to-one support.",
        },
    )
    assert response.location == LIST
    db.session.rollback()
    lot = db.session.get(Lot, mentoring)
    assert (lot.name, lot.slug, lot.description) == (
        "Mentoring and coaching",
        "mentoring",
        "One-to-one support.",
    )
    (event,) = audit_events("lot.changed")
    assert event.actor_id == admin.id
    assert event.before == {"name": "Mentoring", "description": ""}
    assert event.after == {"name": "Mentoring and coaching", "description": "One-to-one support."}
    assert checked(provider_client.get(page_url(draft, *LOTS_PAGE)), "chosen_lots") == ["mentoring"]
    assert "Mentoring and coaching" in offered(provider_client, draft)


def test_a_lot_cannot_be_renamed_to_another_lots_name(admin_client, lots):
    mentoring = lot_id("Mentoring")
    url = f"{LIST}/{mentoring}/change"
    form = admin_client.get(url)
    for name in ("online tuition", "Online Tuition "):
        response = admin_client.post(
            url, data={"submission_id": field_value(form, "submission_id"), "name": name}
        )
        assert page_errors(response) == {"name": "There is already a lot called Online tuition"}
    # Its own name in other letters is no clash.
    response = admin_client.post(
        url, data={"submission_id": field_value(form, "submission_id"), "name": "MENTORING"}
    )
    assert response.location == LIST
    assert "MENTORING" in lot_names()


def test_closing_a_lot_stops_new_applicants_and_keeps_what_was_chosen(
    admin_client, admin, provider_client, client, draft, other_organisation
):
    factories.admit(other_organisation, "mentoring")
    db.session.commit()
    save(provider_client, draft, *LOTS_PAGE, {"chosen_lots": ["online-tuition", "mentoring"]})
    mentoring = lot_id("Mentoring")
    url = f"{LIST}/{mentoring}/close"
    assert page_h1(admin_client.get(url)) == "Close Mentoring to new applications?"
    assert confirm(admin_client, url).location == LIST
    assert banner_text(admin_client.get(LIST)) == "Success Mentoring is closed to new applications"
    assert not is_open("Mentoring")
    (event,) = audit_events("lot.closed")
    assert event.actor_id == admin.id and event.object_id == mentoring
    assert event.before == {"open_to_applications": True}

    # The applicant who chose it keeps it, marked as closed, and can save the page again.
    page = provider_client.get(page_url(draft, *LOTS_PAGE))
    assert checked(page, "chosen_lots") == ["online-tuition", "mentoring"]
    assert "Mentoring (closed to new applications)" in offered(provider_client, draft)
    save(provider_client, draft, *LOTS_PAGE, {"chosen_lots": ["online-tuition", "mentoring"]})
    assert stored(draft)["chosen_lots"] == ["online-tuition", "mentoring"]
    # Once they drop it, it is not offered to them again.
    save(provider_client, draft, *LOTS_PAGE, {"chosen_lots": ["online-tuition"]})
    assert not [label for label in offered(provider_client, draft) if "Mentoring" in label]

    # The public search no longer offers it; the provider admitted to it is still listed with it.
    assert "Mentoring" not in public_filter(client)
    assert "Mentoring" in soup(client.get("/providers")).select_one("tbody").get_text()


def test_closing_twice_at_once_closes_once(app, admin_client, lots):
    mentoring = lot_id("Mentoring")
    url = f"{LIST}/{mentoring}/close"
    page = admin_client.get(url)
    data = {"submission_id": field_value(page, "submission_id")}
    stale = {"submission_id": field_value(admin_client.get(url), "submission_id")}
    # The same form sent twice (a double click): the second leads where the first did.
    assert admin_client.post(url, data=data).location == LIST
    assert admin_client.post(url, data=data).location == LIST
    assert len(audit_events("lot.closed")) == 1
    admin_client.get(LIST)  # reads the first one's message
    # Another tab opened before it was closed: told so, and nothing more happens.
    refused = admin_client.post(url, data=stale)
    assert refused.location == LIST
    assert banner_text(admin_client.get(LIST)) == (
        "Important Mentoring is already closed to new applications"
    )
    assert len(audit_events("lot.closed")) == 1
    # A page opened now says it is closed, with no button.
    now = admin_client.get(url)
    assert "Mentoring is already closed to new applications." in now.get_data(as_text=True)
    assert not soup(now).select("main form")


def test_an_admin_reopens_a_closed_lot(admin_client, admin, provider_client, draft):
    mentoring = lot_id("Mentoring")
    confirm(admin_client, f"{LIST}/{mentoring}/close")
    assert "Mentoring" not in offered(provider_client, draft)
    url = f"{LIST}/{mentoring}/reopen"
    assert page_h1(admin_client.get(url)) == "Reopen Mentoring?"
    assert confirm(admin_client, url).location == LIST
    assert is_open("Mentoring")
    assert banner_text(admin_client.get(LIST)) == "Success Mentoring is open to applications again"
    assert "Mentoring" in offered(provider_client, draft)
    (event,) = audit_events("lot.reopened")
    assert event.after == {"open_to_applications": True}
    # Reopening an open lot is refused with a message.
    stale = admin_client.post(url, data={"submission_id": "another-tab"})
    assert stale.location == LIST
    assert (
        banner_text(admin_client.get(LIST)) == "Important Mentoring is already open to applications"
    )
    assert len(audit_events("lot.reopened")) == 1


def test_an_admin_moves_lots_up_and_down(admin_client, admin, lots):
    mentoring = lot_id("Mentoring")
    before = lot_names()
    assert before[3] == "Mentoring"

    def move(lot: int, direction: str, submission_id: str):
        return admin_client.post(
            f"{LIST}/{lot}/move", data={"direction": direction, "submission_id": submission_id}
        )

    assert move(mentoring, "up", "first-click").location == LIST
    assert move(mentoring, "up", "first-click").location == LIST  # a double click moves once
    assert banner_text(admin_client.get(LIST)) == "Success Mentoring has been moved up"
    after = lot_names()
    assert after[2:4] == ["Mentoring", "In-person tuition"]
    (event,) = audit_events("lot.moved")
    assert (event.before, event.after) == ({"position": 4}, {"position": 3})
    move(mentoring, "down", "second")
    admin_client.get(LIST)
    assert lot_names() == before

    # The first cannot go up, the last cannot go down, and a direction must be given.
    first, last = lot_id(before[0]), lot_id(before[-1])
    for lot, direction, message in [
        (first, "up", "Alternative Provision is already first"),
        (last, "down", "Creative therapeutic provision is already last"),
        (first, "sideways", "Choose whether to move the lot up or down"),
    ]:
        assert move(lot, direction, f"{lot}-{direction}").location == LIST
        assert banner_text(admin_client.get(LIST)) == f"Important {message}"
    assert lot_names() == before
    # The list offers each move as a button (no script needed): none up for the first lot.
    page = soup(admin_client.get(LIST))
    first_row = page.select("tbody tr")[0]
    assert [b.get_text(" ", strip=True) for b in first_row.select("button")] == [
        "Move down Alternative Provision"
    ]


def test_a_lot_with_admissions_cannot_be_deleted_and_one_without_can(
    admin_client, admin, organisation, lots
):
    factories.admit(organisation, "mentoring")
    db.session.commit()
    mentoring = lot_id("Mentoring")
    refused = confirm(admin_client, f"{LIST}/{mentoring}/delete")
    assert refused.location == LIST
    assert banner_text(admin_client.get(LIST)) == (
        "Important Mentoring cannot be deleted: providers have been admitted to it. "
        "Close it to new applications instead"
    )
    assert "Mentoring" in lot_names()

    robotics = lot_id("Robotics and STEM")
    url = f"{LIST}/{robotics}/delete"
    assert page_h1(admin_client.get(url)) == "Delete Robotics and STEM?"
    data = {"submission_id": field_value(admin_client.get(url), "submission_id")}
    assert admin_client.post(url, data=data).location == LIST
    assert banner_text(admin_client.get(LIST)) == "Success Robotics and STEM has been deleted"
    assert "Robotics and STEM" not in lot_names()
    (event,) = audit_events("lot.deleted")
    assert event.before["slug"] == "robotics-and-stem" and event.actor_id == admin.id
    # The same form again leads where the first did; the lot's pages are now not found.
    assert admin_client.post(url, data=data).location == LIST
    assert admin_client.get(url).status_code == 404


def test_a_lot_that_does_not_exist_is_not_found(admin_client, lots):
    for method, path in [
        ("GET", "999/change"),
        ("POST", "999/change"),
        ("POST", "999/move"),
        ("GET", "999/close"),
        ("POST", "999/close"),
        ("POST", "999/reopen"),
        ("POST", "999/delete"),
        ("GET", "abc/close"),
    ]:
        response = admin_client.open(f"{LIST}/{path}", method=method, data={"direction": "up"})
        assert response.status_code == 404, path


def test_only_admins_may_change_lots(reviewer_client, commissioner_client, provider_client, lots):
    mentoring = lot_id("Mentoring")
    for client in (reviewer_client, commissioner_client, provider_client):
        assert client.get(LIST).status_code == 403
        assert client.post(f"{LIST}/add", data={"name": "Sneaky"}).status_code == 403
        assert client.post(f"{LIST}/{mentoring}/close", data={}).status_code == 403
        assert client.post(f"{LIST}/{mentoring}/delete", data={}).status_code == 403
        assert client.post(f"{LIST}/{mentoring}/move", data={"direction": "up"}).status_code == 403
    assert is_open("Mentoring") and "Sneaky" not in lot_names() and lot_names()[3] == "Mentoring"
