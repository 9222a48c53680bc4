"""The framework settings: business rules the council changes in the portal, without a restart.

Each setting's default is its environment variable (portal/config.py), so a council that never
opens the settings page runs exactly as configured. A setting an admin saves is kept in
`framework_settings` and wins over the default from the next request on. Everything that
applies one of these rules reads it through `framework_settings()`, which asks the database
once per request at most.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, g
from sqlalchemy import Text, cast, func, select

from portal.accounts.models import User
from portal.audit.services import record_event
from portal.core.db import db
from portal.core.numbers import whole_number
from portal.core.time import utcnow
from portal.core.with_user import read_with_user
from portal.settings.models import FrameworkSetting

NUMBER = "number"
YES_NO = "yes_no"
TEXT = "text"
# Names with a code each, one "name: code" a line (the commissioning teams and their cost
# centres), kept as {name: code} in the order given.
NAMED_CODES = "named_codes"
NAME_MAX_LENGTH = 60
CODE_MAX_LENGTH = 20

CALL_OFF_METHOD_TEXT_MAX_LENGTH = 5000


@dataclass(frozen=True)
class Setting:
    key: str  # its name in portal/config.py and the environment; the form field is key.lower()
    label: str
    hint: str
    kind: str
    missing: str = ""  # the error when a number or a yes-or-no is left out
    minimum: int = 0
    maximum: int = 0
    unit: str = ""

    @property
    def field(self) -> str:
        return self.key.lower()


SETTINGS = (
    Setting(
        "REVIEW_SERVICE_LEVEL_DAYS",
        "Review service level",
        "Working days an application may wait for a decision before the reviewers' queue shows "
        "it as overdue.",
        NUMBER,
        "Enter the review service level in working days",
        minimum=1,
        maximum=60,
        unit="working days",
    ),
    Setting(
        "KPI_DUE_WORKING_DAYS",
        "KPI return due day",
        "A month's KPI return is due on this working day after the month ends.",
        NUMBER,
        "Enter the working day KPI returns are due",
        minimum=1,
        maximum=20,
    ),
    Setting(
        "FOUR_EYES_APPROVAL",
        "Four-eyes approval",
        "When on, an approval recommended by one reviewer takes effect only when a second "
        "reviewer confirms it.",
        YES_NO,
        "Select whether approvals need a second reviewer",
    ),
    Setting(
        "DBS_CERTIFICATE_MAX_AGE_YEARS",
        "Oldest DBS certificate",
        "A DBS certificate older than this, without the Update Service, is flagged to reviewers.",
        NUMBER,
        "Enter the oldest a DBS certificate may be, in years",
        minimum=1,
        maximum=10,
        unit="years",
    ),
    Setting(
        "SAFEGUARDING_TRAINING_MAX_AGE_YEARS",
        "Oldest safeguarding training",
        "Safeguarding training older than this is flagged as overdue.",
        NUMBER,
        "Enter the oldest safeguarding training may be, in years",
        minimum=1,
        maximum=10,
        unit="years",
    ),
    Setting(
        "CALL_OFF_METHOD_TEXT",
        "About the council's call-offs (optional)",
        "Shown to the public on the page about how the council chooses a provider, after the "
        "standard method. Leave a blank line between paragraphs.",
        TEXT,
        maximum=CALL_OFF_METHOD_TEXT_MAX_LENGTH,
    ),
    Setting(
        "COMMISSIONING_TEAMS",
        "Commissioning teams",
        "The teams that pay for call-off contracts, one a line: the team's name, a colon, then "
        "its cost centre in the finance system (like SEND: SEND01). A contract names one of "
        "them; contracts keep the team they were made for if it is taken off this list.",
        NAMED_CODES,
        "Enter at least one commissioning team, like SEND: SEND01",
        maximum=20,
    ),
    Setting(
        "OCDS_VARIATION_THRESHOLD_POUNDS",
        "Contract changes published",
        "A variation that changes a contract's value by more than this is published as open "
        "data (a contract change notice). Every termination and every new contract is.",
        NUMBER,
        "Enter the change in value above which a variation is published, in pounds",
        minimum=0,
        maximum=10_000_000,
        unit="pounds",
    ),
)
BY_KEY = {setting.key: setting for setting in SETTINGS}


@dataclass(frozen=True)
class FrameworkSettings:
    review_service_level_days: int
    kpi_due_working_days: int
    four_eyes_approval: bool
    dbs_certificate_max_age_years: int
    safeguarding_training_max_age_years: int
    call_off_method_text: str
    commissioning_teams: dict[str, str]  # name: cost centre
    ocds_variation_threshold_pounds: int

    def value(self, setting: Setting) -> Any:
        return getattr(self, setting.field)

    @property
    def call_off_method_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.call_off_method_text.split("\n\n") if p.strip()]


class SettingsErrors(Exception):
    """Values an admin can put right: {form field: message}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


