"""Demo applications, answered through the same services the question pages call: each page of
the route in turn, with answers made up from each question's type and rules (the answer that
passes, where a question is pass/fail), then each section marked completed and the declaration
signed. So the reviewers' queue holds applications exactly as a provider would have left them."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from portal.accounts.models import User
from portal.applications import services as applications
from portal.applications import submitting
from portal.applications.models import Application
from portal.applications.progress import Progress
from portal.organisations.models import Organisation
from portal.questionnaires import routing
from portal.questionnaires.schema import Question, Section

# Answers to questions with a pattern, by question id (the council's questionnaire).
PATTERNS = {
    "company_number": "01234567",
    "charity_number": "1123456",
    "dfe_urn": "123456",
    "ico_number": "ZA123456",
    "ukprn": "10012345",
}


def _passes(question: Question, value: Any, lots: tuple[str, ...]) -> bool:
    return question.pass_fail is None or not routing.evaluate(
        question.pass_fail.fail_when, {question.id: value}, lots
    )


def _date(question: Question) -> str:
    if question.not_in_past:
        return "2031-03-01"
    if question.not_in_future:
        return "2021-03-01" if question.after else "2019-03-01"
    return "2031-03-01" if question.after else "2020-03-01"


def fields_for(
    question: Question, lots: tuple[str, ...], evidence: dict[str, list[int]], person: str
) -> dict[str, Any]:
    """Form fields answering `question` within its rules, passing where it is pass/fail."""
    qid, type_ = question.id, question.type
    if qid in PATTERNS:
        return {qid: PATTERNS[qid]}
    if type_ in ("text", "long_text"):
        text = (
            "We work with small groups and agree each child's plan with their school and family."
            if type_ == "long_text"
            else "As described"
        )
        text = text.ljust(question.min_length or 0, ".")
        return {qid: text[: question.max_length]}
    if type_ == "yes_no":
        return {qid: "yes" if _passes(question, "yes", lots) else "no"}
    if type_ == "choice":
        good = [o.value for o in question.options if _passes(question, o.value, lots)]
        return {qid: good[0]}
    if type_ == "multi_choice":
        good = [o.value for o in question.options if _passes(question, [o.value], lots)]
        return {qid: good[: max(question.min_selected or 1, 1)]}
    if type_ == "lots":
        return {qid: list(lots)}
    if type_ == "date":
        year, month, day = _date(question).split("-")
        return {f"{qid}-day": day, f"{qid}-month": month, f"{qid}-year": year}
    if type_ == "number":
        return {qid: str(max(question.min or 0, 4))}
    if type_ == "money":
        pence = max(question.min or 0, 500000000)
        if question.max is not None:
            pence = min(pence, question.max)
        return {qid: f"{pence // 100}.{pence % 100:02d}"}
    if type_ == "email":
        return {qid: "office@example.org"}
    if type_ == "phone":
        return {qid: "01384 000100"}
    if type_ == "url":
        return {qid: "https://www.example.org"}
    if type_ == "evidence":
        return {qid: str(evidence[question.kind or ""][0])}
    if type_ == "declaration":
        return {f"{qid}-name": person, f"{qid}-role": "Director", f"{qid}-agreed": "yes"}
    raise ValueError(f"The demo has no answer for a {type_} question")


def _form(fields: dict[str, Any]) -> MultiDict[str, Any]:
    form: MultiDict[str, Any] = MultiDict()
    for name, value in fields.items():
        for each in value if isinstance(value, list) else [value]:
            form.add(name, each)
    return form


def _complete_section(
    user: User, application: Application, section: Section, lots: tuple[str, ...]
) -> None:
    progress = applications.progress_of(application)
    choices = [slug for slug, _name in applications.lot_options().choices]
    while (page := progress.unfinished_page(section)) is not None:
        evidence = {
            kind: [version.id for version in versions]
            for kind, versions in submitting.evidence_options(application, page).items()
        }
        fields: dict[str, Any] = {}
        for question in progress.questions_to_show(section, page):
            if question.type == "group":
                have = len(progress.answers.get(question.id) or [])
                for _ in range(have, max(question.min_items or 0, 1)):
                    item = {}
                    for sub in question.questions:
                        item.update(fields_for(sub, lots, evidence, user.full_name))
                    added = applications.save_item(
                        user, progress, section, question, None, _form(item),
                        progress.version_of(section),
                    )  # fmt: skip
                    _check(added.saved, section, question.id, added.result.errors)
                    progress = progress.refreshed()
            else:
                fields.update(fields_for(question, lots, evidence, user.full_name))
        outcome = applications.save_page(
            user, progress, section, page, _form(fields), progress.version_of(section), choices,
            evidence,
        )  # fmt: skip
        _check(outcome.saved and outcome.result.is_valid, section, page.id, outcome.result.errors)
        progress = progress.refreshed()
    applications.mark_section(user, progress, section, True)


def _check(ok: bool, section: Section, where: str, errors: dict) -> None:
    if not ok:
        raise ValueError(f"Demo answers refused on {section.id}/{where}: {errors}")


def fill_in(
    user: User, application: Application, lots: tuple[str, ...], sections: int | None = None
) -> Progress:
    """Answer the application's sections in task list order (the first `sections` of them, or
    all), each marked completed."""
    progress = applications.progress_of(application)
    to_do = [section for section, _status in progress.task_list if not section.is_declaration]
    for section in to_do[:sections]:
        _complete_section(user, application, section, lots)
    return applications.progress_of(application)


def submit(user: User, application: Application) -> None:
    """Sign the declaration and submit, as the check answers page does."""
    progress = applications.progress_of(application)
    _section, page = progress.declaration_page
    (question,) = page.questions
    fields = fields_for(question, (), {}, user.full_name)
    outcome = submitting.submit_application(
        user, application, _form(fields), application.lock_version
    )
    if outcome.submission is None:
        raise ValueError(
            f"Demo application not submitted: {outcome.result.errors} "
            f"{[s.id for s in outcome.incomplete]} {outcome.stale_evidence}"
        )


def apply(
    user: User, organisation: Organisation, lots: tuple[str, ...], *, sections: int | None = None
) -> Application:
    """Start an application and answer it (all of it, or its first `sections` sections)."""
    application = applications.start_application(user, organisation)
    fill_in(user, application, lots, sections)
    return application


def change_answer(
    user: User, application: Application, section_id: str, question_id: str, value: str
) -> None:
    """Change one answer after the council returned the application, as its question page
    would (the rest of the page as it was answered), and mark the section completed again."""
    progress = applications.progress_of(application)
    section = progress.section(section_id)
    page = next(
        p for p in progress.pages_in(section) if any(q.id == question_id for q in p.questions)
    )
    lots = progress.lots
    evidence = {
        kind: [version.id for version in versions]
        for kind, versions in submitting.evidence_options(application, page).items()
    }
    fields: dict[str, Any] = {}
    for question in progress.questions_to_show(section, page):
        if question.type != "group":
            fields.update(fields_for(question, lots, evidence, user.full_name))
    fields[question_id] = value
    choices = [slug for slug, _name in applications.lot_options().choices]
    outcome = applications.save_page(
        user, progress, section, page, _form(fields), progress.version_of(section), choices,
        evidence,
    )  # fmt: skip
    _check(outcome.saved and outcome.result.is_valid, section, page.id, outcome.result.errors)
    applications.mark_section(user, progress.refreshed(), section, True)
