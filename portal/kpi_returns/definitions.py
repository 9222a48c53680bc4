"""KPI definitions: the KPIs the council asks for, versioned by the month a change applies
from. A change never reaches back: it applies from the current month or a later one, and every
return keeps the definitions in force for its own month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.audit.services import record_change
from portal.core.db import db
from portal.core.errors import ServiceError, found
from portal.kpi_returns import months
from portal.kpi_returns.models import (
    COUNT,
    PERCENTAGE,
    UNITS,
    YES_NO,
    Kpi,
    KpiValue,
    KpiVersion,
)
from portal.lots.models import Lot
from portal.lots.services import slugify

# Seeded from a month before any admission, so every return has its KPIs.
STARTING_FROM = date(2020, 1, 1)


@dataclass(frozen=True)
class Starting:
    code: str
    name: str
    description: str
    unit: str
    higher_is_better: bool = True
    target: float | None = None
    thresholds: tuple[float, float, float] | None = None  # good, approaching, requires improvement
    is_required: bool = True


# Sensible KPIs for alternative provision and tutoring: totals for the month, never a child.
STARTING_KPIS = (
    Starting(
        "attendance-rate",
        "Attendance rate",
        "Sessions attended as a percentage of sessions offered to the children you worked with.",
        PERCENTAGE,
        target=90,
        thresholds=(90, 85, 80),
    ),
    Starting(
        "sessions-delivered",
        "Sessions delivered against sessions commissioned",
        "Sessions you delivered as a percentage of the sessions the council commissioned.",
        PERCENTAGE,
        target=95,
        thresholds=(95, 90, 80),
    ),
    Starting(
        "children-on-track",
        "Children on track against their individual outcomes",
        "Children on track against the outcomes in their plan, as a percentage of all the "
        "children you worked with.",
        PERCENTAGE,
        target=80,
        thresholds=(80, 70, 60),
    ),
    Starting("placements-started", "Placements started", "New placements this month.", COUNT),
    Starting("placements-ended", "Placements ended", "Placements that ended this month.", COUNT),
    Starting(
        "progression",
        "Reintegration or progression to education, employment or training",
        "Children who went back to school or on to education, employment or training.",
        COUNT,
    ),
    Starting(
        "safeguarding-concerns",
        "Safeguarding concerns reported",
        "Concerns reported to the designated safeguarding lead or the council this month.",
        COUNT,
    ),
    Starting(
        "suspensions-exclusions",
        "Suspensions and exclusions",
        "Suspensions and exclusions from your provision this month.",
        COUNT,
        higher_is_better=False,
    ),
    Starting("complaints-received", "Complaints received", "Complaints received.", COUNT),
    Starting("complaints-resolved", "Complaints resolved", "Complaints resolved.", COUNT),
    Starting(
        "staff-dbs",
        "Staff with an in-date enhanced DBS check",
        "Staff working with children who have an in-date enhanced DBS check with barred list, "
        "as a percentage of all such staff.",
        PERCENTAGE,
        target=100,
        thresholds=(100, 98, 95),
    ),
)


def ensure_starting_kpis() -> int:
    """Create any starting KPI that is missing, applying to every lot; returns how many were
    created (safe to run again)."""
    existing = set(db.session.scalars(select(Kpi.code)))
    lots = list(db.session.scalars(select(Lot).order_by(Lot.position)))
    created = 0
    for position, starting in enumerate(STARTING_KPIS, start=1):
        if starting.code in existing:
            continue
        kpi = Kpi(code=starting.code, position=position)
        good, approaching, improvement = starting.thresholds or (None, None, None)
        kpi.versions.append(
            KpiVersion(
                effective_from=STARTING_FROM,
                name=starting.name,
                description=starting.description,
                unit=starting.unit,
                higher_is_better=starting.higher_is_better,
                is_required=starting.is_required,
                target=starting.target,
                good_from=good,
                approaching_from=approaching,
                requires_improvement_from=improvement,
                lots=list(lots),
            )
        )
        db.session.add(kpi)
        created += 1
    db.session.flush()
    return created


# Reading -------------------------------------------------------------------------------------


def all_kpis() -> list[Kpi]:
    """Every KPI with all its versions and their lots: a small table, read whole, in two
    queries."""
    return list(
        db.session.scalars(
            select(Kpi)
            .options(selectinload(Kpi.versions).selectinload(KpiVersion.lots))
            .order_by(Kpi.position, Kpi.id)
        )
    )


def in_force(kpi: Kpi, month: date) -> KpiVersion | None:
    """The version of `kpi` in force for `month` (None before its first)."""
    found = None
    for version in kpi.versions:
        if version.effective_from <= month:
            found = version
    return found


class Catalogue:
    """Every KPI definition, read once, answering "which KPIs, as defined when?"."""

    def __init__(self, kpis: list[Kpi] | None = None) -> None:
        self.kpis = all_kpis() if kpis is None else kpis
        self.by_id = {kpi.id: kpi for kpi in self.kpis}
        self.by_code = {kpi.code: kpi for kpi in self.kpis}

    def for_month(self, lot_ids: set[int], month: date) -> list[KpiVersion]:
        """The definitions in force for `month` that apply to any of `lot_ids`, in order."""
        found = []
        for kpi in self.kpis:
            version = in_force(kpi, month)
            if version and version.is_active and lot_ids & {lot.id for lot in version.lots}:
                found.append(version)
        return found

    def for_lot(self, lot_id: int, month: date) -> list[KpiVersion]:
        return self.for_month({lot_id}, month)

    def rated_for_lots(self, lot_ids: set[int], month: date) -> list[KpiVersion]:
        return [version for version in self.for_month(lot_ids, month) if version.is_rated]


def get_kpi(kpi_id: int) -> Kpi:
    """The KPI with its versions. Raises NotFoundForUser (404) if there is none."""
    kpi = found(
        db.session.scalar(
            select(Kpi)
            .where(Kpi.id == kpi_id)
            .options(selectinload(Kpi.versions).selectinload(KpiVersion.lots))
        )
    )
    return kpi


# Changing ------------------------------------------------------------------------------------


class DefinitionError(ServiceError):
    """A definition that cannot be saved: `errors` maps a field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors=errors)


