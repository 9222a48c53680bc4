"""Demo mini-competitions and a placement request, one at each stage that needs someone: open
for quotes with questions from providers (one answered, one not), closed and ready to evaluate,
awarded and in standstill, a placement request open, and a draft to publish. Each is run through
the competition services by the people who would run it, with the clock set to when each step
happened (the competitions judge deadlines by the database's clock, moved by
COMPETITION_CLOCK_OFFSET as the tests move it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from portal.accounts.models import User
from portal.competitions.models import (
    MINI_COMPETITION,
    NO_PREFERENCE,
    PLACEMENT_REQUEST,
    Competition,
)
from portal.competitions.services import (
    awarding,
    clarifications,
    drafting,
    evaluating,
    quoting,
)
from portal.core.time import LONDON, clock_set_to, london_hour, utcnow
from portal.demo.settings import settings_for_a_while
from portal.lots.models import Lot


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Run the block as if it were `moment`, for the competitions' deadlines as for the rest."""
    with (
        settings_for_a_while(COMPETITION_CLOCK_OFFSET=moment - utcnow()),
        clock_set_to(moment),
    ):
        yield


def _moment(now: datetime, days: float, hour: int = 12) -> datetime:
    """`days` from now (negative: ago), at `hour` in London."""
    day = (now + timedelta(days=days)).astimezone(LONDON).date()
    return london_hour(day, hour)


def _details(kind: str, lot: Lot, title: str, opened: datetime, **more) -> drafting.Details:
    """A competition's details: questions close 10 days after `opened`, quotes 14 days after."""
    fields = {
        "kind": kind,
        "lot_id": lot.id,
        "title": title,
        "description": more.pop("description"),
        "requirements": more.pop("requirements"),
        "price_basis": "hourly",
        "planned_units": 120,
        "quality_weight": 60,
        "price_weight": 40,
        "local_preference": NO_PREFERENCE,
        "local_weight": 0,
        "clarification_deadline": more.pop("questions_close", _moment(opened, 10, 17)),
        "submission_deadline": more.pop("quotes_close", _moment(opened, 14, 12)),
    }
    return drafting.Details(**(fields | more))


QUESTIONS = (
    ("How you will plan each child's sessions with their school", 35, 300),
    ("How you will show the progress each child makes", 25, 200),
)
ANSWERS = (
    "We meet the school's SENCo before the first session, agree targets for each child and "
    "share a short plan with the family. Sessions follow the plan and we review it every four "
    "weeks.",
    "Each child has a baseline assessment in the first week and a progress check every half "
    "term, reported to the school and the council in our monthly return.",
)


def _mini_competition(
    commissioner: User, panel: list[User], lot: Lot, title: str, opened: datetime, **more
) -> Competition:
    """Drafted and published on `opened`, with two written questions and a panel of two (the
    commissioner leading)."""
    with at(opened - timedelta(hours=3)):
        competition = drafting.create_competition(
            commissioner, _details(MINI_COMPETITION, lot, title, opened, **more)
        )
        for text, weight, limit in QUESTIONS:
            drafting.add_question(commissioner, competition, text, weight, limit)
        drafting.set_evaluators(
            commissioner, competition, [user.id for user in panel], commissioner.id
        )
    with at(opened):
        drafting.publish(commissioner, competition, competition.lock_version)
    return competition


def _quote(user: User, competition: Competition, price: str, moment: datetime, band=None):
    with at(moment):
        view = quoting.get_opportunity(user, competition.id, acting=True)
        answers = {}
        for question, text in zip(competition.questions, ANSWERS * 2, strict=False):
            answers[question.key] = band if question.answer_kind == "distance_band" else text
        quote = quoting.save_quote(user, view, answers, price, None)
        view = quoting.get_opportunity(user, competition.id, acting=True)
        quoting.submit_quote(user, view, quote.lock_version)


def _ask(user: User, competition: Competition, question: str, moment: datetime):
    with at(moment):
        view = quoting.get_opportunity(user, competition.id, acting=True)
        return clarifications.ask_clarification(user, view, question)


def _evaluate(competition: Competition, lead: User, panel: list[User], moment: datetime) -> None:
    """Every evaluator declares no conflict, scores every quote and submits; the lead agrees
    the scores and closes moderation."""
    with at(moment):
        for evaluator in panel:
            evaluating.declare(evaluator, competition, False, None)
        quotes = evaluating.bidders(competition)
        for evaluator in panel:
            for rank, quote in enumerate(quotes):
                marks = _marks(competition, rank, "Clear, with examples from schools.")
                evaluating.save_scores(evaluator, competition, quote, marks)
            evaluating.submit_scores(evaluator, competition)
        for rank, quote in enumerate(quotes):
            marks = _marks(competition, rank, "The panel agreed: clear and specific.")
            evaluating.moderate(lead, competition, quote, marks)
        evaluating.close_moderation(lead, competition)


def _marks(competition: Competition, rank: int, comment: str) -> dict[int, tuple[str, str]]:
    """The same mark for every written answer of the quote `rank` places from the top (4 for
    the first, down to 1), with `comment`."""
    return {
        question.id: (str(max(4 - rank, 1)), comment)
        for question in quoting.text_questions(competition)
    }


