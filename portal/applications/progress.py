"""Where an application stands: its answers, the route through its questionnaire, and the
task list's statuses, worked out by the questionnaire engine from what is saved."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from werkzeug.exceptions import NotFound

from portal.applications.models import Application, ApplicationSection
from portal.documents import services as documents
from portal.questionnaires import answers as engine_answers
from portal.questionnaires import routing
from portal.questionnaires.schema import SINGLE_CHOICE_TYPES, Content, Page, Question, Section

STATUS_LABELS = {
    routing.NOT_STARTED: "Not yet started",
    routing.IN_PROGRESS: "In progress",
    routing.COMPLETED: "Completed",
    routing.CANNOT_START: "Cannot start yet",
}


class NotOnRoute(Exception):
    """A page (or section) the applicant's answers and lots rule out, or the declaration's,
    which has a page of its own: not to be reached by its URL."""


@dataclass
class Progress:
    """An application's answers and where it stands: the task list's statuses and the route
    through the questionnaire. Made by `progress_of`; a save updates `rows` and makes a new
    one (`refreshed`)."""

    application: Application
    content: Content
    rows: dict[str, ApplicationSection]

    def refreshed(self) -> Progress:
        return Progress(self.application, self.content, self.rows)

    @cached_property
    def answers(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for row in self.rows.values():
            merged.update(row.answers)
        return merged

    @cached_property
    def lots(self) -> tuple[str, ...]:
        return routing.chosen_lots(self.content, self.answers)

    @cached_property
    def route(self) -> routing.Route:
        """The route through the questionnaire for these answers: walked once, asked often."""
        return routing.Route(self.content, self.answers, self.lots)

    def version_of(self, section: Section) -> int:
        """The section's version as a page opens it: 0 before anything is saved in it."""
        row = self.rows.get(section.id)
        return row.version if row else 0

    # The task list ---------------------------------------------------------------------------

    @cached_property
    def task_list(self) -> list[tuple[Section, str]]:
        """The sections to list, each with the status the provider sees: the engine's, except
        that a section is Completed only once they say so, and the declaration can start only
        when every other section is Completed."""
        listed = []
        for section, status in self.route.task_list():
            if section.is_declaration:
                continue
            if status == routing.COMPLETED and not self._marked_complete(section):
                status = routing.IN_PROGRESS
            listed.append((section, status))
        for section in self.content.sections:
            if section.is_declaration:
                listed.append((section, self._declaration_status(listed)))
        return listed

    def _marked_complete(self, section: Section) -> bool:
        row = self.rows.get(section.id)
        return (row is not None and row.completed) or not self.asked(section)

    def _declaration_status(self, others: list[tuple[Section, str]]) -> str:
        if not self.application.is_editable:
            return routing.COMPLETED
        if all(status == routing.COMPLETED for _, status in others):
            return routing.NOT_STARTED
        return routing.CANNOT_START

    def status_of(self, section: Section) -> str:
        return next((s for listed, s in self.task_list if listed.id == section.id), "")

    @property
    def counted(self) -> list[tuple[Section, str]]:
        """The task list's sections that count towards "3 of 8": a section for some lots is
        listed before the lots are chosen, so the provider sees it is coming, but counting it
        then would promise sections that may never apply ("0 of 20", then "of 15")."""
        return [(s, status) for s, status in self.task_list if not (s.lots and not self.lots)]

    @property
    def lots_to_come(self) -> bool:
        """Whether sections will be added once the lots are chosen."""
        return not self.lots and any(s.lots for s in self.content.sections)

    @property
    def completed_count(self) -> int:
        return sum(status == routing.COMPLETED for _, status in self.counted)

    @property
    def incomplete_sections(self) -> list[Section]:
        """The sections (other than the declaration) that must be completed before submitting."""
        return [
            section
            for section, status in self.task_list
            if not section.is_declaration and status != routing.COMPLETED
        ]

    @property
    def declaration_page(self) -> tuple[Section, Page]:
        section = next(s for s in self.content.sections if s.is_declaration)
        return section, section.pages[0]

    # The route -------------------------------------------------------------------------------

    def section(self, section_id: str) -> Section:
        """Raises NotFound for a section the questionnaire does not have."""
        section = self.content.section(section_id)
        if section is None:
            raise NotFound()
        return section

    def page(self, section_id: str, page_id: str) -> tuple[Section, Page]:
        """Raises NotFound for a page the questionnaire does not have."""
        found = self.content.page(section_id, page_id)
        if found is None:
            raise NotFound()
        return found

    def page_on_route(self, section_id: str, page_id: str) -> tuple[Section, Page]:
        """Raises NotFound for a page the questionnaire does not have, NotOnRoute for one that
        does not apply (its lots are not chosen, or an earlier answer rules it out) and for the
        declaration's."""
        section, page = self.page(section_id, page_id)
        if section.is_declaration or not self.route.is_on_route(section, page):
            raise NotOnRoute()
        return section, page

    def group_on_route(
        self, section_id: str, page_id: str, group_id: str, number: int | None
    ) -> tuple[Section, Page, Question]:
        """The page and its repeating group `group_id`. Raises NotFound for a question that is
        not a group of the page, or an item `number` (from 1) the group does not have."""
        section, page = self.page_on_route(section_id, page_id)
        group = next((q for q in page.questions if q.id == group_id), None)
        if group is None or group.type != "group":
            raise NotFound()
        if number is not None and not self.item_exists(group, number):
            raise NotFound()
        return section, page, group

    def item_exists(self, group: Question, number: int) -> bool:
        return 1 <= number <= len(self.answers.get(group.id) or [])

    def section_on_task_list(self, section_id: str) -> Section:
        """Raises NotFound for a section the questionnaire does not have, NotOnRoute for the
        declaration and a section that cannot be started."""
        section = self.section(section_id)
        if section.is_declaration or self.status_of(section) in ("", routing.CANNOT_START):
            raise NotOnRoute()
        return section

    def declaration_values(self) -> dict[str, Any]:
        """The declaration's inputs: the name and role given last time, never the agreement,
        which each submission asks for afresh."""
        section, page = self.declaration_page
        values = engine_answers.form_values(page.questions, self.answers)
        return {key: {**value, "agreed": None} for key, value in values.items()}

    def questions_to_show(self, section: Section, page: Page) -> list[Question]:
        return self.route.questions_to_show(section, page)

    def asked(self, section: Section) -> list[Question]:
        """The questions of the section that apply, in order."""
        return self.route.questions(section)

    def summary(self, section: Section) -> list[tuple[Page, Question, Any]]:
        """What check your answers lists: each question that applies, its page and answer."""
        page_of = {q.id: page for page in section.pages for q in page.questions}
        asked = self.asked(section)
        return [(page_of[q.id], q, self._shown_answer(q)) for q in asked]

    @cached_property
    def documents(self) -> dict[int, dict]:
        """The details of the document versions chosen as evidence, by version id."""
        ids = [
            self.answers[q.id]
            for q in self.content.questions
            if q.type == "evidence" and self.answers.get(q.id)
        ]
        return documents.describe_versions(self.application.organisation_id, ids) if ids else {}

    def _shown_answer(self, question: Question) -> Any:
        answer = self.answers.get(question.id)
        if question.type == "evidence" and answer is not None:
            return self.documents.get(answer)
        return answer

    def pages_in(self, section: Section) -> list[Page]:
        """The section's pages on the route, in order."""
        return [page for s, page in self.route.path if s.id == section.id]

    def first_page(self, section: Section) -> Page | None:
        pages = self.pages_in(section)
        return pages[0] if pages else None

    def unfinished_page(self, section: Section, after: Page | None = None) -> Page | None:
        """The first page of the section on the route (after `after`, when given) with a
        question not yet seen or a required one not answered: where to carry on from."""
        asked = {q.id: q for q in self.asked(section)}
        pages = self.pages_in(section)
        if after is not None:
            ids = [p.id for p in section.pages]
            pages = [p for p in pages if ids.index(p.id) > ids.index(after.id)]
        for page in pages:
            for question in page.questions:
                if question.id in asked and not self._is_done(question):
                    return page
        return None

    def _is_done(self, question: Question) -> bool:
        if question.id not in self.answers:
            return False
        return not question.required or routing.is_answered(question, self.answers[question.id])

    def next_page(self, section: Section, page: Page) -> Page | None:
        """The next page of the same section on the route, or None at the section's end."""
        following = self.route.next_page(section, page)
        return following[1] if following and following[0].id == section.id else None

    def previous_page(self, section: Section, page: Page) -> Page | None:
        preceding = self.route.previous_page(section, page)
        return preceding[1] if preceding and preceding[0].id == section.id else None

    # Showing a page --------------------------------------------------------------------------

    def form_values(self, questions: list[Question]) -> dict[str, Any]:
        """The stored answers as the page's inputs hold them; a question never answered shows
        what the organisation's record says, when it has a `prefill`."""
        return engine_answers.form_values(questions, {**self._prefilled(questions), **self.answers})

    def _prefilled(self, questions: list[Question]) -> dict[str, Any]:
        organisation = self.application.organisation
        values = {}
        for question in questions:
            prefill = question.prefill or ""
            if question.id in self.answers or not prefill.startswith("organisation."):
                continue
            value = getattr(organisation, prefill.removeprefix("organisation."))
            if isinstance(value, bool):
                value = "yes" if value else "no"
            if value is None or (
                question.type in SINGLE_CHOICE_TYPES and value not in question.option_values
            ):
                continue
            values[question.id] = value
        return values
