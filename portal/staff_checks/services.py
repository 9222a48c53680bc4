"""The rules for the DBS staff register: what a record must say, how certificate numbers are
kept (encrypted, shown masked), the flags a reviewer sees, certificate copies, and CSV import
and export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Date,
    ScalarSelect,
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from portal.accounts.models import User
from portal.audit.services import changes, fields_of, record_change
from portal.core.csv_export import Cell, csv_text
from portal.core.db import db
from portal.core.errors import FileRefused, ServiceError, found
from portal.core.pagination import Page
from portal.core.time import today
from portal.documents import files, uploads
from portal.documents.models import PURPOSE_DBS_CERTIFICATE
from portal.organisations.models import Organisation
from portal.organisations.services import organisations_page
from portal.settings.services import framework_settings
from portal.staff_checks.models import (
    CHECK_LEVEL_ANSWERS,
    CHECK_LEVELS,
    ENHANCED_BARRED,
    NEW_INFORMATION,
    TRAINING_LEVELS,
    StaffCheck,
)

# What a record holds, as the form and the CSV hand it over. `certificate_number` is the plain
# number, or None to keep the one stored.
FIELDS = (
    "full_name",
    "job_role",
    "regulated_activity",
    "check_level",
    "certificate_number",
    "issue_date",
    "update_service",
    "status_checked_on",
    "status_check_result",
    "right_to_work_checked",
    "training_level",
    "training_date",
    "references_received",
)
_STORED = tuple(name for name in FIELDS if name != "certificate_number")
MAX_IMPORT_ROWS = 1000
_CERTIFICATE_NUMBER = re.compile(r"\d{12}")


class StaffCheckInvalid(ServiceError):
    """What is wrong with a record: {field: message}, in the order of the form."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors=errors)


# Certificate numbers ---------------------------------------------------------------------------


def _fernet() -> MultiFernet:
    # The first key encrypts; every key decrypts, so keys can be rotated.
    return MultiFernet([Fernet(key) for key in current_app.config["STAFF_CHECK_ENCRYPTION_KEY"]])


def tidy_certificate_number(raw: str | None) -> str | None:
    return re.sub(r"[\s-]", "", raw) if raw else None


def decrypt_certificate_number(check: StaffCheck) -> str | None:
    if check.certificate_number_encrypted is None:
        return None
    return _fernet().decrypt(check.certificate_number_encrypted.encode()).decode()


def reveal_certificate_number(user: User, check: StaffCheck) -> str | None:
    """The whole number, for a reviewer to check on the DBS Update Service. Every look is
    audited: pages show only the last 4 digits."""
    record_change("staff_check.certificate_number_viewed", check, user, check.organisation_id)
    return decrypt_certificate_number(check)


def _set_certificate_number(check: StaffCheck, number: str) -> None:
    check.certificate_number_encrypted = _fernet().encrypt(number.encode()).decode()
    check.certificate_number_last4 = number[-4:]


# Rules ---------------------------------------------------------------------------------------


