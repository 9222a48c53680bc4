"""Call-off contracts: each admitted organisation's contracts on its lots (some from the
confirmed awards of competitions, the rest direct call-offs), every month's delivery, the
self-billing statement made from it (most approved), the outcomes part of the money waits for
and the releases paid on later statements.

At 1x: 2,400 contracts and about 50,000 months of delivery, each with its statement and two or
three lines (ten times as many at 10x: 24,000 contracts and about 500,000 deliveries). The
rows are made from each contract's number alone, so every table can be streamed to COPY in
turn without holding a million rows: deliveries, then statements, then their lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, text

from bench.seed.base import _insert_dicts, _next_id, _table, bulk_insert
from portal.accounts.models import COMMISSIONER
from portal.core.time import today, utcnow

CONTRACTS = 2_400

# Months delivered: 12 to 24 (a contract of two years at most so far), 21 on average.
MAX_MONTHS = 24

TEAMS = ("SEND", "Virtual School", "Alternative Provision")

UNITS = ("session", "hour", "day", "week")
BASE_RATE = {"session": 4_500, "hour": 4_000, "day": 22_000, "week": 80_000}
UNITS_A_MONTH = {"session": 8, "hour": 12, "day": 6, "week": 4}

HELD_BACK = (0, 5, 10, 15, 20)

OUTCOME_TITLES = ("Attendance rises to the target", "Reintegration to school by a date")


def _add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Plan:
    """One contract, as the rows made from it need it."""

    id: int
    number: int
    organisation_id: int
    lot_id: int
    team: str
    unit: str
    rate_pence: int
    held_back_percent: int
    start_on: date
    months: int  # months delivered so far
    status: str
    end_on: date
    competition_id: int | None
    vat: bool

    @property
    def first_month(self) -> date:
        return self.start_on.replace(day=1)

    def delivered(self) -> Iterator[tuple[int, date, int]]:
        """(index, month, units) of each month delivered."""
        per_month = UNITS_A_MONTH[self.unit]
        for k in range(self.months):
            yield k, _add_months(self.first_month, k), per_month - (self.number + k) % 3

    @property
    def planned_units(self) -> int:
        return UNITS_A_MONTH[self.unit] * (self.months + 6)

    def amounts(self) -> list[tuple[int, int]]:
        """(amount, held back) of each month delivered."""
        return [
            (units * self.rate_pence, units * self.rate_pence * self.held_back_percent // 100)
            for _k, _month, units in self.delivered()
        ]

    def statement_status(self, k: int) -> str:
        """The last month of an active contract waits (or is queried) now and then."""
        if self.status == "active" and k == self.months - 1 and self.number % 4 == 0:
            return "queried" if self.number % 12 == 0 else "waiting"
        return "approved"


def seed_contracts(connection, result, plan, staff, template) -> None:
    """Contracts, versions, outcomes (from a small per-lot catalogue), delivery, statements and
    their lines; each signed-in provider opens one of its active contracts."""
    tables = _table("contracts").metadata.tables
    if "admissions" not in tables or "contracts" not in tables:
        result.notes.append("Contracts: not built yet, no contract data seeded.")
        return
    count = max(10, round(CONTRACTS * result.scale))
    plans = _plans(connection, count, staff)
    now = utcnow()
    commissioners = staff[COMMISSIONER]
    counts: dict[str, int] = {}
    counts["contracts"] = bulk_insert(
        connection,
        _table("contracts"),
        ["id", "status", "origin", "organisation_id", "lot_id", "competition_id",
         "direct_ground", "title", "team", "placement_reference", "start_on", "end_on", "unit",
         "rate_pence", "planned_units", "total_pence", "held_back_percent", "version_number",
         "created_at", "created_by_id", "accepted_at", "ended_at", "lock_version"],
        (
            (p.id, p.status, "award" if p.competition_id else "direct", p.organisation_id,
             p.lot_id, p.competition_id, None if p.competition_id else "urgent_need",
             f"Support for placement PR-{p.number:05d}", p.team, f"PR-{p.number:05d}",
             p.start_on, p.end_on, p.unit, p.rate_pence, p.planned_units,
             p.rate_pence * p.planned_units, p.held_back_percent, 1, _at(p.start_on, -14),
             commissioners[p.number % len(commissioners)],
             None if p.status == "draft" else _at(p.start_on, -7),
             _at(p.end_on, 1) if p.status in ("ended", "terminated") else None, 1)
            for p in plans
        ),
    )  # fmt: skip
    first_version = _next_id(connection, "contract_versions")
    counts["contract_versions"] = bulk_insert(
        connection,
        _table("contract_versions"),
        ["id", "contract_id", "number", "kind", "start_on", "end_on", "rate_pence",
         "planned_units", "total_pence", "made_at", "approved_by_id"],
        (
            (first_version + i, p.id, 1, "original", p.start_on, p.end_on, p.rate_pence,
             p.planned_units, p.rate_pence * p.planned_units, _at(p.start_on, -14),
             commissioners[p.number % len(commissioners)])
            for i, p in enumerate(plans)
        ),
    )  # fmt: skip
    definitions = _definitions(connection, {p.lot_id for p in plans})
    active = [p for p in plans if p.status != "draft"]
    first_delivery = _next_id(connection, "deliveries")
    delivery_ids: dict[int, int] = {}
    next_delivery = first_delivery
    for p in active:
        delivery_ids[p.id] = next_delivery
        next_delivery += p.months
    counts["deliveries"] = bulk_insert(
        connection,
        _table("deliveries"),
        ["id", "contract_id", "month", "status", "units_delivered", "sessions_offered",
         "sessions_attended", "cancellations", "submitted_at", "lock_version"],
        (
            (delivery_ids[p.id] + k, p.id, month, "approved", units,
             units + (p.number + k) % 2, units - (p.number * k) % 3 if units > 2 else units,
             {"child_absent": (p.number + k) % 2} if (p.number + k) % 2 else {},
             _at(_add_months(month, 1), 4), 1)
            for p in active
            for k, month, units in p.delivered()
        ),
    )  # fmt: skip
    outcomes = _outcomes(active, definitions, connection)
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:  # the monthly sums are written from the rows once they are all in
        for name in ("statements", "statement_lines"):
            connection.execute(text(f"ALTER TABLE {name} DISABLE TRIGGER USER"))
    counts["statements"] = bulk_insert(
        connection,
        _table("statements"),
        ["id", "number", "contract_id", "delivery_id", "month", "status", "vat_number",
         "vat_rate_percent", "net_pence", "vat_pence", "gross_pence", "issued_at",
         "query_reason", "approved_at", "approved_by_id", "lock_version"],
        _statements(active, delivery_ids, outcomes, commissioners),
    )  # fmt: skip
    counts["contract_outcomes"] = bulk_insert(
        connection,
        _table("contract_outcomes"),
        ["id", "contract_id", "definition_id", "position", "baseline", "target", "review_on",
         "share_percent", "status", "progress", "evidenced_at", "achieved_percent",
         "decision_reason", "decided_at", "decided_by_id", "released_pence",
         "paid_on_statement_id", "lock_version"],
        (
            (o["id"], o["contract_id"], o["definition_id"], o["position"], "62% attendance",
             "85% attendance", o["review_on"], o["share_percent"], o["status"],
             "Attendance has risen steadily." if o["status"] != "due" else None,
             o["evidenced_at"], o["achieved_percent"],
             "Agreed at the review." if o["decided_at"] else None, o["decided_at"],
             commissioners[0] if o["decided_at"] else None, o["released_pence"],
             o["paid_on"], 1)
            for o in outcomes.values()
        ),
    )  # fmt: skip
    counts["statement_lines"] = bulk_insert(
        connection,
        _table("statement_lines"),
        ["id", "statement_id", "position", "kind", "description", "quantity", "unit_pence",
         "amount_pence", "outcome_id"],
        # The first id is read before COPY starts: the connection is busy with it after.
        _lines(_next_id(connection, "statement_lines"), active, delivery_ids, outcomes),
    )  # fmt: skip
    if postgresql:
        for name in ("statements", "statement_lines"):
            connection.execute(text(f"ALTER TABLE {name} ENABLE TRIGGER USER"))
        connection.execute(text(MONTHLY_SPEND), {"first": plans[0].id if plans else 0})
    # Each provider's contract page: its active contract with the most months delivered (or,
    # failing one, an ended contract).
    by_organisation: dict[int, int] = {}
    for p in sorted(active, key=lambda p: (p.status != "active", -p.months)):
        by_organisation.setdefault(p.organisation_id, p.id)
    for person in result.providers:
        person["contract_id"] = by_organisation.get(person["organisation_id"])
    result.notes.append(
        "Contracts seeded: "
        + ", ".join(f"{name} {number:,}" for name, number in counts.items())
        + f" ({sum(1 for p in plans if p.competition_id)} from confirmed awards, "
        f"{now:%Y-%m-%d}). "
        f"{sum(1 for p in result.providers if p.get('contract_id'))} of the "
        f"{len(result.providers)} providers signed in have a contract to open."
    )


# MonthlySpend for the contracts seeded, as the triggers (migration b8d5f3a20c46) would have
# written it row by row. On PostgreSQL they are set aside while the statements and lines are
# copied: each of half a million statements would update one of a few hundred rows again in
# one transaction, whose old versions cannot be cleared until it ends, so each update walks a
# longer chain of them (a seed of many minutes). SQLite updates in place and keeps them.
MONTHLY_SPEND = """
    INSERT INTO monthly_spend (month, lot_id, team, is_sme, is_vcse, is_local, statement_count,
        spend_pence, money_line_count, held_back_pence, released_pence)
    SELECT s.month, c.lot_id, c.team, o.is_sme, o.is_vcse, o.is_local, count(*),
        sum(s.net_pence), coalesce(sum(m.lines), 0), coalesce(sum(m.held_back), 0),
        coalesce(sum(m.released), 0)
    FROM statements s
    JOIN contracts c ON c.id = s.contract_id
    JOIN organisations o ON o.id = c.organisation_id
    LEFT JOIN (
        SELECT statement_id, count(*) AS lines,
            sum(CASE WHEN kind = 'held_back' THEN -amount_pence ELSE 0 END) AS held_back,
            sum(CASE WHEN kind = 'outcome' THEN amount_pence ELSE 0 END) AS released
        FROM statement_lines WHERE kind IN ('held_back', 'outcome') GROUP BY statement_id
    ) m ON m.statement_id = s.id
    WHERE s.status = 'approved' AND c.id >= :first
    GROUP BY s.month, c.lot_id, c.team, o.is_sme, o.is_vcse, o.is_local
    ON CONFLICT (month, lot_id, team, is_sme, is_vcse, is_local) DO UPDATE SET
        statement_count = monthly_spend.statement_count + excluded.statement_count,
        spend_pence = monthly_spend.spend_pence + excluded.spend_pence,
        money_line_count = monthly_spend.money_line_count + excluded.money_line_count,
        held_back_pence = monthly_spend.held_back_pence + excluded.held_back_pence,
        released_pence = monthly_spend.released_pence + excluded.released_pence