@dataclass(frozen=True)
class DefinitionDetails:
    name: str
    description: str
    unit: str
    higher_is_better: bool
    is_required: bool
    is_active: bool
    target: float | None
    good_from: float | None
    approaching_from: float | None
    requires_improvement_from: float | None
    lot_ids: list[int]
    effective_from: date | None


def check_definition(details: DefinitionDetails, on: date) -> dict[str, str]:
    """What is wrong with `details`, by field: a month already begun (a change never rewrites
    returns), thresholds out of order, a percentage over 100."""
    errors: dict[str, str] = {}
    earliest = months.first_of(on)
    if details.effective_from is None:
        errors["effective_from"] = "Enter the month the change applies from"
    elif details.effective_from < earliest:
        errors["effective_from"] = (
            f"The change must apply from {months.month_name(earliest)} or later: "
            "returns for earlier months keep the definition they were made with"
        )
    if details.unit not in UNITS:
        errors["unit"] = "Select the unit"
    if not details.lot_ids:
        errors["lot_ids"] = "Select at least one type of service"
    thresholds = [
        details.good_from,
        details.approaching_from,
        details.requires_improvement_from,
    ]
    given = [value for value in thresholds if value is not None]
    if details.unit != YES_NO and given:
        if len(given) != 3:
            errors["good_from"] = "Enter all three thresholds, or none if the KPI is not rated"
        else:
            ordered = sorted(given, reverse=details.higher_is_better)
            if given != ordered:
                direction = "highest" if details.higher_is_better else "lowest"
                errors["good_from"] = (
                    f"Thresholds must run from good ({direction}) to requires improvement"
                )
    if details.unit == PERCENTAGE:
        for field, value in (("target", details.target), ("good_from", details.good_from)):
            if value is not None and not 0 <= value <= 100 and field not in errors:
                errors[field] = "A percentage must be between 0 and 100"
    return errors


def save_definition(
    actor: User, kpi: Kpi | None, code: str | None, details: DefinitionDetails, on: date
) -> Kpi:
    """Add a KPI (`kpi` None, with `code` or one made from its name) or a new version of one,
    in force from `details.effective_from`. A version not yet in force for the same month is
    replaced; a month already begun is refused. Raises DefinitionError."""
    errors = check_definition(details, on)
    if kpi is None:
        code = slugify(code or details.name)[:60]
        if not code:
            errors.setdefault("name", "Enter the KPI's name")
        elif db.session.scalar(select(Kpi.id).where(Kpi.code == code)) is not None:
            errors.setdefault("name", "A KPI with this name already exists")
    if errors:
        raise DefinitionError(errors)
    lots = list(db.session.scalars(select(Lot).where(Lot.id.in_(details.lot_ids))))
    if kpi is None:
        position = len(db.session.scalars(select(Kpi.id)).all()) + 1
        kpi = Kpi(code=code, position=position)
        db.session.add(kpi)
        db.session.flush()
    version = next(
        (found for found in kpi.versions if found.effective_from == details.effective_from), None
    )
    if version is not None and _is_used(version):
        raise DefinitionError({"effective_from": "Returns already use the definition this month"})
    if version is None:
        version = KpiVersion(kpi=kpi, effective_from=details.effective_from)
        db.session.add(version)
    before = _describe(version) if version.id else None
    for field in (
        "name",
        "description",
        "unit",
        "higher_is_better",
        "is_required",
        "is_active",
        "target",
        "good_from",
        "approaching_from",
        "requires_improvement_from",
    ):
        setattr(version, field, getattr(details, field))
    if details.unit == YES_NO:
        version.good_from = version.approaching_from = version.requires_improvement_from = None
    version.lots = lots
    version.created_by_id = actor.id
    db.session.flush()
    record_change("kpi.defined", kpi, actor, before=before, after=_describe(version))
    return kpi


def _is_used(version: KpiVersion) -> bool:
    return (
        db.session.scalar(select(KpiValue.id).where(KpiValue.kpi_version_id == version.id).limit(1))
        is not None
    )


def _describe(version: KpiVersion) -> dict:
    return {
        "name": version.name,
        "effective_from": months.iso_month(version.effective_from),
        "unit": version.unit,
        "active": version.is_active,
        "target": version.target,
        "thresholds": [
            version.good_from,
            version.approaching_from,
            version.requires_improvement_from,
        ],
        "lots": sorted(lot.slug for lot in version.lots),
    }
