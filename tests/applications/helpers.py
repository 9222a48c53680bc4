"""Driving the application journey through HTTP, as a provider would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from portal.applications.models import Application, ApplicationSection
from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.questionnaires import services as questionnaires
from tests.questionnaires.conftest import EVERY_TYPE
from tests.support.pages import field_value, page_errors, page_title, soup

CONTENT = Path(__file__).parent / "content"
SMALL = CONTENT / "small.yaml"
V1 = Path(questionnaires.__file__).parent / "content" / "v1.yaml"
__all__ = ["EVERY_TYPE"]


def publish(path: Path, admin):
    version, _new = questionnaires.load_version(path)
    questionnaires.publish_version(admin, version.id)
    db.session.commit()
    return version


def start(client, organisation) -> int:
    """Start an application from the organisation's start page: its id."""
    response = client.post(f"/applications/start/{organisation.id}", data={})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rsplit("/", 1)[1])


def kebab(content_id: str) -> str:
    return content_id.replace("_", "-")


def page_url(application_id: int, section: str, page: str) -> str:
    return f"/applications/{application_id}/{kebab(section)}/{kebab(page)}"


def section_version(client, url: str) -> str:
    return field_value(client.get(url), "section_version")


def save(client, application_id, section, page, data=None, action="continue", version=None):
    """Post a question page as it was opened just now (its section_version), with `data`."""
    url = page_url(application_id, section, page)
    if version is None:
        version = section_version(client, url)
    return client.post(url, data={"section_version": version, "action": action, **(data or {})})


def add_item(client, application_id, section, page, group, data):
    url = f"{page_url(application_id, section, page)}/{kebab(group)}/add"
    version = section_version(client, url)
    return client.post(url, data={"section_version": version, **data})


def stored(application_id: int) -> dict[str, Any]:
    """Every answer stored for the application, whichever section holds it."""
    db.session.rollback()
    answers: dict[str, Any] = {}
    for row in db.session.scalars(
        select(ApplicationSection).where(ApplicationSection.application_id == application_id)
    ):
        answers.update(row.answers)
    return answers


def application(application_id: int) -> Application:
    db.session.rollback()
    return db.session.get(Application, application_id)


def task_statuses(response) -> dict[str, str]:
    """The task list as {section title: status}."""
    statuses = {}
    for item in soup(response).select(".govuk-task-list__item"):
        title = item.select_one(".govuk-task-list__name-and-hint").find(["a", "div"])
        status = item.select_one(".govuk-task-list__status")
        statuses[title.get_text(strip=True)] = status.get_text(" ", strip=True)
    return statuses


def assert_error(response, field_id: str, message: str) -> None:
    """The page says `message` in the error summary, linked to the field, and by the field."""
    assert response.status_code == 200, response.status
    assert page_errors(response).get(field_id) == message, page_errors(response)
    page = soup(response)
    field = page.find(id=field_id)
    assert field is not None, f"the error summary links to #{field_id}, which is not on the page"
    group = field.find_parent(class_="govuk-form-group--error") or (
        field if "govuk-form-group--error" in field.get("class", []) else None
    )
    assert group is not None and message in group.get_text(" ", strip=True)
    assert page_title(response).startswith("Error: ")


def audit_events(action: str) -> list[AuditEvent]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def checked(response, name: str) -> list[str]:
    """The values of the ticked boxes or chosen radio called `name`."""
    return [i["value"] for i in soup(response).select(f"input[name={name}][checked]")]


def task_links(response) -> dict[str, str]:
    """The task list's links as {section title: where it leads}."""
    return {a.get_text(strip=True): a["href"] for a in soup(response).select(".govuk-task-list a")}


def task_hints(response) -> dict[str, str]:
    """The task list's hints as {section title: hint}."""
    hints = {}
    for item in soup(response).select(".govuk-task-list__item"):
        hint = item.select_one(".govuk-task-list__hint")
        if hint:
            title = item.select_one(".govuk-task-list__name-and-hint").find(["a", "div"])
            hints[title.get_text(strip=True)] = hint.get_text(" ", strip=True)
    return hints
