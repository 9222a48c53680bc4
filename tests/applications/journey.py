"""A provider completing a whole application through HTTP, page by page, as the pages lead them:
from each task list row, through every question page on their route (adding the items a
repeating group needs), to "Yes, I've completed this section", then the declaration and submit.

Answers are made up from each question's type and rules, so it works for any questionnaire.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.datastructures import MultiDict

from portal.applications import services, submitting
from portal.applications.models import Application
from portal.core.db import db
from portal.questionnaires import routing
from portal.questionnaires.schema import Content, Page, Question, Section
from tests.applications.helpers import kebab
from tests.support.pages import field_value, page_errors, soup

# Answers to questions with a pattern, by question id (v1.yaml and the test questionnaires).
PATTERNS = {
    "company_number": "01234567",
    "charity_number": "1234567",
    "dfe_urn": "123456",
    "ico_number": "ZA123456",
    "ukprn": "10012345",
}
DECLARED_BY = {"name": "Alex Provider", "role": "Director"}


def _date(question: Question) -> str:
    if question.not_in_past:
        return "2031-03-01"
    if question.not_in_future:
        return "2021-03-01" if question.after else "2019-03-01"
    return "2031-03-01" if question.after else "2020-03-01"


def fields_for(question: Question, lots: list[str]) -> dict[str, str | list[str]]:
    """Form fields answering `question` within its rules."""
    qid, type_ = question.id, question.type
    if qid in PATTERNS:
        return {qid: PATTERNS[qid]}
    assert not question.pattern, f"add an answer for {qid} to PATTERNS"
    if type_ in ("text", "long_text"):
        text = "An answer written with care.\nOn two lines." if type_ == "long_text" else "Example"
        text = text.ljust(question.min_length or 0, ".")
        return {qid: text[: question.max_length]}
    if type_ == "yes_no":
        return {qid: "no"}
    if type_ == "choice":
        return {qid: question.options[0].value}
    if type_ == "multi_choice":
        return {qid: [o.value for o in question.options[: max(question.min_selected or 1, 1)]]}
    if type_ == "lots":
        return {qid: lots}
    if type_ == "date":
        year, month, day = _date(question).split("-")
        return {f"{qid}-day": day, f"{qid}-month": month, f"{qid}-year": year}
    if type_ == "number":
        return {qid: str(max(question.min or 0, 1))}
    if type_ == "money":
        pence = max(question.min or 0, 125050)
        if question.max is not None:
            pence = min(pence, question.max)
        return {qid: f"{pence // 100}.{pence % 100:02d}"}
    if type_ == "email":
        return {qid: "someone@example.org"}
    if type_ == "phone":
        return {qid: "01632 960001"}
    if type_ == "url":
        return {qid: "www.example.org"}
    if type_ == "declaration":
        return {
            f"{qid}-name": DECLARED_BY["name"],
            f"{qid}-role": DECLARED_BY["role"],
            f"{qid}-agreed": "yes",
        }
    raise AssertionError(f"no answer for {type_}")


def _on_page(html, question: Question) -> bool:
    name = {"date": f"{question.id}-day", "declaration": f"{question.id}-name"}.get(
        question.type, question.id
    )
    return html.find(attrs={"name": name}) is not None


def _expect_redirect(response, what: str) -> str:
    assert response.status_code == 302, f"{what}: {page_errors(response) or response.status}"
    return response.location


def complete_page(client, content: Content, url: str, lots: list[str]) -> str:
    """Answer every question on the page at `url`, adding a repeating group's items first;
    the URL Save and continue leads to."""
    response = client.get(url)
    assert response.status_code == 200, url
    parts = urlsplit(url).path.strip("/").split("/")
    section, page = content.page(parts[2].replace("-", "_"), parts[3].replace("-", "_"))
    html = soup(response)
    data: dict[str, str | list[str]] = {"section_version": field_value(response, "section_version")}
    for question in page.questions:
        if question.type == "group":
            have = len(html.select(f"#{question.id} .govuk-summary-card"))
            for _ in range(have, max(question.min_items or 0, 1)):
                add = f"{urlsplit(url).path}/{kebab(question.id)}/add"
                form = client.get(add)
                item = {"section_version": field_value(form, "section_version")}
                for sub in question.questions:
                    item.update(fields_for(sub, lots))
                _expect_redirect(client.post(add, data=item), add)
            data["section_version"] = field_value(client.get(url), "section_version")
        elif _on_page(html, question):
            data.update(fields_for(question, lots))
    return _expect_redirect(client.post(url, data={**data, "action": "continue"}), url)


def complete_section(client, content: Content, url: str, lots: list[str]) -> None:
    """From a task list link to the section's check answers page, then mark it completed."""
    while not urlsplit(url).path.endswith("/check-answers"):
        url = complete_page(client, content, url, lots)
    _expect_redirect(client.post(url, data={"completed": "yes"}), url)


