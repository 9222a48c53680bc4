"""A provider's risk: one rating (low, medium or high) worked out by a published rule.

The rule gives points for what the record shows and adds them up:

- each KPI return rated red in the last three months, each rated amber, each open performance
  escalation, each action open past its due date, each mandatory kind of document that has
  lapsed (every document held of that kind has expired), each person on the DBS register with
  something to check: so many points each, up to a most for the factor, so that no single
  kind of problem outweighs the rest by volume alone;
- the latest published visit's judgement: inadequate or requires improvement.

HIGH_FROM points or more is high risk, MEDIUM_FROM or more medium, anything less low. Every
factor that scores gives a reason in words ("2 actions overdue: +2"), shown wherever the rating
is, and the published page (/quality/risk-rule) is generated from the same constants.

The rating sets how often a provider's review meetings are held (models.MEETING_MONTHS). It is
worked out live for pages (`ratings_for`, a fixed number of queries for any number of
providers) and stored in ProviderRisk by `refresh`, so that a change is noticed, audited and
emailed to the quality officers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select

from portal.accounts.services import active_staff_who_may
from portal.admissions.models import REMOVED, Admission
from portal.audit.services import record_event
from portal.core.db import db
from portal.core.memo import sharing_reads
from portal.core.time import today, utcnow
from portal.core.words import shown
from portal.documents import services as documents
from portal.documents.models import MANDATORY_KINDS, Document, DocumentVersion
from portal.kpi_returns import months, ratings
from portal.kpi_returns.models import OPEN as ESCALATION_OPEN
from portal.kpi_returns.models import SUBMITTED, KpiEscalation, KpiReturn
from portal.organisations.models import Organisation
from portal.outbox.services import queue_email
from portal.quality.models import (
    HIGH,
    INADEQUATE,
    JUDGEMENT_LABELS,
    LOW,
    MEDIUM,
    MEETING_MONTHS,
    REQUIRES_IMPROVEMENT,
    RISK_LABELS,
    ProviderRisk,
)
from portal.quality.services import readings
from portal.staff_checks import services as staff_checks
from portal.staff_checks.models import StaffCheck

# The rule ------------------------------------------------------------------------------------

HIGH_FROM = 6
MEDIUM_FROM = 3
KPI_MONTHS = 3  # how far back KPI ratings count: the last three months that have ended


@dataclass(frozen=True)
class Counted:
    """A factor that counts things: `each` points for each, at most `most` in all."""

    key: str  # the RiskInputs field it reads
    each: int
    most: int
    one: str  # "action overdue", after a count of 1
    many: str  # "actions overdue"
    rule: str  # what counts, for the published page


COUNTED = (
    Counted(
        "red_returns",
        2,
        6,
        f"KPI return rated red in the last {KPI_MONTHS} months",
        f"KPI returns rated red in the last {KPI_MONTHS} months",
        "A monthly KPI return rated red overall (requires improvement or inadequate), for any "
        f"of the last {KPI_MONTHS} months that have ended",
    ),
    Counted(
        "amber_returns",
        1,
        3,
        f"KPI return rated amber in the last {KPI_MONTHS} months",
        f"KPI returns rated amber in the last {KPI_MONTHS} months",
        "A monthly KPI return rated amber overall (approaching target), for any of the last "
        f"{KPI_MONTHS} months that have ended",
    ),
    Counted(
        "open_escalations",
        2,
        6,
        "open performance escalation",
        "open performance escalations",
        "A performance escalation that is still open",
    ),
    Counted(
        "overdue_actions",
        1,
        4,
        "action overdue",
        "actions overdue",
        "An action in the provider's action plan still open after its due date",
    ),
    Counted(
        "lapsed_documents",
        3,
        6,
        "mandatory document lapsed",
        "mandatory documents lapsed",
        "A mandatory kind of document (safeguarding policy, health and safety policy, "
        "insurance) where every document the provider holds of that kind has expired",
    ),
    Counted(
        "dbs_flagged",
        1,
        3,
        "person on the DBS register with something to check",
        "people on the DBS register with something to check",
        "A person on the provider's DBS register with a flag: no check or the wrong level, an "
        "old certificate not on the Update Service, new information, right to work or "
        "references not checked, safeguarding training overdue",
    ),
)

# The latest published visit's judgement (a good one scores nothing).
VISIT_POINTS = {INADEQUATE: 6, REQUIRES_IMPROVEMENT: 3}


@dataclass(frozen=True)
class RiskInputs:
    """What the rule reads of one provider's record."""

    red_returns: int = 0
    amber_returns: int = 0
    open_escalations: int = 0
    overdue_actions: int = 0
    lapsed_documents: int = 0
    dbs_flagged: int = 0
    visit_judgement: str | None = None