_CACHE = "framework_settings"
_TABLE = FrameworkSetting.__table__
# Built once, of the table's columns rather than the entity's: read on many pages, where the
# ORM's handling of the statement and its rows cost more than the read itself.
_SAVED = select(_TABLE.c.key, _TABLE.c.value)

# The same, as one value read with the signed-in user (core.with_user), which saves a statement
# on every signed-in page that reads a setting: each saved value's JSON text after its key, the
# pairs in one string. The separators are control characters, which JSON text never holds
# unescaped and the keys (names in portal/config.py) do not hold at all. (A value is never SQL's
# NULL, which would drop its pair: the column refuses it, and None is saved as JSON's null.)
_KEY_ENDS, _PAIR_ENDS = "\x1f", "\x1e"
_SAVED_WITH_USER = select(
    func.aggregate_strings(_TABLE.c.key + _KEY_ENDS + cast(_TABLE.c.value, Text), _PAIR_ENDS)
).scalar_subquery()


def framework_settings() -> FrameworkSettings:
    """The settings in force: saved values over the environment's defaults. One query, kept for
    the rest of the request (or CLI command), so a page may ask as often as it likes; none on a
    signed-in request, which read them with the user (`_keep_read_with_user`)."""
    cached = g.get(_CACHE)
    if cached is None:
        if _READ_WITH_USER in g:
            saved = _saved_from(g.pop(_READ_WITH_USER))
        else:
            saved = {key: value for key, value in db.session.execute(_SAVED)}
        cached = _build(saved)
        setattr(g, _CACHE, cached)
    return cached


# Where a signed-in request keeps the saved values read with its user, as read: most pages never
# ask for a setting, so they are decoded only when one does.
_READ_WITH_USER = "framework_settings_read_with_user"


def _keep_read_with_user(pairs: str | None) -> None:
    setattr(g, _READ_WITH_USER, pairs)


def _saved_from(pairs: str | None) -> dict[str, Any]:
    """The saved values in the text `_SAVED_WITH_USER` reads, by key."""
    saved = {}
    for pair in pairs.split(_PAIR_ENDS) if pairs else ():
        key, _, value = pair.partition(_KEY_ENDS)
        saved[key] = json.loads(value)
    return saved


read_with_user(_SAVED_WITH_USER, _keep_read_with_user)


def _build(saved: Mapping[str, Any]) -> FrameworkSettings:
    config = current_app.config
    return FrameworkSettings(
        **{s.field: saved[s.key] if s.key in saved else config[s.key] for s in SETTINGS}
    )


def defaults() -> FrameworkSettings:
    """What each setting would be with nothing saved: the environment's values."""
    return _build({})


def form_text(setting: Setting, value: Any) -> str:
    """A setting's value as its form field holds it."""
    if setting.kind == YES_NO:
        return "yes" if value else "no"
    if setting.kind == NAMED_CODES:
        return "\n".join(f"{name}: {code}" for name, code in value.items())
    return str(value)


def shown(settings: FrameworkSettings) -> str:
    """The values a page shows, for its form to send back (see update_settings)."""
    return json.dumps({s.field: form_text(s, settings.value(s)) for s in SETTINGS})


STALE = "This page was out of date. Check the values and save again"