"""


def _at(day: date, days: int) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC) + timedelta(days=days)


def _plans(connection: Connection, count: int, staff) -> list[Plan]:
    """Each contract's terms: spread over every admission (organisation and lot), the first
    ones made from the confirmed awards of competitions."""
    admissions = _table("admissions")
    pairs = connection.execute(
        select(admissions.c.organisation_id, admissions.c.lot_id)
        .where(admissions.c.status == "admitted")
        .order_by(admissions.c.organisation_id, admissions.c.lot_id)
    ).all()
    if not pairs:
        return []
    awards = _confirmed_awards(connection)
    last_ended = _add_months(today().replace(day=1), -1)
    first_id = _next_id(connection, "contracts")
    plans = []
    for n in range(count):
        organisation_id, lot_id = pairs[n % len(pairs)]
        competition_id = None
        months = min(MAX_MONTHS, 12 + (n * 7) % 26)
        start = _add_months(last_ended, 1 - months) + timedelta(days=n % 20)
        if n < len(awards):
            competition_id, organisation_id, lot_id, confirmed = awards[n]
            start = confirmed + timedelta(days=14 + n % 20)
            months = max(0, (last_ended.year - start.year) * 12 + last_ended.month - start.month)
            months = max(0, min(months + 1, MAX_MONTHS)) if start <= last_ended else 0
        status = "active"
        if n % 20 == 19 and competition_id is None:
            status, months = "draft", 0
            start = _add_months(last_ended, 2)
        end = _add_months(start.replace(day=1), months + 6) - timedelta(days=1)
        if status == "active" and n % 3 == 0 and months:
            status = "terminated" if n % 50 == 3 else "ended"
            end = _add_months(start.replace(day=1), months) - timedelta(days=1)
        unit = UNITS[(n + lot_id) % len(UNITS)]
        factor = 80 + (organisation_id * 37) % 45
        rate = BASE_RATE[unit] * factor // 100 * (3 if n % 97 == 0 else 1)
        plans.append(
            Plan(
                id=first_id + n,
                number=n,
                organisation_id=organisation_id,
                lot_id=lot_id,
                team=TEAMS[n % len(TEAMS)],
                unit=unit,
                rate_pence=rate,
                held_back_percent=HELD_BACK[n % len(HELD_BACK)],
                start_on=start,
                months=months,
                status=status,
                end_on=max(end, start),
                competition_id=competition_id,
                vat=organisation_id % 4 == 0,
            )
        )
    return plans


def _confirmed_awards(connection: Connection) -> list[tuple[int, int, int, date]]:
    """(competition, winning organisation, lot, day confirmed) of each confirmed award."""
    competitions, quotes = _table("competitions"), _table("quotes")
    rows = connection.execute(
        select(
            competitions.c.id,
            quotes.c.organisation_id,
            competitions.c.lot_id,
            competitions.c.confirmed_at,
        )
        .join(quotes, quotes.c.id == competitions.c.winner_quote_id)
        .where(competitions.c.status == "confirmed", competitions.c.confirmed_at.is_not(None))
        .order_by(competitions.c.id)
    ).all()
    return [(c, o, lot, confirmed.date()) for c, o, lot, confirmed in rows]


def _definitions(connection: Connection, lot_ids: set[int]) -> dict[int, list[int]]:
    """Two outcomes in each lot's catalogue (those already there are used first)."""
    table = _table("outcome_definitions")
    found: dict[int, list[int]] = {}
    for definition_id, lot_id in connection.execute(
        select(table.c.id, table.c.lot_id).order_by(table.c.lot_id, table.c.position)
    ):
        found.setdefault(lot_id, []).append(definition_id)
    rows = []
    next_id = _next_id(connection, "outcome_definitions")
    for lot_id in sorted(lot_ids):
        for position, title in enumerate(OUTCOME_TITLES[len(found.get(lot_id, [])) :]):
            rows.append(
                {"id": next_id, "lot_id": lot_id, "title": title, "position": position,
                 "description": ""}
            )  # fmt: skip
            found.setdefault(lot_id, []).append(next_id)
            next_id += 1
    _insert_dicts(connection, "outcome_definitions", rows)
    return found