@dataclass(frozen=True)
class Reason:
    factor: str
    points: int
    because: str  # "2 actions overdue: +2"


@dataclass(frozen=True)
class Rating:
    rating: str
    points: int
    reasons: tuple[Reason, ...]

    label = shown(RISK_LABELS, "rating")

    @property
    def stored_reasons(self) -> list[dict[str, Any]]:
        return [asdict(reason) for reason in self.reasons]

    @property
    def summary(self) -> str:
        """The rating and its reasons in one paragraph, for a suspension's reason or an email."""
        said = "; ".join(reason.because for reason in self.reasons) or "nothing scored"
        return f"{self.label} risk ({self.points} points): {said}."


def _counted(factor: Counted, count: int) -> Reason | None:
    if count <= 0:
        return None
    points = min(count * factor.each, factor.most)
    what = factor.one if count == 1 else factor.many
    capped = " (the most this factor gives)" if points < count * factor.each else ""
    return Reason(factor.key, points, f"{count} {what}: +{points}{capped}")


def rate(inputs: RiskInputs) -> Rating:
    """The rating the rule gives `inputs`, with a reason for every factor that scored."""
    reasons = [
        reason for factor in COUNTED if (reason := _counted(factor, getattr(inputs, factor.key)))
    ]
    visit_points = VISIT_POINTS.get(inputs.visit_judgement or "", 0)
    if visit_points:
        judged = JUDGEMENT_LABELS[inputs.visit_judgement or ""].lower()
        because = f"Latest visit judged {judged}: +{visit_points}"
        reasons.append(Reason("visit_judgement", visit_points, because))
    points = sum(reason.points for reason in reasons)
    rating = HIGH if points >= HIGH_FROM else MEDIUM if points >= MEDIUM_FROM else LOW
    return Rating(rating, points, tuple(reasons))


def published_rule() -> dict[str, Any]:
    """The rule as the published page shows it, from the constants above."""
    return {
        "counted": COUNTED,
        "visit_points": [(JUDGEMENT_LABELS[key], points) for key, points in VISIT_POINTS.items()],
        "high_from": HIGH_FROM,
        "medium_from": MEDIUM_FROM,
        "kpi_months": KPI_MONTHS,
    }


# Reading the record, many providers at once --------------------------------------------------


def _kpi_colours(organisation_ids: list[int], on: date) -> dict[int, Counter[str]]:
    last = months.last_ended(on)
    first = months.add_months(last, -(KPI_MONTHS - 1))
    found: dict[int, Counter[str]] = {id_: Counter() for id_ in organisation_ids}
    for organisation_id, rating in db.session.execute(
        select(KpiReturn.organisation_id, KpiReturn.rating).where(
            KpiReturn.organisation_id.in_(organisation_ids),
            KpiReturn.status == SUBMITTED,
            KpiReturn.month.between(first, last),
            KpiReturn.rating.is_not(None),
        )
    ):
        found[organisation_id][ratings.colour(rating)] += 1
    return found


def _open_escalations(organisation_ids: list[int]) -> dict[int, int]:
    return {
        row[0]: row[1]
        for row in db.session.execute(
            select(KpiEscalation.organisation_id, func.count())
            .where(
                KpiEscalation.organisation_id.in_(organisation_ids),
                KpiEscalation.status == ESCALATION_OPEN,
            )
            .group_by(KpiEscalation.organisation_id)
        )
    }