def update_settings(admin: User, form: Mapping[str, Any], seen: str | None) -> list[Setting]:
    """Save the settings in `form` (text as typed, by field name) and audit what changed, before
    and after. All or nothing: raises SettingsErrors naming every value that cannot be used.

    `seen` is what the page showed (`shown()`). A setting the admin left as shown keeps its
    current value, so saving a page opened before another admin's change never undoes it; one
    the admin changed that someone else changed too is refused, saying what it now is. Returns
    the settings that changed (none when the same values are sent again)."""
    current = framework_settings()
    try:
        before = json.loads(seen or "")
        before = {s.field: _read(s, before[s.field]) for s in SETTINGS}
    except (ValueError, TypeError, KeyError):
        raise SettingsErrors({"": STALE}) from None
    values, errors = {}, {}
    for setting in SETTINGS:
        try:
            value = _read(setting, form.get(setting.field))
        except ValueError as error:
            errors[setting.field] = str(error)
            continue
        now = current.value(setting)
        if value == before[setting.field]:
            value = now
        elif now != before[setting.field]:
            errors[setting.field] = (
                "Another administrator changed this to "
                f"{_described(setting, now)} after you opened this page. "
                "Check it and save again"
            )
        values[setting.key] = value
    if errors:
        raise SettingsErrors(errors)
    changed = [s for s in SETTINGS if values[s.key] != current.value(s)]
    if not changed:
        return []
    rows = {
        row.key: row
        for row in db.session.scalars(
            select(FrameworkSetting).where(FrameworkSetting.key.in_([s.key for s in changed]))
        )
    }
    for setting in changed:
        row = rows.get(setting.key) or FrameworkSetting(key=setting.key)
        row.value = values[setting.key]
        row.updated_at = utcnow()
        row.updated_by_id = admin.id
        db.session.add(row)
    record_event(
        "settings.changed",
        object_type="framework_settings",
        object_id=None,
        actor_id=admin.id,
        before={s.key: current.value(s) for s in changed},
        after={s.key: values[s.key] for s in changed},
    )
    db.session.flush()
    setattr(g, _CACHE, FrameworkSettings(**{s.field: values[s.key] for s in SETTINGS}))
    return changed


def _described(setting: Setting, value: Any) -> str:
    if setting.kind == YES_NO:
        return "on" if value else "off"
    if setting.kind == TEXT:
        return "new text" if value else "no text"
    if setting.kind == NAMED_CODES:
        return ", ".join(value)
    return f"{value} {setting.unit}".rstrip()


def _read(setting: Setting, raw: Any) -> Any:
    """The value an admin typed, or ValueError with the message to show them."""
    text = raw.strip() if isinstance(raw, str) else ""
    if setting.kind == TEXT:
        # Line endings as browsers send them, so that a resubmission compares equal.
        text = text.replace("\r\n", "\n")
        if len(text) > setting.maximum:
            what = setting.label.removesuffix(" (optional)")
            raise ValueError(f"{what} must be {setting.maximum:,} characters or fewer")
        return text
    if not text:
        raise ValueError(setting.missing)
    if setting.kind == NAMED_CODES:
        return _named_codes(setting, text.replace("\r\n", "\n"))
    if setting.kind == YES_NO:
        if text not in ("yes", "no"):
            raise ValueError(setting.missing)
        return text == "yes"
    number = whole_number(text)
    if number is None:
        raise ValueError(f"{setting.label} must be a whole number")
    if not setting.minimum <= number <= setting.maximum:
        raise ValueError(
            f"{setting.label} must be between {setting.minimum} and {setting.maximum} "
            f"{setting.unit}".rstrip()
        )
    return number


def _named_codes(setting: Setting, text: str) -> dict[str, str]:
    """ "name: code" lines as {name: code}, or ValueError saying which line is wrong."""
    found: dict[str, str] = {}
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for number, line in enumerate(lines, 1):
        name, colon, code = (part.strip() for part in line.rpartition(":"))
        if not colon or not name or not code:
            raise ValueError(
                f"Line {number} of {setting.label.lower()} must be a name, a colon, then a code"
            )
        if len(name) > NAME_MAX_LENGTH or len(code) > CODE_MAX_LENGTH:
            raise ValueError(
                f"Line {number} of {setting.label.lower()}: a name must be {NAME_MAX_LENGTH} "
                f"characters or fewer and a code {CODE_MAX_LENGTH} or fewer"
            )
        if name.casefold() in {each.casefold() for each in found}:
            raise ValueError(f"{setting.label} must not name ‘{name}’ twice")
        found[name] = code
    if len(found) > setting.maximum:
        raise ValueError(f"{setting.label} must be {setting.maximum} or fewer")
    return found
