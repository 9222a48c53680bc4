"""KPI returns: every admitted organisation's monthly returns, rated by the definitions, with
the council's questions, months locked, reminders and escalations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Connection, select

from bench.seed.base import _insert_dicts, _next_id, _table, bulk_insert
from bench.seed.reviews import _dashboard_places
from portal.accounts.models import COMMISSIONER, REVIEWER
from portal.core.db import Base
from portal.core.time import utcnow

# KPI returns. Every admitted organisation (on a lot or suspended from it) owes a return each
# month from the month it was admitted, for the KPIs of its lots (portal/kpi_returns). At 1x
# about 240 organisations are admitted over the last two years, so about 3,500 returns and
# 40,000 values: ~100 per provider, ten times as many at 10x. Each organisation's months are
# made from its place in the dashboard's order (as its admission date is, in seed_reviews) and
# the month, so the dashboard's first page holds the same returns at every scale.
KPI_MONTHS = 24  # months back from the last one ended (the dashboard's longest period)

# Of the months whose due date has passed: no return at all, a draft never submitted, submitted
# late; the rest on time. Of those submitted: amended once, twice.
KPI_NONE, KPI_DRAFT_ONLY, KPI_LATE = 0.03, 0.02, 0.10

KPI_AMENDED, KPI_AMENDED_TWICE = 0.10, 0.02

# Each rated value is good, approaching target, requires improvement or inadequate with these
# chances (the rating itself is always the portal's, from the definition: ratings.rate).
KPI_BANDS = (0.82, 0.94, 0.985)

# The council locks a month this long after its due date (an amendment comes before).
KPI_LOCK_AFTER = timedelta(days=40)

_AMEND_REASONS = (
    "Corrected the attendance figure: two sessions had been recorded twice.",
    "A late register from one school changed the totals.",
    "Our data manager found a placement counted in the wrong month.",
)

_POOR_COMMENTS = (
    "Two tutors were off sick for most of the month and sessions were rearranged.",
    "Several pupils moved school mid-month; we are re-establishing their timetables.",
)


def _kpi_catalogue(connection: Connection):
    """The KPI definitions the portal uses (Catalogue), read on the seed's connection."""
    from sqlalchemy.orm import Session, selectinload

    from portal.kpi_returns.definitions import Catalogue
    from portal.kpi_returns.models import Kpi, KpiVersion

    with Session(bind=connection) as session:
        kpis = list(
            session.scalars(
                select(Kpi)
                .options(selectinload(Kpi.versions).selectinload(KpiVersion.lots))
                .order_by(Kpi.position, Kpi.id)
            )
        )
    return Catalogue(kpis)


def _kpi_value(definition, band: str, rng) -> float:
    """A value for `definition` aimed at rating `band` (ignored for a KPI that is not rated)."""
    from portal.kpi_returns import ratings
    from portal.kpi_returns.models import COUNT, PERCENTAGE, POUNDS, YES_NO

    unit = definition.unit
    if unit == YES_NO:
        better = 1.0 if definition.higher_is_better else 0.0
        return better if band in (ratings.GOOD, ratings.APPROACHING) else 1.0 - better
    if definition.good_from is None:  # reported, not rated: small monthly totals
        if unit == PERCENTAGE:
            return round(rng.uniform(50, 100), 1)
        if unit == POUNDS:
            return round(rng.uniform(200, 5000), 2)
        return float(min(rng.randint(0, 5), rng.randint(0, 5)))
    good = definition.good_from
    approaching = definition.approaching_from if definition.approaching_from is not None else good
    improvement = definition.requires_improvement_from
    improvement = improvement if improvement is not None else approaching
    span = max(abs(good - improvement), 5.0)
    if definition.higher_is_better:
        top = 100.0 if unit == PERCENTAGE else good + span
        low, high = {
            ratings.GOOD: (good, top),
            ratings.APPROACHING: (approaching, good),
            ratings.REQUIRES_IMPROVEMENT: (improvement, approaching),
            ratings.INADEQUATE: (max(0.0, improvement - span), improvement),
        }[band]
    else:
        low, high = {
            ratings.GOOD: (max(0.0, good - span), good),
            ratings.APPROACHING: (good, approaching),
            ratings.REQUIRES_IMPROVEMENT: (approaching, improvement),
            ratings.INADEQUATE: (improvement, improvement + span),
        }[band]
    value = low + (high - low) * rng.random()
    if unit == PERCENTAGE:
        value = min(100.0, value)
    return float(round(value)) if unit == COUNT else round(value, 1)