def check_rules(details: dict, *, on: date, has_number: bool = False) -> dict[str, str]:
    """What is wrong with `details` ({} when nothing): the register's rules, as messages.

    `has_number` says a number is already stored, so leaving it blank keeps it.
    """
    errors: dict[str, str] = {}
    level = details.get("check_level")
    number = details.get("certificate_number")
    issued = details.get("issue_date")
    if details.get("regulated_activity") and level != ENHANCED_BARRED:
        errors["check_level"] = (
            "A person in regulated activity with children needs an enhanced check with the "
            "children's barred list"
        )
    if number and not _CERTIFICATE_NUMBER.fullmatch(number):
        errors["certificate_number"] = "Certificate number must be 12 digits, like 001234567890"
    elif level and not number and not has_number:
        errors["certificate_number"] = "Enter the certificate number"
    if issued and issued > on:
        errors["issue_date"] = "Date issued must be today or in the past"
    elif level and not issued:
        errors["issue_date"] = "Enter the date the certificate was issued"
    if details.get("update_service"):
        checked_on = details.get("status_checked_on")
        if checked_on and checked_on > on:
            errors["status_checked_on"] = (
                "Date of the last status check must be today or in the past"
            )
        elif checked_on and issued and checked_on <= issued:
            errors["status_checked_on"] = (
                "Date of the last status check must be after the date the certificate was issued"
            )
        if checked_on and not details.get("status_check_result"):
            errors["status_check_result"] = "Select the result of the last status check"
        elif details.get("status_check_result") and not checked_on:
            errors["status_checked_on"] = "Enter the date of the last status check"
    trained_on = details.get("training_date")
    if trained_on and trained_on > on:
        errors["training_date"] = "Date of training must be today or in the past"
    elif details.get("training_level") and not trained_on:
        errors["training_date"] = "Enter the date of their safeguarding training"
    return errors


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def flags(check: StaffCheck, on: date) -> list[str]:
    """What a reviewer should look at, worked out today: missing checks, old certificates
    without the Update Service, new information, training overdue."""
    settings = framework_settings()
    found = []
    if not check.check_level:
        found.append("No DBS check recorded")
    elif check.regulated_activity and check.check_level != ENHANCED_BARRED:
        found.append("Needs an enhanced check with barred list")
    old = _years_before(on, settings.dbs_certificate_max_age_years)
    if check.issue_date and check.issue_date < old and not check.update_service:
        years = settings.dbs_certificate_max_age_years
        found.append(f"Certificate over {years} years old, not on the Update Service")
    if check.update_service and check.status_check_result == NEW_INFORMATION:
        found.append("Status check found new information")
    if not check.right_to_work_checked:
        found.append("Right to work not checked")
    if not check.references_received:
        found.append("References not received")
    training_due = _years_before(on, settings.safeguarding_training_max_age_years)
    if not check.training_date or check.training_date < training_due:
        found.append("Safeguarding training overdue")
    return found


def flagged(on: date | None):
    """`flags(check, on)` is not empty, as SQL over StaffCheck: for lists that filter by it.
    Any of the flags' conditions (_flag_sql, kept in step with flags()). With `on` None, the
    dates are bound parameters (flag_dates), for statements built once."""
    return or_(*_flag_sql(on))


def register_counts(organisation_ids: list[int], on: date) -> dict[int, tuple[int, int]]:
    """How many people each organisation has on its DBS register and how many of them are
    flagged on `on` (flags() not empty), by id: one query, counted by the database."""
    counts = dict.fromkeys(organisation_ids, (0, 0))
    if organisation_ids:
        for organisation_id, people, flagged_people in db.session.execute(
            select(
                StaffCheck.organisation_id,
                func.count(),
                func.sum(case((flagged(on), 1), else_=0)),
            )
            .where(StaffCheck.organisation_id.in_(organisation_ids))
            .group_by(StaffCheck.organisation_id)
        ):
            counts[organisation_id] = (people, flagged_people)
    return counts


def register_size(organisation_id: ColumnElement[int]) -> ScalarSelect[int]:
    """How many people the organisation whose id is `organisation_id` has on its DBS register,
    as a column of a query of organisations (register_counts within a list's own query)."""
    return (
        select(func.count())
        .select_from(StaffCheck)
        .where(StaffCheck.organisation_id == organisation_id)
        .scalar_subquery()
    )


def flagged_count(organisation_id: ColumnElement[int], on: date | None) -> ScalarSelect[int]:
    """How many of them are flagged on `on` (None: the dates bound, as in flagged), likewise."""
    return (
        select(func.count())
        .select_from(StaffCheck)
        .where(StaffCheck.organisation_id == organisation_id, flagged(on))
        .scalar_subquery()
    )


def first_flagged(organisation_id: ColumnElement[int]) -> list[ScalarSelect[int]]:
    """For one provider's page, as columns of a query of organisations built once (the dates
    bound: flag_dates): for each flag flags() can raise, in its order, the id of the first
    person on the register it is raised for (NULL where nobody's), so flags_in_words can list
    each flag once, as reading the whole register in id order and collecting flags() would. The
    conditions are flags()'s; keep them in step (tests/staff_checks/test_flagged_in_sql.py
    compares the two)."""
    return [
        select(func.min(StaffCheck.id))
        .where(StaffCheck.organisation_id == organisation_id, condition)
        .scalar_subquery()
        for condition in _flag_sql(None)
    ]