def seed(users: dict[str, User], lots: dict[str, Lot]) -> None:
    """The competitions, from the oldest; `users` holds every demo account by email."""
    commissioner = users["commissioner@example.org"]
    reviewer = users["reviewer@example.org"]
    panel = [commissioner, reviewer]
    now = utcnow()
    owner = {
        name: users[email]
        for name, email in (
            ("bright", "provider@example.org"),
            ("stourbridge", "provider2@example.org"),
            ("black country", "owner@blackcountrytutors.example.org"),
            ("national", "owner@nationallearning.example.org"),
            ("sedgley", "owner@sedgleyyouth.example.org"),
            ("stem", "owner@wolverhamptonstem.example.org"),
        )
    }

    # Awarded a few days ago; the standstill runs on into next week.
    opened = _moment(now, -32, 10)
    awarded = _mini_competition(
        commissioner, panel, lots["in-person-tuition"], "Year 11 maths catch-up tuition", opened,
        description="Small-group maths tuition for Year 11 pupils out of school, in Dudley.",
        requirements="Qualified maths teachers; sessions in council venues; weekly reports.",
    )  # fmt: skip
    _quote(owner["national"], awarded, "38", _moment(opened, 5))
    _quote(owner["black country"], awarded, "32.50", _moment(opened, 7))
    _quote(owner["bright"], awarded, "35", _moment(opened, 9))
    _evaluate(awarded, commissioner, panel, _moment(opened, 16))
    with at(_moment(now, -3, 11)):
        winner = awarding.ranking(awarded)[0].quote.id
        awarding.award(commissioner, awarded, winner, None, True, awarded.lock_version)

    # Closed two days ago: the quotes are in, ready for the panel.
    opened = _moment(now, -16, 10)
    closed = _mini_competition(
        commissioner, panel, lots["mentoring"], "Mentoring for young people at risk of exclusion",
        opened,
        description="One-to-one mentoring for secondary pupils at risk of permanent exclusion.",
        requirements="Weekly sessions in school or the community; termly reviews with the school.",
    )  # fmt: skip
    _quote(owner["sedgley"], closed, "24", _moment(opened, 6))
    _quote(owner["stourbridge"], closed, "26.50", _moment(opened, 11))

    # Open for quotes: one question answered and published, one waiting for an answer.
    opened = _moment(now, -5, 10)
    open_now = _mini_competition(
        commissioner, panel, lots["online-tuition"], "Online GCSE English tuition, spring term",
        opened,
        description="Live online English tuition for Year 10 and 11 pupils not in school.",
        requirements="Live lessons (not recorded); safeguarding for online teaching; a weekly "
        "report to the school.",
    )  # fmt: skip
    asked = _ask(owner["stem"], open_now, "Can lessons be in small groups of up to three, or "
                 "must every lesson be one to one?", _moment(opened, 1, 14))  # fmt: skip
    with at(_moment(opened, 2, 9)):
        clarifications.answer_clarification(
            commissioner,
            open_now,
            asked,
            asked.question,
            "Groups of up to three are welcome where the pupils are working at the same level.",
        )
    _quote(owner["black country"], open_now, "29", _moment(opened, 3))
    _ask(owner["national"], open_now, "Will the council provide laptops for pupils who do not "
         "have one?", _moment(now, -1, 15))  # fmt: skip

    # A placement request for one child, open for a few more days.
    opened = _moment(now, -2, 10)
    with at(opened - timedelta(hours=2)):
        placement = drafting.create_competition(
            commissioner,
            _details(
                PLACEMENT_REQUEST, lots["semh-mentoring"], "SEMH mentoring for a Year 9 pupil",
                opened,
                description="Mentoring for a pupil with social, emotional and mental health "
                "needs, alongside a part-time timetable in school.",
                requirements="An experienced SEMH mentor; sessions in school or nearby.",
                price_basis="per_placement", planned_units=1,
                questions_close=_moment(opened, 4, 17), quotes_close=_moment(opened, 7, 12),
                reference_code="SEND-0427", age_band="11-13",
                needs_summary="Anxiety about school and low attendance; needs a calm, consistent "
                "mentor twice a week.",
                hours_per_week=4, start_date=_moment(now, 21).date(), area="DY8",
            ),
        )  # fmt: skip
        drafting.set_evaluators(commissioner, placement, [reviewer.id], reviewer.id)
    with at(opened):
        drafting.publish(commissioner, placement, placement.lock_version)
    _quote(owner["sedgley"], placement, "3200", _moment(opened, 1), band="3-to-5")

    # A draft the commissioner has started.
    with at(_moment(now, -1, 16)):
        drafting.create_competition(
            commissioner,
            _details(
                MINI_COMPETITION, lots["robotics-and-stem"], "After-school robotics club",
                _moment(now, 7),
                description="A weekly robotics club for pupils in alternative provision.",
                requirements="Kit provided by the provider; DBS-checked staff.",
            ),
        )  # fmt: skip