def _kpi_band(rng, poor: str | None) -> str:
    from portal.kpi_returns import ratings

    if poor:
        return poor
    draw = rng.random()
    for band, upto in zip(ratings.RATINGS, KPI_BANDS, strict=False):
        if draw < upto:
            return band
    return ratings.INADEQUATE


def _at(day: date, hour: int) -> datetime:
    """`hour` o'clock UTC on `day` (the same London date: hours between 7 and 20)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _working_days_before(day: date, count: int) -> date:
    from portal.core.time import is_working_day

    while count > 0:
        day -= timedelta(days=1)
        count -= is_working_day(day)
    return day


def seed_kpi_returns(connection, result, plan, staff, template) -> None:
    """Monthly KPI returns of every admitted organisation for up to 24 months: on time, late,
    amended (each version kept, with its reason), drafts never submitted and months missed; the
    council's questions, months locked, the reminders sent and the escalations the rules open
    (a missing return when its chaser goes; a KPI inadequate two months running or requires
    improvement three), most of them worked and closed."""
    import random

    from portal.kpi_returns import months, ratings
    from portal.kpi_returns.models import (
        CHASER,
        FIVE_DAYS,
        MISSING_RETURN,
        ONE_DAY,
        THREE_REQUIRES_IMPROVEMENT,
        TWO_INADEQUATE,
    )
    from portal.kpi_returns.obligations import Obligation, _local_month

    if "kpi_returns" not in Base.metadata.tables:
        result.notes.append("KPI returns: not built yet, no KPI data seeded.")
        return
    catalogue = _kpi_catalogue(connection)
    if not catalogue.kpis:
        result.notes.append("KPI returns: no KPI is defined, no KPI data seeded.")
        return
    admissions = _table("admissions")
    # Lot id: (first month owed, last month owed: None while on the lot, as every one here is).
    lots: dict[int, dict[int, tuple[date, date | None]]] = {}
    for organisation_id, lot_id, admitted_at in connection.execute(
        select(admissions.c.organisation_id, admissions.c.lot_id, admissions.c.admitted_at).where(
            admissions.c.status.in_(("admitted", "suspended"))
        )
    ):
        lots.setdefault(organisation_id, {})[lot_id] = (_local_month(admitted_at), None)
    if not lots:
        result.notes.append("KPI returns: no organisation is admitted to a lot, none seeded.")
        return

    now, on = utcnow(), months.current_day()
    last = months.last_ended(on)
    window = months.months_between(months.add_months(last, 1 - KPI_MONTHS), last)
    owner = dict(plan.organisations)
    places = _dashboard_places(plan, lots)
    reviewers, commissioners = staff[REVIEWER], staff[COMMISSIONER]
    # A new database has no saved framework settings, so the environment's due day is in force;
    # asking the settings service would open a second transaction beside the seed's own.
    due_day = current_app.config["KPI_DUE_WORKING_DAYS"]
    due_dates = {month: months.due_date(month, due_day) for month in window}
    locked_at = {
        month: _at(due_dates[month] + KPI_LOCK_AFTER, 9)
        for month in window
        if _at(due_dates[month] + KPI_LOCK_AFTER, 9) < now
    }
    definitions_for: dict[tuple[frozenset[int], date], list] = {}
    rated = [kpi.id for kpi in catalogue.kpis if any(v.is_rated for v in kpi.versions)]

    ids = {
        name: _next_id(connection, name)
        for name in (
            "kpi_returns",
            "kpi_return_versions",
            "kpi_values",
            "kpi_queries",
            "kpi_reminders",
            "kpi_escalations",
            "kpi_escalation_actions",
            "kpi_month_locks",
            "audit_events",
        )
    }

    def next_id(name: str) -> int:
        ids[name] += 1
        return ids[name] - 1

    rows: dict[str, list] = {name: [] for name in ids}
    values: list[tuple] = []  # the largest table: tuples, not dicts
    escalations: list[dict[str, Any]] = []  # opened, with "closed" worked out below
    states = dict.fromkeys(
        ("on time", "late", "amended", "missed", "missed, a draft saved", "due"), 0
    )

    def event(at, actor, action, object_type, object_id, organisation_id, after=None) -> None:
        rows["audit_events"].append(
            {
                "id": next_id("audit_events"),
                "occurred_at": at,
                "actor_id": actor,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "organisation_id": organisation_id,
                "before": None,
                "after": after,
            }
        )

    for organisation_id in sorted(lots):
        number = places[organisation_id]
        user_id = owner.get(organisation_id)
        obligation = Obligation(organisation_id, lots[organisation_id])
        # One organisation in eleven has a bad spell on one rated KPI: two months inadequate
        # and one requiring improvement, some months back (an escalation, by the rules).
        poor_kpi, poor_months = None, {}
        if number % 11 == 4 and rated:
            poor_kpi = rated[number % len(rated)]
            start = months.add_months(last, -(2 + number % 18))
            poor_months = {
                start: ratings.INADEQUATE,
                months.add_months(start, 1): ratings.INADEQUATE,
                months.add_months(start, 2): ratings.REQUIRES_IMPROVEMENT,
            }
        series: dict[int, dict[date, tuple[float | None, str | None]]] = {}
        moments: dict[date, datetime] = {}  # when each month's current version was submitted
        for month in window:
            if not obligation.owes(month):
                continue
            rng = random.Random(f"kpi {number} {month:%Y-%m}")  # noqa: S311 - made-up figures
            due = due_dates[month]
            month_end = months.last_day(month)
            past_due = on > due
            draw = rng.random()
            if past_due:
                fate = (
                    "none"
                    if draw < KPI_NONE
                    else "draft"
                    if draw < KPI_NONE + KPI_DRAFT_ONLY
                    else "late"
                    if draw < KPI_NONE + KPI_DRAFT_ONLY + KPI_LATE
                    else "on time"
                )
            else:  # still due: more are in the further the due period has gone
                elapsed = (on - month_end).days / max(1, (due - month_end).days)
                fate = (
                    "on time"
                    if draw < 0.8 * elapsed
                    else "draft"
                    if draw < 0.8 * elapsed + 0.15
                    else "none"
                )
            hour = rng.randint(8, 17)
            if fate == "late":
                day = due + timedelta(days=rng.randint(1, 20))
            else:
                day = month_end + timedelta(days=rng.randint(1, max(1, (due - month_end).days)))
            moment = min(_at(day, hour), now - timedelta(hours=1))
            if fate != "none" and moment.date() <= month_end:
                fate = "none"  # the month ended too recently for anything to be saved
            submitted = fate in ("on time", "late")
            # The reminders the daily job sent while the return was not in: five and one
            # working days before the due date, and the chaser the day after it.
            reminders = [
                (FIVE_DAYS, _working_days_before(due, 5)),
                (ONE_DAY, _working_days_before(due, 1)),
                (CHASER, due + timedelta(days=1)),
            ]
            for kind, sent_on in reminders:
                sent = _at(sent_on, 7)
                if sent < now and not (submitted and moment < sent):
                    rows["kpi_reminders"].append(
                        {
                            "id": next_id("kpi_reminders"),
                            "organisation_id": organisation_id,
                            "month": month,
                            "kind": kind,
                            "sent_at": sent,
                        }
                    )
                    if kind == CHASER:
                        escalations.append(
                            {
                                "organisation_id": organisation_id,
                                "kpi_id": None,
                                "trigger": MISSING_RETURN,
                                "month": month,
                                "evidence": [
                                    {"month": months.iso_month(month), "due": due.isoformat()}
                                ],
                                "opened_at": sent,
                                "received_at": moment if submitted else None,
                            }
                        )
            if fate == "none":
                states["missed" if past_due else "due"] += 1
                continue
            states[fate if submitted else "missed, a draft saved" if past_due else "due"] += 1

            key = (frozenset(obligation.lot_ids(month)), month)
            if key not in definitions_for:
                definitions_for[key] = catalogue.for_month(set(key[0]), month)
            definitions = definitions_for[key]
            current = []  # (definition, value, rating, comment)
            for definition in definitions:
                band = _kpi_band(
                    rng, poor_months.get(month) if definition.kpi_id == poor_kpi else None
                )
                value = _kpi_value(definition, band, rng)
                if not submitted and rng.random() < 0.3:
                    value = None  # a draft part-filled
                rating = ratings.rate(value, definition)
                comment = ""
                if rating in (ratings.REQUIRES_IMPROVEMENT, ratings.INADEQUATE):
                    comment = _POOR_COMMENTS[number % len(_POOR_COMMENTS)]
                current.append((definition, value, rating, comment))

            return_id = next_id("kpi_returns")
            versions = [(moment, None, current)]  # (submitted or saved at, reason, values)
            if submitted:
                amendments = (
                    2
                    if rng.random() < KPI_AMENDED_TWICE
                    else 1
                    if rng.random() < KPI_AMENDED
                    else 0
                )
                latest = moment
                for n in range(amendments):
                    at = latest + timedelta(days=rng.randint(3, 15), hours=rng.randint(0, 3))
                    if at >= now or (month in locked_at and at >= locked_at[month]):
                        break
                    changed = list(current)
                    k = (number + n) % len(changed)
                    definition, _old, _rating, comment = changed[k]
                    value = _kpi_value(definition, _kpi_band(rng, None), rng)
                    changed[k] = (definition, value, ratings.rate(value, definition), comment)
                    reason = _AMEND_REASONS[(number + n) % len(_AMEND_REASONS)]
                    versions.append((at, reason, changed))
                    current, latest = changed, at
                if len(versions) > 1:
                    states["amended"] += 1
            via_draft = rng.random() < 0.3  # saved as a draft before it was submitted
            for position, (at, reason, entries) in enumerate(versions, 1):
                version_id = next_id("kpi_return_versions")
                rating = ratings.worst(entry[2] for entry in entries)
                rows["kpi_return_versions"].append(
                    {
                        "id": version_id,
                        "kpi_return_id": return_id,
                        "number": position,
                        "saved_at": at,
                        "saved_by_id": user_id,
                        "submitted_at": at if submitted else None,
                        "reason": reason,
                        "rating": rating,
                    }
                )
                for k, (definition, value, value_rating, comment) in enumerate(entries):
                    values.append(
                        (
                            next_id("kpi_values"),
                            version_id,
                            definition.kpi_id,
                            definition.id,
                            k,
                            value,
                            comment,
                            value_rating,
                        )
                    )
                if submitted:
                    action = "kpi_return.submitted" if position == 1 else "kpi_return.amended"
                    after = {"status": "submitted", "month": months.iso_month(month)}
                    after["rating"] = rating
                    if reason:
                        after.update(version=position, reason=reason)
                    event(at, user_id, action, "kpi_return", return_id, organisation_id, after)
            if not submitted:
                event(
                    moment,
                    user_id,
                    "kpi_return.saved",
                    "kpi_return",
                    return_id,
                    organisation_id,
                    {"status": "draft", "month": months.iso_month(month)},
                )
            final_at, final = versions[-1][0], versions[-1][2]
            # Each save moves a return on one from 1: a draft (saved first, or only), the
            # submission, each amendment.
            lock_version = 1 + (via_draft or not submitted) + submitted + len(versions) - 1
            created = moment
            if via_draft and submitted:
                created = min(
                    moment, max(moment - timedelta(days=2), _at(month_end + timedelta(days=1), 7))
                )
            rows["kpi_returns"].append(
                {
                    "id": return_id,
                    "organisation_id": organisation_id,
                    "month": month,
                    "status": "submitted" if submitted else "draft",
                    "submitted_at": moment if submitted else None,
                    "amended_at": final_at if len(versions) > 1 else None,
                    "version_count": len(versions),
                    "rating": ratings.worst(entry[2] for entry in final),
                    "lock_version": lock_version,
                    "created_at": created,
                }
            )
            if not submitted:
                continue
            moments[month] = final_at
            for definition, value, value_rating, _comment in final:
                series.setdefault(definition.kpi_id, {})[month] = (
                    value,
                    value_rating,
                    definition.name,
                )
            # The council's questions: on some amended returns (the amendment answered it), and
            # a few on recent ones (answered by the provider, or still open).
            asked = moment + timedelta(days=2)
            query = None  # (answer, answered at): None, None while it is open
            if len(versions) > 1 and rng.random() < 0.4:
                query = (f"Amended the return: {versions[1][1]}", versions[1][0])
            elif month >= months.add_months(last, -2) and rng.random() < 0.08 and asked < now:
                reply = asked + timedelta(days=1)
                answered = rng.random() < 0.5 and reply < now
                query = ("The figure is right: two new pupils joined late.", reply)
                if not answered:
                    query = (None, None)
            if query is not None:
                answer, answered_at = query
                kpi_id = final[number % len(final)][0].kpi_id
                rows["kpi_queries"].append(
                    {
                        "id": next_id("kpi_queries"),
                        "kpi_return_id": return_id,
                        "kpi_id": kpi_id,
                        "question": "Can you check this figure? It is well off last month's.",
                        "asked_by_id": reviewers[number % len(reviewers)],
                        "asked_at": asked,
                        "status": "answered" if answer else "open",
                        "answer": answer,
                        "answered_by_id": user_id if answer else None,
                        "answered_at": answered_at,
                        "lock_version": 2 if answer else 1,
                    }
                )

        # The rules on each submission, in month order: a run of two inadequate months, or of
        # three requiring improvement or worse, ending with the month just submitted opens one
        # unless the same organisation and KPI already has one open.
        open_until: dict[int, datetime | None] = {}
        for kpi_id, by_month in series.items():
            for month in window:
                for trigger, length, bad in (
                    (TWO_INADEQUATE, 2, (ratings.INADEQUATE,)),
                    (
                        THREE_REQUIRES_IMPROVEMENT,
                        3,
                        (ratings.REQUIRES_IMPROVEMENT, ratings.INADEQUATE),
                    ),
                ):
                    run = [months.add_months(month, -back) for back in reversed(range(length))]
                    if not all(by_month.get(each, (None, None))[1] in bad for each in run):
                        continue
                    at = max(moments[each] for each in run) + timedelta(minutes=1)
                    if kpi_id in open_until and (open_until[kpi_id] or now) > at:
                        continue
                    escalation = {
                        "organisation_id": organisation_id,
                        "kpi_id": kpi_id,
                        "trigger": trigger,
                        "month": month,
                        "evidence": [
                            {
                                "month": months.iso_month(each),
                                "kpi": by_month[each][2],
                                "value": by_month[each][0],
                                "rating": by_month[each][1],
                            }
                            for each in run
                        ],
                        "opened_at": at,
                        "received_at": None,
                    }
                    escalations.append(escalation)
                    open_until[kpi_id] = _closing(escalation, now)

    # Escalations: worked and closed, except the recent ones.
    for n, escalation in enumerate(sorted(escalations, key=lambda e: e["opened_at"])):
        escalation_id = next_id("kpi_escalations")
        organisation_id = escalation["organisation_id"]
        closed = _closing(escalation, now)
        commissioner = commissioners[n % len(commissioners)]
        key = (
            f"{organisation_id}:{escalation['trigger']}:{escalation['kpi_id'] or '-'}:"
            f"{months.iso_month(escalation['month'])}"
        )
        actions = []
        opened = escalation["opened_at"]
        if escalation["trigger"] != MISSING_RETURN or escalation["received_at"] is None:
            actions.append(("review_meeting", opened + timedelta(days=10), "Met the provider."))
            actions.append(("action_plan", opened + timedelta(days=17), "Weekly check-ins agreed."))
        if closed and actions:
            actions.append(("outcome", closed, "The provider has met the action plan."))
        actions = [action for action in actions if _at(action[1].date(), 9) < now]
        for kind, at, details in actions:
            rows["kpi_escalation_actions"].append(
                {
                    "id": next_id("kpi_escalation_actions"),
                    "escalation_id": escalation_id,
                    "kind": kind,
                    "on_date": at.date(),
                    "details": details,
                    "recorded_by_id": commissioner,
                    "recorded_at": _at(at.date(), 9),
                }
            )
        reason = None
        if closed and escalation["trigger"] != MISSING_RETURN:
            reason = "Performance has been back on target since the action plan."
        elif closed and escalation["received_at"]:
            reason = "The return has been received."
        elif closed:
            reason = "Agreed at the review meeting: the month's figures cannot be recovered."
        rows["kpi_escalations"].append(
            {
                "id": escalation_id,
                "organisation_id": organisation_id,
                "kpi_id": escalation["kpi_id"],
                "trigger": escalation["trigger"],
                "trigger_key": key,
                "month": escalation["month"],
                "evidence": escalation["evidence"],
                "status": "closed" if closed else "open",
                "opened_at": opened,
                "closed_at": closed,
                "closed_by_id": commissioner if closed else None,
                "close_reason": reason,
                # Each action recorded moves it on one, and so does closing it.
                "lock_version": 1 + len(actions) + (closed is not None),
            }
        )
        after = {"trigger": escalation["trigger"], "month": months.iso_month(escalation["month"])}
        event(
            opened,
            None,
            "kpi_escalation.opened",
            "kpi_escalation",
            escalation_id,
            organisation_id,
            {**after, "kpi_id": escalation["kpi_id"]},
        )
        if closed:
            event(
                closed,
                commissioner,
                "kpi_escalation.closed",
                "kpi_escalation",
                escalation_id,
                organisation_id,
                {"status": "closed", "reason": reason},
            )

    for month, at in locked_at.items():
        lock_id = next_id("kpi_month_locks")
        rows["kpi_month_locks"].append(
            {"id": lock_id, "month": month, "locked_at": at, "locked_by_id": commissioners[0]}
        )
        event(
            at,
            commissioners[0],
            "kpi_month.locked",
            "kpi_month",
            None,
            None,
            {"month": months.iso_month(month)},
        )

    counts = {}
    for name in ("kpi_month_locks", "kpi_returns", "kpi_return_versions"):
        counts[name] = _insert_dicts(connection, name, rows[name])
    counts["kpi_values"] = bulk_insert(
        connection,
        _table("kpi_values"),
        ["id", "version_id", "kpi_id", "kpi_version_id", "position", "value", "comment", "rating"],
        values,
    )
    for name in ("kpi_queries", "kpi_reminders", "kpi_escalations", "kpi_escalation_actions"):
        counts[name] = _insert_dicts(connection, name, rows[name])
    _insert_dicts(connection, "audit_events", rows["audit_events"])
    open_escalations = sum(1 for row in rows["kpi_escalations"] if row["status"] == "open")
    result.notes.append(
        f"KPI returns seeded for {len(lots)} admitted organisations, up to {KPI_MONTHS} months: "
        + ", ".join(f"{name} {count}" for name, count in counts.items())
        + f" ({open_escalations} escalations open). Months: "
        + ", ".join(f"{state} {count}" for state, count in states.items())
        + f". {sum(p['organisation_id'] in lots for p in result.providers)} of the "
        f"{len(result.providers)} providers signed in owe returns."
    )


def _closing(escalation: dict[str, Any], now: datetime) -> datetime | None:
    """When the council closed an escalation: a missing return a few days after it came in, or
    two months on if it never did; a poor rating after the review meeting and the action plan,
    six weeks on. None: still open."""
    opened = escalation["opened_at"]
    if escalation["received_at"] is not None:
        closed = escalation["received_at"] + timedelta(days=3)
    elif escalation["trigger"] == "missing_return":
        closed = opened + timedelta(days=60)
    else:
        closed = opened + timedelta(days=42)
    return closed if closed < now else None