def flags_in_words(first: list[int | None]) -> list[str]:
    """Each different flag once, in the order reading the register by id meets them, from the
    columns first_flagged made (in its order)."""
    found = [
        (person, position, label)
        for position, (label, person) in enumerate(zip(_flag_labels(), first, strict=True))
        if person is not None
    ]
    return [label for _, _, label in sorted(found)]


# The dates the flags are worked out from, as bound parameters of statements built once (with
# `on` None below); flag_dates gives their values on a day.
_CERTIFICATES_BEFORE = bindparam("dbs_certificates_before", type_=Date)
_TRAINING_BEFORE = bindparam("dbs_training_before", type_=Date)


def flag_dates(on: date) -> dict[str, date]:
    """The parameters of a statement built with the flags' dates bound, for `on`: certificates
    issued before the first are old, training before the second overdue."""
    settings = framework_settings()
    return {
        _CERTIFICATES_BEFORE.key: _years_before(on, settings.dbs_certificate_max_age_years),
        _TRAINING_BEFORE.key: _years_before(on, settings.safeguarding_training_max_age_years),
    }


def _flag_labels() -> list[str]:
    """What each flag flags() raises says, in flags()'s order."""
    years = framework_settings().dbs_certificate_max_age_years
    return [
        "No DBS check recorded",
        "Needs an enhanced check with barred list",
        f"Certificate over {years} years old, not on the Update Service",
        "Status check found new information",
        "Right to work not checked",
        "References not received",
        "Safeguarding training overdue",
    ]


def _flag_sql(on: date | None) -> list[ColumnElement[bool]]:
    """Each flag's condition as SQL over StaffCheck, in flags()'s (and _flag_labels') order: on
    `on`, or with the dates bound (flag_dates) when it is None."""
    old: date | ColumnElement[date]
    training_due: date | ColumnElement[date]
    if on is None:
        old, training_due = _CERTIFICATES_BEFORE, _TRAINING_BEFORE
    else:
        dates = flag_dates(on)
        old, training_due = dates[_CERTIFICATES_BEFORE.key], dates[_TRAINING_BEFORE.key]
    return [
        StaffCheck.check_level.is_(None),
        and_(
            StaffCheck.check_level.is_not(None),
            StaffCheck.regulated_activity,
            StaffCheck.check_level != ENHANCED_BARRED,
        ),
        and_(StaffCheck.issue_date < old, ~StaffCheck.update_service),
        and_(StaffCheck.update_service, StaffCheck.status_check_result == NEW_INFORMATION),
        ~StaffCheck.right_to_work_checked,
        ~StaffCheck.references_received,
        or_(StaffCheck.training_date.is_(None), StaffCheck.training_date < training_due),
    ]


# Reading -------------------------------------------------------------------------------------

# Who the organisation has already named as working with children, as register details: its
# application's list of people (portal/__init__.py connects it). Connected rather than imported,
# because the application journey reads the register and the register must not read it back.
_sources: list[Callable[[Organisation], list[dict]]] = []


def read_people_named_from(source: Callable[[Organisation], list[dict]]) -> None:
    if source not in _sources:
        _sources.append(source)


def _people_named(organisation: Organisation) -> list[dict]:
    return [person for source in _sources for person in source(organisation)]


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def people_to_add(organisation: Organisation) -> list[dict]:
    """The people the organisation has named elsewhere who are not on its register yet (by
    name), each as the details the register's add form starts with: asked once."""
    on_register = {_same_name(check.full_name) for check in checks_of(organisation)}
    people: list[dict] = []
    seen: set[str] = set()
    for person in _people_named(organisation):
        name = _same_name(person.get("full_name") or "")
        if not name or name in on_register or name in seen:
            continue
        seen.add(name)
        answered = person.get("check_level") or ""
        level = CHECK_LEVEL_ANSWERS.get(answered, answered)
        people.append(
            person
            | {
                "full_name": " ".join(person["full_name"].split()),
                "check_level": level if level in CHECK_LEVELS else None,
            }
        )
    return people