# Built once, the ids bound: the provider record page asks on every view. Each mandatory
# document's newest version.
_NEWEST_VERSION = (
    select(func.max(DocumentVersion.number))
    .where(DocumentVersion.document_id == Document.id)
    .correlate(Document)
    .scalar_subquery()
)
_MANDATORY_EXPIRIES = (
    select(Document.organisation_id, Document.kind, DocumentVersion.expiry_date)
    .join(DocumentVersion, DocumentVersion.document_id == Document.id)
    .where(
        Document.organisation_id.in_(bindparam("ids", expanding=True)),
        Document.kind.in_(MANDATORY_KINDS),
        DocumentVersion.number == _NEWEST_VERSION,
    )
)


def lapsed_documents(organisation_ids: list[int], on: date) -> dict[int, int]:
    """How many mandatory kinds each organisation holds only expired documents of (a kind it
    holds none of is missing, not lapsed: admission and call-offs deal with that)."""
    if sharing_reads():
        # A page whose parts share their reads (the provider record) has read the libraries,
        # each document's current version, already: the same versions, no statement more.
        expiries: Iterable[tuple[int, str, date | None]] = (
            (document.organisation_id, document.kind, document.expiry_date)
            for library in documents.libraries_of(organisation_ids).values()
            for document in library
            if document.kind in MANDATORY_KINDS
        )
    else:
        expiries = db.session.execute(_MANDATORY_EXPIRIES, {"ids": organisation_ids})
    held: dict[tuple[int, str], list[bool]] = {}
    for organisation_id, kind, expiry in expiries:
        held.setdefault((organisation_id, kind), []).append(expiry is not None and expiry < on)
    return dict(Counter(key[0] for key, expired in held.items() if all(expired)))


def _dbs_flagged(organisation_ids: list[int], on: date) -> dict[int, int]:
    found: Counter[int] = Counter()
    for check in db.session.scalars(
        select(StaffCheck).where(StaffCheck.organisation_id.in_(organisation_ids))
    ):
        if staff_checks.flags(check, on):
            found[check.organisation_id] += 1
    return dict(found)


def inputs_for(organisation_ids: Sequence[int], on: date) -> dict[int, RiskInputs]:
    """What the rule reads of each organisation's record on `on`: six queries (and the
    framework settings, once a request), however many organisations; none when there are none."""
    ids = list(organisation_ids)
    if not ids:
        return {}
    colours = _kpi_colours(ids, on)
    escalations = _open_escalations(ids)
    overdue = readings.overdue_counts(ids, on)
    judgements = readings.latest_judgements(ids)
    lapsed = lapsed_documents(ids, on)
    flagged = _dbs_flagged(ids, on)
    return {
        id_: RiskInputs(
            red_returns=colours[id_]["red"],
            amber_returns=colours[id_]["yellow"],
            open_escalations=escalations.get(id_, 0),
            overdue_actions=overdue.get(id_, 0),
            lapsed_documents=lapsed.get(id_, 0),
            dbs_flagged=flagged.get(id_, 0),
            visit_judgement=judgements.get(id_),
        )
        for id_ in ids
    }


def ratings_for(organisation_ids: Sequence[int], on: date) -> dict[int, Rating]:
    """Each organisation's rating today by the rule (a fixed number of queries)."""
    return {id_: rate(inputs) for id_, inputs in inputs_for(organisation_ids, on).items()}


def rating_of(organisation_id: int, on: date) -> Rating:
    return ratings_for([organisation_id], on)[organisation_id]