def _outcomes(
    active: list[Plan], definitions: dict[int, list[int]], connection: Connection
) -> dict[tuple[int, int], dict[str, Any]]:
    """Each contract's one or two outcomes, by (contract, position): reviewed three and nine
    months in, decided ten days after the review when that has passed (most met, some partly
    or not), the released share paid on the statement of the month after."""
    next_id = _next_id(connection, "contract_outcomes")
    done = today() - timedelta(days=10)
    outcomes: dict[tuple[int, int], dict[str, Any]] = {}
    for p in active:
        amounts = p.amounts()
        for position in range(1 + p.number % 2):
            review_on = _add_months(p.first_month, 3 + 6 * position) + timedelta(days=14)
            share = 100 if p.number % 2 == 0 else 50
            kind = (p.number + position) % 20
            status = "due"
            if review_on <= done:
                status = ("met",) * 10 + ("partly_met",) * 4 + ("not_met",) * 3
                status = (*status, "evidenced", "evidenced", "due")[kind]
            decided = status in ("met", "partly_met", "not_met")
            achieved = {"met": 100, "partly_met": 50, "not_met": 0}.get(status)
            decided_at = _at(review_on, 10) if decided else None
            # A decided outcome always has its released money (0 when none), as the service
            # writes it; an undecided one has none yet.
            released = 0 if decided else None
            paid_on = None
            if decided and achieved:
                months_in = min(p.months, 3 + 6 * position)
                held = sum(h for _a, h in amounts[:months_in])
                released = held * share * achieved // 10_000
                paid_month = (
                    (decided_at.year - p.first_month.year) * 12
                    + (decided_at.month - p.first_month.month)
                    + 1
                )
                if released and paid_month < p.months:
                    paid_on = (p.id, paid_month)
            outcomes[(p.id, position)] = {
                "id": next_id,
                "contract_id": p.id,
                "definition_id": definitions[p.lot_id][position],
                "position": position,
                "review_on": review_on,
                "share_percent": share,
                "status": status,
                "evidenced_at": _at(review_on, -3) if status != "due" else None,
                "achieved_percent": achieved,
                "decided_at": decided_at,
                "released_pence": released,
                "paid_on": paid_on,  # (contract, month index) until statements are numbered
            }
            next_id += 1
    return outcomes