def person_to_add(organisation: Organisation, name: str) -> dict:
    """The details of the person of that name among `people_to_add` ({} if none is)."""
    return next(
        (p for p in people_to_add(organisation) if _same_name(p["full_name"]) == _same_name(name)),
        {},
    )


def checks_of(organisation: Organisation) -> list[StaffCheck]:
    return list(
        db.session.scalars(
            select(StaffCheck)
            .where(StaffCheck.organisation_id == organisation.id)
            .options(selectinload(StaffCheck.certificate_copy))
            .order_by(StaffCheck.full_name, StaffCheck.id)
        )
    )


def get_check(organisation: Organisation, staff_check_id: int) -> StaffCheck:
    """One person on the organisation's register. Raises NotFoundForUser (404) for anyone
    else's."""
    check = found(
        db.session.scalar(
            select(StaffCheck).where(
                StaffCheck.id == staff_check_id, StaffCheck.organisation_id == organisation.id
            )
        )
    )
    return check


@dataclass(frozen=True)
class RegisterSummary:
    organisation: Organisation
    people: int
    flagged: int


def registers(on: date, number: int = 1) -> Page:
    """A page of RegisterSummary: every organisation with a register, by name, with how many
    people are on it and how many are flagged; where a reviewer starts. Three queries, however
    many there are."""
    page = organisations_page(exists().where(StaffCheck.organisation_id == Organisation.id), number)
    organisations = page.items
    # Flags depend on today and the council's settings, so they are worked out here, for the
    # people of this page's organisations only.
    by_organisation: dict[int, list[StaffCheck]] = {
        organisation.id: [] for organisation in organisations
    }
    for check in db.session.scalars(
        select(StaffCheck).where(StaffCheck.organisation_id.in_(by_organisation))
    ):
        by_organisation[check.organisation_id].append(check)
    summaries = [
        RegisterSummary(
            organisation,
            len(by_organisation[organisation.id]),
            sum(1 for check in by_organisation[organisation.id] if flags(check, on)),
        )
        for organisation in organisations
    ]
    return Page(summaries, page.number, page.total)


# Changing ------------------------------------------------------------------------------------


def _snapshot(check: StaffCheck) -> dict:
    # Never the certificate number itself: only whether it changed, through its last digits.
    snapshot = {
        name: value for name, value in fields_of(check, _STORED).items() if value is not None
    }
    snapshot["certificate_number_last4"] = check.certificate_number_last4
    return snapshot


def _apply(check: StaffCheck, details: dict) -> None:
    for name in _STORED:
        setattr(check, name, details.get(name))
    if not check.update_service:
        check.status_checked_on = check.status_check_result = None
    if details.get("certificate_number"):
        _set_certificate_number(check, details["certificate_number"])
    elif not check.check_level:
        check.certificate_number_encrypted = check.certificate_number_last4 = None


def add_check(user: User, organisation: Organisation, details: dict) -> StaffCheck:
    """Add a person to the register. Raises StaffCheckInvalid."""
    errors = check_rules(details, on=today())
    if errors:
        raise StaffCheckInvalid(errors)
    check = StaffCheck(organisation_id=organisation.id, created_by_id=user.id)
    _apply(check, details)
    db.session.add(check)
    db.session.flush()
    record_change("staff_check.added", check, user, organisation.id, after=_snapshot(check))
    return check


def update_check(user: User, check: StaffCheck, details: dict) -> None:
    """Save changes to a person's record. Raises StaffCheckInvalid."""
    errors = check_rules(details, on=today(), has_number=check.certificate_number_last4 is not None)
    if errors:
        raise StaffCheckInvalid(errors)
    before = _snapshot(check)
    _apply(check, details)
    before, after = changes(before, _snapshot(check))
    if after:
        record_change(
            "staff_check.updated", check, user, check.organisation_id, before=before, after=after
        )


