"""Mini-competitions and placement requests in every stage, with their invitations, quotes,
questions, panels, scores and awards by the published rules."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select

from bench.seed.base import _insert_dicts, _next_id, _table, bulk_insert
from bench.seed.organisations import _LOCAL
from portal.accounts.models import COMMISSIONER, REVIEWER
from portal.core.db import Base
from portal.core.time import today, utcnow

# At 1x: 50 competitions with 20 quotes each. The number of competitions grows with the scale
# (a council list holds ten times as many at 10x); a competition's bidders do not (a competition
# page holds the same 20 at every scale). Never fewer than one competition in each stage, so the
# smallest seed (the test's) still fills every table.
COMPETITIONS = 50

QUOTES_PER_COMPETITION = 20

# Competition n is in COMPETITION_STAGES[n % 10]: every stage a page can meet, from a draft to
# an award confirmed. "closing" is open with under 48 hours left; "scoring" past the deadline
# with the panel part-way through; "moderating" with every evaluator's scores in and half the
# quotes' agreed scores; "evaluated" with moderation closed and the award still to make.
COMPETITION_STAGES = (
    "open",
    "awarded",
    "scoring",
    "confirmed",
    "draft",
    "evaluated",
    "open",
    "moderating",
    "closing",
    "cancelled",
)

_PAST_DEADLINE = ("scoring", "moderating", "evaluated", "awarded", "confirmed")

_EVALUATED = ("evaluated", "awarded", "confirmed")

# Days from now to the deadline for quotes, by stage (negative: passed).
_DEADLINE_DAYS = {
    "draft": 21,
    "open": 10,
    "closing": 0.8,
    "cancelled": 6,
    "scoring": -3,
    "moderating": -10,
    "evaluated": -20,
    "awarded": -30,
    "confirmed": -60,
}

_SERVICES = (
    "One-to-one maths tuition for Year 6 pupils",
    "Small-group English tuition for pupils out of school",
    "Therapeutic mentoring for pupils at risk of exclusion",
    "GCSE science tuition for looked-after children",
    "Emotional literacy support for primary pupils",
    "Reading catch-up tuition over the summer term",
    "Art therapy sessions for pupils with SEMH needs",
)

_MINI_QUESTIONS = (
    "How you would deliver the service and meet the outcomes",
    "How you would keep the pupils safe",
    "Your staff's experience with pupils with similar needs",
)

_ANSWER = (
    "We would assign a named tutor with enhanced DBS clearance, agree a plan with the school "
    "in the first week and report progress every half term against the agreed outcomes. "
)

_DECLINE_REASONS = (
    "We have no capacity this term.",
    "The work is too far from our base.",
    "We cannot offer the hours asked for.",
)


def _admitted_and_eligible(connection: Connection) -> tuple[dict[int, list[int]], set[int]]:
    """Who publishing would invite, per lot (as services.invitable): admitted and not suspended,
    without an expired mandatory document (judged today), in organisation order; and which
    organisations are based in the borough."""
    from portal.documents.models import MANDATORY_KINDS

    admissions, documents, versions = (
        _table("admissions"),
        _table("documents"),
        _table("document_versions"),
    )
    latest = (
        select(versions.c.document_id, func.max(versions.c.number).label("number"))
        .group_by(versions.c.document_id)
        .subquery()
    )
    expired = set(
        connection.scalars(
            select(documents.c.organisation_id)
            .join(latest, latest.c.document_id == documents.c.id)
            .join(
                versions,
                (versions.c.document_id == documents.c.id) & (versions.c.number == latest.c.number),
            )
            .where(documents.c.kind.in_(MANDATORY_KINDS), versions.c.expiry_date < today())
            .distinct()
        )
    )
    by_lot: dict[int, list[int]] = {}
    for organisation_id, lot_id in connection.execute(
        select(admissions.c.organisation_id, admissions.c.lot_id)
        .where(admissions.c.status == "admitted")
        .order_by(admissions.c.lot_id, admissions.c.organisation_id)
    ):
        if organisation_id not in expired:
            by_lot.setdefault(lot_id, []).append(organisation_id)
    organisations = _table("organisations")
    local = set(
        connection.scalars(select(organisations.c.id).where(organisations.c.is_local.is_(True)))
    )
    return by_lot, local


def seed_competitions(connection, result, plan, staff, template) -> None:
    """Mini-competitions and placement requests in every stage, with what each stage has made:
    invitations (to the organisations publishing would have invited), questions asked and
    answered, quotes and their submitted versions, declines, the panel's declarations and
    scores, agreed scores, awards. Scores, rankings and winners follow the published rules
    (portal/competitions/scoring.py)."""
    if "competitions" not in Base.metadata.tables:
        result.notes.append("Competitions: not built yet, no competition data seeded.")
        return
    from portal.competitions import scoring
    from portal.competitions.models import AGE_BANDS
    from portal.core.time import add_working_days

    by_lot, local = _admitted_and_eligible(connection)
    lots = sorted(by_lot)
    if not lots:
        result.notes.append("Competitions: no organisation is admitted to a lot, none seeded.")
        return
    owner = dict(plan.organisations)
    commissioners, reviewers = staff[COMMISSIONER], staff[REVIEWER]
    now = utcnow()
    total = max(len(COMPETITION_STAGES), round(COMPETITIONS * result.scale))
    ids = {
        name: _next_id(connection, name)
        for name in (
            "competitions",
            "competition_questions",
            "competition_invitations",
            "competition_clarifications",
            "quotes",
            "quote_versions",
            "competition_evaluators",
            "competition_scores",
            "competition_moderated_scores",
            "audit_events",
        )
    }

    def next_id(name: str) -> int:
        ids[name] += 1
        return ids[name] - 1

    rows: dict[str, list] = {name: [] for name in ids}
    invitations: list[tuple] = []  # the largest table: tuples, not dicts
    showcase: list[int] = []  # evaluated, with a full set of bidders: for the pages measured
    placements = 0

    for n in range(total):
        stage = COMPETITION_STAGES[n % len(COMPETITION_STAGES)]
        placement = n % 7 == 5
        placements += placement
        lot_id = lots[n % len(lots)]
        commissioner = commissioners[n % len(commissioners)]
        deadline = now + timedelta(days=_DEADLINE_DAYS[stage], hours=-(n % 5))
        clarification_deadline = deadline - timedelta(days=5 if stage != "closing" else 2)
        published = None if stage == "draft" else clarification_deadline - timedelta(days=9)
        # How long it sat as a draft varies (later rounds of the stages longer), so the
        # council's list, newest first, mixes drafts, open and closed ones at every scale.
        sat = timedelta(
            days=2 + 20 * (n // len(COMPETITION_STAGES)) / max(1, total // len(COMPETITION_STAGES))
        )
        created = (published or now) - sat - timedelta(hours=n % 24)
        local_preference = "none"
        if not placement and n % 6 == 2:
            local_preference = "weighted"
        elif not placement and n % 6 == 4:
            local_preference = "local_only"
        local_weight = 10 if local_preference == "weighted" else 0
        if placement:
            quality, price_weight = (
                100 - scoring.PLACEMENT_PRICE_WEIGHT,
                scoring.PLACEMENT_PRICE_WEIGHT,
            )
            questions = [
                (text, weight, limit, kind)
                for text, weight, limit, kind in scoring.PLACEMENT_QUESTIONS
            ]
        else:
            quality, price_weight = 60 - local_weight // 2, 40 - local_weight // 2
            weights = (quality // 2, quality - quality // 2 - 10, 10)
            questions = [
                (text, weight, 500, "text")
                for text, weight in zip(_MINI_QUESTIONS, weights, strict=True)
            ]
        competition_id = next_id("competitions")
        status = {"awarded": "awarded", "confirmed": "confirmed", "draft": "draft"}.get(
            stage, "cancelled" if stage == "cancelled" else "published"
        )
        competition = {
            "id": competition_id,
            "kind": "placement_request" if placement else "mini_competition",
            "status": status,
            "lot_id": lot_id,
            "title": (
                f"Placement: one-to-one support, {list(AGE_BANDS)[n % len(AGE_BANDS)]} years"
                if placement
                else f"{_SERVICES[n % len(_SERVICES)]} ({n + 1})"
            ),
            "description": "What the council needs, where and for how long.\n" * 3,
            "requirements": "Enhanced DBS checks for every tutor. Weekly attendance reports.",
            "price_basis": (
                ("hourly", "per_placement")[n % 2]
                if placement
                else ("total", "hourly", "daily")[n % 3]
            ),
            "quality_weight": quality,
            "price_weight": price_weight,
            "local_preference": local_preference,
            "local_weight": local_weight,
            "clarification_deadline": clarification_deadline,
            "submission_deadline": deadline,
            "reference_code": f"SEND-{1000 + n:04d}" if placement else None,
            "age_band": list(AGE_BANDS)[n % len(AGE_BANDS)] if placement else None,
            "needs_summary": (
                "Needs one-to-one support with reading and a calm space to work in."
                if placement
                else None
            ),
            "hours_per_week": 10 + n % 15 if placement else None,
            "start_date": (deadline + timedelta(days=21)).date() if placement else None,
            "area": _LOCAL[n % len(_LOCAL)] if placement else None,
            "created_by_id": commissioner,
            "created_at": created,
            "published_at": published,
            "lock_version": 1 if stage == "draft" else 2,
            # Set below by stage (every row has every key: _insert_dicts reads the first's).
            "cancelled_at": None,
            "cancel_reason": None,
            "moderation_closed_at": None,
            "awarded_at": None,
            "winner_quote_id": None,
            "award_reason": None,
            "standstill_ends_on": None,
            "confirmed_at": None,
            "invited_count": 0,
        }
        rows["competitions"].append(competition)
        events = [(created, commissioner, "competition.created", competition_id)]
        if published:
            events.append((published, commissioner, "competition.published", competition_id))

        question_ids = []
        for position, (wording, weight, limit, kind) in enumerate(questions, 1):
            question_ids.append((next_id("competition_questions"), weight, kind))
            rows["competition_questions"].append(
                {
                    "id": question_ids[-1][0],
                    "competition_id": competition_id,
                    "position": position,
                    "text": wording,
                    "weight": weight,
                    "word_limit": limit,
                    "answer_kind": kind,
                }
            )
        text_ids = [qid for qid, _weight, kind in question_ids if kind == "text"]

        # The panel, named before publishing: a lead commissioner, a reviewer, another
        # commissioner (one evaluator for a placement request). Every third mini-competition's
        # third evaluator declares a conflict after the deadline and takes no part.
        panel_users = [commissioner]
        if not placement:
            panel_users += [
                reviewers[n % len(reviewers)],
                commissioners[(n + 1) % len(commissioners)],
            ]
        past = stage in _PAST_DEADLINE
        panel = []  # (evaluator id, can score)
        for position, user_id in enumerate(panel_users):
            conflict = past and position == 2 and n % 3 == 0
            lead = position == 0
            # Submitting a placement request's scores closes its evaluation.
            submitted = (
                past
                and not conflict
                and (stage in _EVALUATED or (not placement and (stage == "moderating" or lead)))
            )
            evaluator_id = next_id("competition_evaluators")
            panel.append((evaluator_id, past and not conflict, position))
            rows["competition_evaluators"].append(
                {
                    "id": evaluator_id,
                    "competition_id": competition_id,
                    "user_id": user_id,
                    "is_lead": lead,
                    "declared_at": deadline + timedelta(hours=2) if past else None,
                    "has_conflict": conflict if past else None,
                    "conflict_detail": "I used to work for one of the bidders."
                    if conflict
                    else None,
                    "scores_submitted_at": deadline + timedelta(days=2) if submitted else None,
                }
            )
        if stage == "draft":
            _competition_events(rows, events, next_id)
            continue

        # Invitations: everyone publishing would have invited, as it would have.
        invited = [o for o in by_lot[lot_id] if local_preference != "local_only" or o in local]
        if not invited:
            invited = by_lot[lot_id]  # too small a seed for a local-only one: a wider one
            rows["competitions"][-1]["local_preference"] = "none"
        competition["invited_count"] = len(invited)
        start = (n * 37) % len(invited)
        rotated = invited[start:] + invited[:start]
        bidding = rotated[:QUOTES_PER_COMPETITION]
        declining = rotated[QUOTES_PER_COMPETITION : QUOTES_PER_COMPETITION + 3]
        for organisation_id in invited:
            declined = organisation_id in declining
            invitations.append(
                (
                    next_id("competition_invitations"),
                    competition_id,
                    organisation_id,
                    published,
                    published + timedelta(days=2) if declined else None,
                    _DECLINE_REASONS[organisation_id % 3] if declined else None,
                    owner.get(organisation_id) if declined else None,
                )
            )

        # Questions from bidders: answered, except the newest while the competition is open.
        for k, organisation_id in enumerate(bidding[:3]):
            asked = published + timedelta(days=1 + k)
            answered = not (stage in ("open", "closing") and k == 2)
            question = f"Can the sessions take place at the pupils' school? (question {k + 1})"
            rows["competition_clarifications"].append(
                {
                    "id": next_id("competition_clarifications"),
                    "competition_id": competition_id,
                    "organisation_id": organisation_id,
                    "asked_by_id": owner.get(organisation_id),
                    "asked_at": asked,
                    "question": question,
                    "published_question": question if answered else None,
                    "answer": "Yes, in a room the school provides." if answered else None,
                    "answered_at": asked + timedelta(hours=20) if answered else None,
                    "answered_by_id": commissioner if answered else None,
                }
            )

        # Quotes. Before the deadline some are still drafts and some withdrawn; past it, every
        # one of the 20 was submitted (every third revised once).
        submitted_quotes = []  # (quote id, organisation id, answers, price)
        base_price = {"total": 1_200_000, "hourly": 4_500, "daily": 30_000}.get(
            competition["price_basis"], 250_000
        )
        for k, organisation_id in enumerate(bidding):
            quote_id = next_id("quotes")
            user_id = owner.get(organisation_id)
            quote_status = "submitted"
            if not past and k % 5 == 3:
                quote_status = "draft"
            elif not past and k % 7 == 6:
                quote_status = "withdrawn"
            answers = {}
            for qid, _weight, kind in question_ids:
                answers[str(qid)] = (
                    list(scoring.DISTANCE_BANDS)[(k + n) % len(scoring.DISTANCE_BANDS)]
                    if kind != "text"
                    else _ANSWER * (1 + (k + qid) % 4)
                )
            price = base_price * (80 + (k * 7 + n) % 41) // 100
            # Submitted between publishing and the deadline (or now, while it is open).
            window = min(now, deadline) - published
            first_at = published + window * (0.2 + 0.3 * k / QUOTES_PER_COMPETITION)
            versions = 0 if quote_status == "draft" else 2 if k % 3 == 0 else 1
            for number in range(1, versions + 1):
                rows["quote_versions"].append(
                    {
                        "id": next_id("quote_versions"),
                        "quote_id": quote_id,
                        "number": number,
                        "answers": answers,
                        "price_pence": price if number == versions else price * 11 // 10,
                        "attachment_ids": [],
                        "submitted_at": first_at + window * 0.3 * (number - 1),
                        "submitted_by_id": user_id,
                    }
                )
            last_at = first_at + window * 0.3 * max(versions - 1, 0)
            rows["quotes"].append(
                {
                    "id": quote_id,
                    "competition_id": competition_id,
                    "organisation_id": organisation_id,
                    "status": quote_status,
                    "answers": answers,
                    "price_pence": price,
                    "updated_at": last_at,
                    "updated_by_id": user_id,
                    "submitted_at": last_at if versions else None,
                    "lock_version": 1 + 2 * versions + (quote_status == "withdrawn"),
                }
            )
            if quote_status == "submitted":
                submitted_quotes.append((quote_id, organisation_id, answers, price))

        if past:
            _seed_evaluation(
                rows,
                next_id,
                stage,
                placement,
                panel,
                submitted_quotes,
                text_ids,
                deadline,
                commissioner,
            )
        if stage in _EVALUATED:
            # The award follows the published rules: the top-ranked quote wins.
            moderated = {}
            for row in rows["competition_moderated_scores"]:
                moderated.setdefault(row["quote_id"], {})[row["question_id"]] = row["score"]
            bids = []
            for quote_id, organisation_id, answers, price in submitted_quotes:
                scores = dict(moderated.get(quote_id, {}))
                for qid, _weight, kind in question_ids:
                    if kind != "text":
                        scores[qid] = scoring.distance_score(answers[str(qid)])
                bids.append(scoring.Bid(quote_id, price, scores, organisation_id in local))
            ranked = scoring.rank(
                bids,
                {qid: weight for qid, weight, _kind in question_ids},
                price_weight,
                local_weight,
            )
            closed = deadline + timedelta(days=6)
            competition["moderation_closed_at"] = closed
            events.append((closed, commissioner, "competition.evaluation_closed", competition_id))
            if len(submitted_quotes) >= min(QUOTES_PER_COMPETITION, len(invited)):
                showcase.append(competition_id)
            if stage in ("awarded", "confirmed"):
                awarded = (
                    now - timedelta(days=3) if stage == "awarded" else closed + timedelta(days=2)
                )
                standstill = add_working_days(awarded.date(), 8)
                competition.update(
                    awarded_at=awarded,
                    winner_quote_id=ranked[0].key,
                    standstill_ends_on=standstill,
                    lock_version=3 if stage == "awarded" else 4,
                )
                events.append((awarded, commissioner, "competition.awarded", competition_id))
                if stage == "confirmed":
                    confirmed = datetime.combine(standstill + timedelta(days=1), awarded.timetz())
                    competition["confirmed_at"] = confirmed
                    events.append(
                        (confirmed, commissioner, "competition.award_confirmed", competition_id)
                    )
        if stage == "cancelled":
            cancelled = now - timedelta(days=1)
            competition.update(
                cancelled_at=cancelled,
                cancel_reason="The school has found the support it needs elsewhere.",
                lock_version=3,
            )
            events.append((cancelled, commissioner, "competition.cancelled", competition_id))
        _competition_events(rows, events, next_id)

    counts = {}
    for name in (
        "competitions",
        "competition_questions",
        "competition_evaluators",
    ):
        counts[name] = _insert_dicts(connection, name, rows[name])
    counts["competition_invitations"] = bulk_insert(
        connection,
        _table("competition_invitations"),
        [
            "id",
            "competition_id",
            "organisation_id",
            "invited_at",
            "declined_at",
            "decline_reason",
            "declined_by_id",
        ],
        invitations,
    )
    for name in (
        "competition_clarifications",
        "quotes",
        "quote_versions",
        "competition_scores",
        "competition_moderated_scores",
    ):
        counts[name] = _insert_dicts(connection, name, rows[name])
    _insert_dicts(connection, "audit_events", rows["audit_events"])

    # The pages measured: each commissioner opens an evaluated competition with a full set of
    # bidders (spread over them), as reviewers each open their own application.
    for k, person in enumerate(result.commissioners):
        person["competition_id"] = showcase[k % len(showcase)] if showcase else None
    invited_people = sum(
        1 for p in result.providers if any(p["organisation_id"] in o for o in by_lot.values())
    )
    result.notes.append(
        f"Competitions seeded ({placements} placement requests): "
        + ", ".join(f"{name} {count}" for name, count in counts.items())
        + f". {invited_people} of the {len(result.providers)} providers signed in are on a lot."
        " Quotes have no attachments (no files in the store)."
    )


def _seed_evaluation(
    rows, next_id, stage, placement, panel, quotes, text_ids, deadline, lead_user
) -> None:
    """Each evaluator's scores (all of them from the lead; half from the others while scoring)
    and the agreed scores: half the quotes while moderating, all once evaluated. A placement
    request has one evaluator, whose submitted scores are the agreed ones."""
    at = deadline + timedelta(days=1)
    detail = ("little", "clear")
    given: dict[tuple[int, int], list[int]] = {}
    for evaluator_id, can_score, position in panel:
        if not can_score:
            continue
        for k, (quote_id, _organisation, _answers, _price) in enumerate(quotes):
            if stage == "scoring" and k % 2 and (position or placement):
                continue
            for qid in text_ids:
                score = (k * 3 + qid + position) % 5
                given.setdefault((quote_id, qid), []).append(score)
                rows["competition_scores"].append(
                    {
                        "id": next_id("competition_scores"),
                        "evaluator_id": evaluator_id,
                        "quote_id": quote_id,
                        "question_id": qid,
                        "score": score,
                        "comment": f"Score {score}: the answer gives {detail[score > 2]} detail.",
                        "updated_at": at,
                    }
                )
    moderated = stage in _EVALUATED or (stage == "moderating" and not placement)
    if not moderated:
        return
    for k, (quote_id, *_rest) in enumerate(quotes):
        if stage == "moderating" and k % 2:
            continue
        for qid in text_ids:
            scores = given[quote_id, qid]
            rows["competition_moderated_scores"].append(
                {
                    "id": next_id("competition_moderated_scores"),
                    "quote_id": quote_id,
                    "question_id": qid,
                    "score": round(sum(scores) / len(scores)),
                    "rationale": "Agreed by the panel: the answer meets the need in most respects.",
                    "moderated_by_id": lead_user,
                    "updated_at": at + timedelta(days=3),
                }
            )


def _competition_events(rows, events, next_id) -> None:
    for at, actor, action, competition_id in events:
        rows["audit_events"].append(
            {
                "id": next_id("audit_events"),
                "occurred_at": at,
                "actor_id": actor,
                "action": action,
                "object_type": "competition",
                "object_id": competition_id,
            }
        )