def _released_by_month(outcomes) -> dict[tuple[int, int], list[dict[str, Any]]]:
    paid: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for outcome in outcomes.values():
        if outcome["paid_on"]:
            paid.setdefault(outcome["paid_on"], []).append(outcome)
    return paid


def _statements(active, delivery_ids, outcomes, commissioners) -> Iterator[tuple]:
    """One statement per delivery (its id the delivery's): net is the sum of its lines."""
    paid = _released_by_month(outcomes)
    for p in active:
        for k, (amount, held) in enumerate(p.amounts()):
            statement_id = delivery_ids[p.id] + k
            released = paid.get((p.id, k), [])
            for outcome in released:
                outcome["paid_on"] = statement_id
            net = amount - held + sum(o["released_pence"] for o in released)
            vat = net * 20 // 100 if p.vat else 0
            status = p.statement_status(k)
            month = _add_months(p.first_month, k)
            yield (
                statement_id, f"SB-{statement_id:07d}", p.id, statement_id, month, status,
                f"GB{p.organisation_id:09d}" if p.vat else None, 20 if p.vat else 0, net, vat,
                net + vat, _at(_add_months(month, 1), 5),
                "Please check the number of sessions." if status == "queried" else None,
                _at(_add_months(month, 1), 12) if status == "approved" else None,
                commissioners[k % len(commissioners)] if status == "approved" else None, 1,
            )  # fmt: skip


def _lines(line_id: int, active, delivery_ids, outcomes) -> Iterator[tuple]:
    """Each statement's lines: the month's units, the share held back, outcome money."""
    paid: dict[int, list[dict[str, Any]]] = {}
    for outcome in outcomes.values():
        if outcome["paid_on"]:
            paid.setdefault(outcome["paid_on"], []).append(outcome)
    for p in active:
        for k, month, units in p.delivered():
            statement_id = delivery_ids[p.id] + k
            amount = units * p.rate_pence
            rows = [("delivery", f"{units} {p.unit}s in {month:%B %Y}", units, p.rate_pence,
                     amount, None)]  # fmt: skip
            if p.held_back_percent:
                rows.append(
                    ("held_back", f"{p.held_back_percent}% held back for outcomes", None, None,
                     -(amount * p.held_back_percent // 100), None)
                )  # fmt: skip
            for outcome in paid.get(statement_id, []):
                rows.append(
                    ("outcome", "Outcome money released", None, None, outcome["released_pence"],
                     outcome["id"])
                )  # fmt: skip
            for position, row in enumerate(rows, start=1):
                yield (line_id, statement_id, position, *row)
                line_id += 1