def delete_check(user: User, check: StaffCheck) -> None:
    """Take a person off the register, with their certificate copy."""
    record_change(
        "staff_check.deleted", check, user, check.organisation_id, before=_snapshot(check)
    )
    copy = check.certificate_copy
    db.session.delete(check)
    db.session.flush()
    if copy is not None:
        files.delete_file(copy)


def upload_certificate_copy(user: User, check: StaffCheck, storage: FileStorage | None) -> None:
    """Keep a copy of the person's DBS certificate, for six months (DBS code of practice).
    A new copy replaces the last. Raises uploads.UploadRefused or files.StoreUnavailable,
    having saved nothing."""
    checked = uploads.check_upload(storage, uploads.DOCUMENT_TYPES)
    stored = files.store_file(
        user, check.organisation_id, checked, purpose=PURPOSE_DBS_CERTIFICATE, dbs_copy=True
    )
    assert stored.delete_after is not None  # store_file sets it for every certificate copy
    earlier = check.certificate_copy
    check.certificate_copy = stored
    db.session.flush()
    if earlier is not None:
        files.delete_file(earlier)
    record_change(
        "staff_check.certificate_copy_uploaded",
        check,
        user,
        check.organisation_id,
        after={
            "file_id": stored.id,
            "filename": stored.original_filename,
            "sha256": stored.sha256,
            "delete_after": stored.delete_after.isoformat(),
        },
    )


# CSV -----------------------------------------------------------------------------------------

# (field, column heading) in the order of the template.
COLUMNS = (
    ("full_name", "Full name"),
    ("job_role", "Role"),
    ("regulated_activity", "Regulated activity"),
    ("check_level", "Check level"),
    ("certificate_number", "Certificate number"),
    ("issue_date", "Issue date"),
    ("update_service", "Update Service"),
    ("status_checked_on", "Last status check"),
    ("status_check_result", "Status check result"),
    ("right_to_work_checked", "Right to work checked"),
    ("training_level", "Training level"),
    ("training_date", "Training date"),
    ("references_received", "References received"),
)
HEADINGS = {heading.lower(): field for field, heading in COLUMNS}
CSV_CHECK_LEVELS = {
    "basic": "basic",
    "standard": "standard",
    "enhanced": "enhanced",
    "enhanced with barred list": ENHANCED_BARRED,
}
CSV_STATUS_RESULTS = {"no new information": "no_change", "new information": NEW_INFORMATION}
_LABEL_OF_LEVEL = {value: label for label, value in CSV_CHECK_LEVELS.items()}
_LABEL_OF_RESULT = {value: label for label, value in CSV_STATUS_RESULTS.items()}
_YES_NO = {"yes": True, "y": True, "no": False, "n": False}


class ImportRefused(FileRefused):
    """The file cannot be imported: `problems` lists (line number or None, message)."""

    nothing_done = "Nothing has been imported"


def template_csv() -> str:
    return csv_text([[heading for _field, heading in COLUMNS]])


def export_rows(organisation: Organisation) -> list[list[Cell]]:
    """The register in the template's columns, for the CSV and XLSX exports (the CSV can be
    imported again); certificate numbers masked, dates as dates."""

    def cell(check: StaffCheck, field: str) -> Cell:
        value = getattr(check, field, None)
        if field == "certificate_number":
            return check.masked_certificate_number
        if field == "check_level":
            return _LABEL_OF_LEVEL.get(value or "", "")
        if field == "status_check_result":
            return _LABEL_OF_RESULT.get(value or "", "")
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, date):
            return value
        return value or ""

    rows: list[list[Cell]] = [[heading for _field, heading in COLUMNS]]
    rows += [
        [cell(check, field) for field, _heading in COLUMNS] for check in checks_of(organisation)
    ]
    return rows


def _parse_date(text: str, what: str) -> date | None:
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{what} must be a real date, like 27/03/2024")


def _parse_choice(text: str, options: dict, what: str, allowed: str, *, required: bool = False):
    if not text and not required:
        return None
    try:
        return options[text.lower()]
    except KeyError:
        raise ValueError(f"{what} must be {allowed}") from None


