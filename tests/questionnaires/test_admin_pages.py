"""An admin lists questionnaire versions, previews one and publishes it; nobody else may."""

import pyotp
import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.time import format_date, utcnow
from portal.questionnaires import services
from portal.questionnaires.models import QuestionnaireVersion
from tests.questionnaires.conftest import EVERY_TYPE
from tests.support import factories
from tests.support.pages import banner_text, page_h1, page_text, soup

LIST = "/admin/questionnaires"


@pytest.fixture
def versions(app_ctx, tmp_path):
    """The ids of version 1, published, and version 2, a draft."""
    second = tmp_path / "v2.yaml"
    second.write_text(
        EVERY_TYPE.read_text()
        .replace("version: 1\n", "version: 2\n")
        .replace('"Test questionnaire"', '"Pre-qualification questionnaire"')
    )
    first, _ = services.load_version(EVERY_TYPE)
    second, _ = services.load_version(second)
    publisher = factories.make_user("publisher@council.example.org", role="admin")
    services.publish_version(publisher, first.id)
    db.session.commit()
    return first.id, second.id


def statuses() -> dict[int, str]:
    rows = db.session.execute(select(QuestionnaireVersion.version, QuestionnaireVersion.status))
    found = dict(rows.all())
    db.session.commit()  # end the read: on SQLite it would block another app's writes
    return found


def publish_events() -> list[tuple[int, int]]:
    events = db.session.execute(
        select(AuditEvent.object_id, AuditEvent.actor_id)
        .where(AuditEvent.action == "questionnaire.published")
        .order_by(AuditEvent.id)
    )
    return [tuple(event) for event in events]


def table_rows(response) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup(response).select("tbody tr")
    ]


def test_the_list_shows_each_version_newest_first(admin_client, versions):
    response = admin_client.get(LIST)
    assert page_h1(response) == "Questionnaire versions"
    loaded = format_date(utcnow())
    assert table_rows(response) == [
        ["Version 2", "Pre-qualification questionnaire", "Draft", loaded, "Not published"],
        ["Version 1", "Test questionnaire", "Published", loaded, loaded],
    ]


def test_the_list_says_when_there_are_no_versions(admin_client):
    response = admin_client.get(LIST)
    assert "No versions have been loaded yet." in page_text(response)
    assert soup(response).select_one(f"nav a[href='{LIST}']").get_text(strip=True) == (
        "Questionnaires"
    )


def test_a_version_shows_its_questions_as_applicants_see_them(admin_client, versions):
    _first, second = versions
    response = admin_client.get(f"{LIST}/{second}")
    assert page_h1(response) == "Pre-qualification questionnaire"
    page = soup(response)
    assert page.select_one(".govuk-tag").get_text(strip=True) == "Draft"
    assert page.select_one(f"a[href='{LIST}/{second}/publish']").get_text(strip=True) == (
        "Publish this version"
    )
    labels = [label.get_text(" ", strip=True) for label in page.select("main label, legend")]
    assert "Legal name" in labels and "Company number (optional)" in labels
    # The lots question offers the lots in the database (none are seeded here).
    assert page.select("input[name=chosen_lots]") == []
    # A question revealed by a radio sits under it.
    assert page.select_one("#conditional-legal_form-3 input[name=legal_form_other]")


def test_an_admin_publishes_a_version(admin_client, admin, versions):
    _first, second = versions
    admin_id = admin.id
    url = f"{LIST}/{second}/publish"
    confirm = admin_client.get(url)
    assert page_h1(confirm) == "Publish version 2?"
    assert "Version 1 will be retired." in page_text(confirm)
    submission = soup(confirm).select_one("input[name=submission_id]")["value"]

    published = admin_client.post(url, data={"submission_id": submission})
    assert published.location == LIST
    assert banner_text(admin_client.get(LIST)) == "Success Version 2 is published"
    assert statuses() == {1: "retired", 2: "published"}
    assert publish_events()[-1] == (second, admin_id)

    # A second click on the same button changes nothing more.
    again = admin_client.post(url, data={"submission_id": submission})
    assert again.location == LIST
    assert len(publish_events()) == 2
    assert statuses() == {1: "retired", 2: "published"}


def test_the_published_version_cannot_be_published_again(admin_client, versions):
    first, _second = versions
    url = f"{LIST}/{first}/publish"
    page = admin_client.get(url)
    assert "is already published" in page_text(page)
    assert soup(page).select("main form") == []
    response = admin_client.post(url, data={"submission_id": "another-tab"})
    assert response.location == LIST
    assert banner_text(admin_client.get(LIST)) == "Important Version 1 is already published"
    assert len(publish_events()) == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/999"), ("GET", "/999/publish"), ("POST", "/999/publish")],
)
def test_a_missing_version_is_not_found(admin_client, method, path):
    assert admin_client.open(f"{LIST}{path}", method=method).status_code == 404


def test_providers_and_other_staff_are_refused(provider_client, reviewer_client, versions):
    _first, second = versions
    for client in (provider_client, reviewer_client):
        assert client.get(LIST).status_code == 403
        assert client.get(f"{LIST}/{second}").status_code == 403
        refused = client.post(f"{LIST}/{second}/publish", data={"submission_id": "x"})
        assert refused.status_code == 403
    assert statuses() == {1: "published", 2: "draft"}


def _send_form(client, url, fields=None):
    """Open the page and send its form back with its hidden fields, as a browser would."""
    form = soup(client.get(url)).select_one("main form[method=post]")
    hidden = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return client.post(form.get("action") or url, data=hidden | (fields or {}))


def test_publishing_needs_the_pages_csrf_token(make_app, admin, versions):
    _first, second = versions
    email, totp_secret = admin.email, admin.totp_secret
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    _send_form(client, "/sign-in", {"email": email, "password": factories.PASSWORD})
    _send_form(client, "/two-factor", {"code": pyotp.TOTP(totp_secret).now()})
    url = f"{LIST}/{second}/publish"

    forged = client.post(url, data={"submission_id": "forged"})
    assert forged.status_code == 400
    assert statuses() == {1: "published", 2: "draft"}

    assert _send_form(client, url).location == LIST
    assert statuses() == {1: "retired", 2: "published"}