def task_list_links(client, application_id: int) -> list[tuple[str, str, str | None]]:
    """(title, status, link) for each row of the task list."""
    html = soup(client.get(f"/applications/{application_id}"))
    rows = []
    for item in html.select(".govuk-task-list__item"):
        link = item.select_one("a")
        title = item.select_one(".govuk-task-list__name-and-hint").find(["a", "div"])
        status = item.select_one(".govuk-task-list__status").get_text(" ", strip=True)
        rows.append((title.get_text(strip=True), status, link["href"] if link else None))
    return rows


def complete_sections(client, content: Content, application_id: int, lots: list[str]) -> None:
    """Complete every section of the task list but the declaration, in the order listed."""
    while True:
        # The declaration's row leads to /applications/<id>/check-answers, a section's
        # to /applications/<id>/<section>/<page or check-answers>.
        to_do = [
            link
            for _title, status, link in task_list_links(client, application_id)
            if status != "Completed" and link and link.count("/") == 4
        ]
        if not to_do:
            return
        complete_section(client, content, to_do[0], lots)


def submit(client, application_id: int, **declaration) -> object:
    """Sign the declaration (as DECLARED_BY unless given) and press Submit: the response."""
    url = f"/applications/{application_id}/submit"
    form = client.get(url)
    assert form.status_code == 200, form.status
    html = soup(form)
    prefix = html.select_one(".app-declaration")["id"]
    signed = {**DECLARED_BY, **declaration}
    return client.post(
        url,
        data={
            "submission_id": field_value(form, "submission_id"),
            "lock_version": field_value(form, "lock_version"),
            f"{prefix}-name": signed["name"],
            f"{prefix}-role": signed["role"],
            f"{prefix}-agreed": "yes",
        },
    )


def fill_in_sections(user, application_id: int, lots: list[str]) -> None:
    """What complete_sections does through HTTP, through the services the pages call: the same
    task list order, pages, made-up answers, items and "completed" marks, one save at a time,
    without the pages rendered in between. For tests that need a completed application but
    are not about completing one: ~40 ms of CPU where the ~35 pages took ~225 ms.
    tests/applications/test_journey_shortcut.py checks it leaves exactly what the pages leave.
    """
    application = db.session.get(Application, application_id)
    while True:
        progress = services.progress_of(application)
        to_do = [
            section
            for section, status in progress.task_list
            if not section.is_declaration
            and status not in (routing.COMPLETED, routing.CANNOT_START)
        ]
        if not to_do:
            return
        section = to_do[0]
        # Where the task list row leads (views._section_url): a section to do starts at its
        # first page, or carries on from its first unfinished one.
        if progress.status_of(section) == routing.NOT_STARTED:
            page = progress.first_page(section)
        else:
            page = progress.unfinished_page(section)
        while page is not None:
            page = _fill_in_page(user, application, section, page, lots)
        services.mark_section(user, services.progress_of(application), section, True)
        db.session.commit()


def _fill_in_page(user, application, section: Section, page: Page, lots: list[str]):
    """As complete_page does: the group's items first, then the page's answers, each saved
    as its own request would; the next page of the section on the route, or None."""
    progress = services.progress_of(application)
    data: dict[str, str | list[str]] = {}
    for question in progress.questions_to_show(section, page):
        if question.type == "group":
            have = len(progress.answers.get(question.id) or [])
            for _ in range(have, max(question.min_items or 0, 1)):
                item: dict[str, str | list[str]] = {}
                for sub in question.questions:
                    item.update(fields_for(sub, lots))
                outcome = services.save_item(
                    user,
                    progress,
                    section,
                    question,
                    None,
                    _form(item),
                    progress.version_of(section),
                )
                assert outcome.saved, (question.id, outcome.result.errors)
                db.session.commit()
                progress = services.progress_of(application)
        else:
            data.update(fields_for(question, lots))
    # As the question view reads the lots and documents a page may take.
    has_lots = any(q.type == "lots" for q in page.questions)
    evidence = submitting.evidence_options(application, page)
    outcome = services.save_page(
        user,
        progress,
        section,
        page,
        _form(data),
        progress.version_of(section),
        [slug for slug, _name in services.lot_options(progress.lots).choices] if has_lots else [],
        {kind: [version.id for version in versions] for kind, versions in evidence.items()},
    )
    assert outcome.saved and not outcome.result.errors, (page.id, outcome.result.errors)
    db.session.commit()
    return services.progress_of(application).next_page(section, page)


def _form(fields: dict[str, str | list[str]]) -> MultiDict:
    """The fields as a posted form holds them: a list is a field sent once per value."""
    return MultiDict(
        [
            (name, v)
            for name, value in fields.items()
            for v in (value if isinstance(value, list) else [value])
        ]
    )