def kept_ratings(organisation_ids: Sequence[int]) -> dict[int, Rating]:
    """Each organisation's rating as `refresh` last kept it (low for one never rated): one
    query. For lists of every provider (the calendar, the home page), where working the rule
    out for each would read every provider's whole record on every view; the nightly job keeps
    these current, and a provider's own pages work the rule out live."""
    found = {id_: Rating(LOW, 0, ()) for id_ in organisation_ids}
    for risk in db.session.scalars(
        select(ProviderRisk).where(ProviderRisk.organisation_id.in_(list(organisation_ids)))
    ):
        reasons = tuple(Reason(**reason) for reason in risk.reasons or [])
        found[risk.organisation_id] = Rating(
            risk.rating, sum(reason.points for reason in reasons), reasons
        )
    return found


# Keeping the rating, and telling of a change --------------------------------------------------


@dataclass(frozen=True)
class Change:
    organisation: Organisation
    before: str
    after: Rating


def refresh(organisation_ids: Sequence[int], on: date | None = None) -> list[Change]:
    """Work out each organisation's rating and keep it in ProviderRisk. A rating that differs
    from the one kept is a change: audited (`risk.changed`, before and after with their
    reasons) and emailed to the quality officers. A provider never rated before counts as low,
    so a first rating of low is kept quietly. A fixed number of queries, however many."""
    on = on or today()
    worked_out = ratings_for(organisation_ids, on)
    kept = {
        risk.organisation_id: risk
        for risk in db.session.scalars(
            select(ProviderRisk).where(ProviderRisk.organisation_id.in_(list(worked_out)))
        )
    }
    now = utcnow()
    changed: list[tuple[int, str, list[dict[str, Any]], Rating]] = []
    for organisation_id, rating in worked_out.items():
        risk = kept.get(organisation_id)
        if risk is None:
            risk = ProviderRisk(
                organisation_id=organisation_id, rating=LOW, reasons=[], rated_at=now, since=now
            )
            db.session.add(risk)
        before, before_reasons = risk.rating, list(risk.reasons or [])
        if before != rating.rating:
            risk.since = now
            changed.append((organisation_id, before, before_reasons, rating))
        risk.rating, risk.reasons, risk.rated_at = rating.rating, rating.stored_reasons, now
    db.session.flush()
    return _tell(changed)


def refresh_one(organisation: Organisation, on: date | None = None) -> Change | None:
    """One provider, in the caller's transaction: called by quality's own changes that the rule
    reads (a visit's findings published, an action done, accepted or reopened, a meeting's
    minutes or actions agreed at it), so that the kept rating, the record page and the email to
    the reviewers follow at once. Changes in other domains (KPI returns and escalations,
    documents, the DBS register) wait for the nightly `flask quality rate-risk`."""
    changes = refresh([organisation.id], on)
    return changes[0] if changes else None


def refresh_all(on: date | None = None) -> list[Change]:
    """Every organisation on the framework (with an admission not removed): the nightly job."""
    ids = db.session.scalars(
        select(Admission.organisation_id)
        .where(Admission.status != REMOVED)
        .distinct()
        .order_by(Admission.organisation_id)
    ).all()
    return refresh(ids, on)


def _tell(changed: list[tuple[int, str, list[dict[str, Any]], Rating]]) -> list[Change]:
    if not changed:
        return []
    organisations = {
        organisation.id: organisation
        for organisation in db.session.scalars(
            select(Organisation).where(Organisation.id.in_([each[0] for each in changed]))
        )
    }
    officers = active_staff_who_may("hear_of_quality_work")
    changes = []
    for organisation_id, before, before_reasons, rating in changed:
        organisation = organisations[organisation_id]
        record_event(
            "risk.changed",
            object_type="organisation",
            object_id=organisation_id,
            actor_id=None,
            organisation_id=organisation_id,
            before={"rating": before, "reasons": before_reasons},
            after={"rating": rating.rating, "reasons": rating.stored_reasons},
        )
        for officer in officers:
            queue_email(
                officer.email,
                f"Risk rating changed to {rating.label.lower()}: {organisation.display_name}",
                "risk_changed",
                user=officer,
                organisation=organisation,
                before=RISK_LABELS[before],
                rating=rating,
                months=MEETING_MONTHS[rating.rating],
            )
        changes.append(Change(organisation, before, rating))
    return changes