def _yes_no(what: str):
    return lambda text: _parse_choice(text, _YES_NO, what, "yes or no", required=True)


_READERS = {
    "regulated_activity": _yes_no("Regulated activity"),
    "update_service": _yes_no("Update Service"),
    "right_to_work_checked": _yes_no("Right to work checked"),
    "references_received": _yes_no("References received"),
    "check_level": lambda text: _parse_choice(
        text,
        CSV_CHECK_LEVELS,
        "Check level",
        "basic, standard, enhanced or enhanced with barred list",
    ),
    "status_check_result": lambda text: _parse_choice(
        text, CSV_STATUS_RESULTS, "Status check result", "no new information or new information"
    ),
    "training_level": lambda text: _parse_choice(
        text, {level: level for level in TRAINING_LEVELS}, "Training level", "1, 2 or 3"
    ),
    "issue_date": lambda text: _parse_date(text, "Issue date"),
    "status_checked_on": lambda text: _parse_date(text, "Last status check"),
    "training_date": lambda text: _parse_date(text, "Training date"),
    "certificate_number": tidy_certificate_number,
}
_TEXT_FIELDS = (
    ("full_name", "Full name", "the person's full name"),
    ("job_role", "Role", "the person's role"),
)


def _parse_row(row: dict[str, Any]) -> tuple[dict, list[str]]:
    """A CSV row as the service's details, and what could not be read from it."""
    details: dict = {}
    problems: list[str] = []
    for field, _heading in COLUMNS:
        text = (row.get(field) or "").strip()
        try:
            details[field] = _READERS[field](text) if field in _READERS else text
        except ValueError as error:
            problems.append(str(error))
    for field, heading, what in _TEXT_FIELDS:
        if not details[field]:
            problems.append(f"Enter {what}")
        elif len(details[field]) > 200:
            problems.append(f"{heading} must be 200 characters or fewer")
    return details, problems


def _read_csv(storage: FileStorage | None) -> list[dict[str, Any]]:  # "_line": an int
    text = uploads.csv_text(storage, ImportRefused)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error:
        raise ImportRefused(
            [(None, "The selected file is not a CSV file that can be read")]
        ) from None
    if not rows:
        raise ImportRefused([(None, "The selected file is empty")])
    header = [HEADINGS.get(cell.strip().lower()) for cell in rows[0]]
    missing = [heading for field, heading in COLUMNS if field not in header]
    if missing:
        headings = ", ".join(missing)
        raise ImportRefused([(1, f"Line 1 must have the template's headings. Missing: {headings}")])
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    if len(body) > MAX_IMPORT_ROWS:
        raise ImportRefused([(None, f"The file must have {MAX_IMPORT_ROWS} people or fewer")])
    return [
        {
            "_line": number,
            **{field: cell for field, cell in zip(header, row, strict=False) if field},
        }
        for number, row in enumerate(rows[1:], start=2)
        if any(cell.strip() for cell in row)
    ]


def import_csv(user: User, organisation: Organisation, storage: FileStorage | None) -> int:
    """Add everyone in a CSV file (the template's columns) to the register: all of them, or,
    when any line is wrong, none. Raises ImportRefused listing every problem by line number,
    or uploads.UploadRefused for a file that is not a CSV. Returns how many were added."""
    rows = _read_csv(storage)
    if not rows:
        raise ImportRefused([(None, "The selected file has no people in it")])
    problems: list[tuple[int | None, str]] = []
    parsed = []
    on = today()
    for row in rows:
        details, row_problems = _parse_row(row)
        if not row_problems:
            row_problems = list(check_rules(details, on=on).values())
        problems += [(row["_line"], problem) for problem in row_problems]
        parsed.append(details)
    if problems:
        raise ImportRefused(problems)
    for details in parsed:
        add_check(user, organisation, details)
    record_change(
        "staff_check.imported",
        organisation,
        user,
        organisation.id,
        after={"people": len(parsed)},
        object_type="organisation",
    )
    return len(parsed)
