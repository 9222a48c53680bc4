"""A small framework a year into its life, made through the services as the people in it would
have made it: a dozen providers across the lots (small and large, voluntary and not, local and
not), most admitted a year ago with their documents and twelve months of KPI returns, four
applications in the reviewers' queue, and mini-competitions and a placement request at every
stage. Things that take time to happen (a return submitted on its due date, an application that
has waited three weeks) are made with the clock set back to when they happened
(core.time.clock_set_to), never by changing rows behind the services' back.

Dates are relative to the day it is seeded, so every demo account has real work waiting."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.accounts.models import PROVIDER, User
from portal.accounts.passwords import hash_password
from portal.admissions import services as admissions
from portal.applications import services as applications
from portal.core.db import db
from portal.core.time import LONDON, add_working_days, clock_set_to, london_hour, utcnow
from portal.demo import applications as demo_applications
from portal.demo import capacity as demo_capacity
from portal.demo import competitions as demo_competitions
from portal.demo import contracts as demo_contracts
from portal.demo import documents as demo_documents
from portal.demo import meetings as demo_meetings
from portal.demo import outbox as demo_outbox
from portal.demo import quality as demo_quality
from portal.demo import referrals as demo_referrals
from portal.demo.pdf import text_pdf
from portal.documents import services as documents
from portal.kpi_returns import demo as kpi_demo
from portal.kpi_returns import months
from portal.kpi_returns import services as kpi_returns
from portal.kpi_returns.definitions import Catalogue
from portal.lots.models import Lot
from portal.organisations import services as organisations
from portal.organisations.models import Organisation
from portal.reviews import decisions
from portal.reviews import services as reviews


@dataclass(frozen=True)
class Provider:
    email: str
    person: str
    details: dict
    lots: tuple[str, ...]
    # What it is doing: "admitted" a year ago, or one of the queue's stories.
    story: str = "admitted"
    # KPI figures: "steady" or "struggling" (two inadequate months open an escalation).
    figures: str = "steady"
    # Documents beyond the three every provider holds: (kind, title, state).
    extra_documents: tuple = field(default_factory=tuple)
    # Required kinds it has not uploaded (so it cannot be invited to quote until it does).
    missing: tuple[str, ...] = ()


def _details(
    legal_name: str,
    legal_form: str,
    address: str,
    town: str,
    postcode: str,
    person: str,
    email: str,
    *,
    trading_name: str | None = None,
    company_number: str | None = None,
    charity_number: str | None = None,
    is_sme: bool = True,
    is_vcse: bool = False,
) -> dict:
    return {
        "legal_name": legal_name,
        "trading_name": trading_name,
        "legal_form": legal_form,
        "company_number": company_number,
        "charity_number": charity_number,
        "is_sme": is_sme,
        "is_vcse": is_vcse,
        "address_line_1": address,
        "address_line_2": None,
        "town": town,
        "postcode": postcode,
        "phone": "01384 000100",
        "website": None,
        "contact_name": person,
        "contact_email": email,
    }


def _provider(email, person, legal_name, legal_form, address, town, postcode, lots, **more):
    keys = ("trading_name", "company_number", "charity_number", "is_sme", "is_vcse")
    details = _details(
        legal_name,
        legal_form,
        address,
        town,
        postcode,
        person,
        email,
        **{key: more.pop(key) for key in keys if key in more},
    )
    return Provider(email, person, details, lots, **more)


PROVIDERS = (
    _provider(
        "provider@example.org", "Priya Provider", "Bright Futures Learning Ltd", "company",
        "1 Castle Hill", "Dudley", "DY1 4QF", ("in-person-tuition", "online-tuition"),
        trading_name="Bright Futures", company_number="01234567",
        story="admitted, applying for more",
    ),
    _provider(
        "provider2@example.org", "Sam Second-Provider", "Stourbridge Mentoring Trust", "charity",
        "12 High Street", "Stourbridge", "DY8 1DE", ("mentoring", "semh-mentoring"),
        charity_number="1123456", is_vcse=True, figures="struggling",
        extra_documents=(("insurance_certificate", "Employer's liability", "expired"),),
    ),
    _provider(
        "owner@blackcountrytutors.example.org", "Bola Adeyemi", "Black Country Tutors Ltd",
        "company", "4 Wellington Road", "Dudley", "DY2 8PB",
        ("online-tuition", "in-person-tuition"), company_number="08765432",
    ),
    _provider(
        "owner@halesowenforest.example.org", "Hannah Price", "Halesowen Forest School CIC", "cic",
        "Leasowes Park Lodge", "Halesowen", "B63 3QQ",
        ("creative-therapeutic-provision", "alternative-provision"),
        company_number="11223344", is_vcse=True,
    ),
    _provider(
        "owner@midlandstherapy.example.org", "Marcus Webb", "Midlands Therapy Partnership LLP",
        "partnership", "200 Broad Street", "Birmingham", "B15 1AY",
        ("therapeutic-support", "creative-therapeutic-provision"),
        extra_documents=(("equality_policy", "Equality policy", "review overdue"),),
        missing=("health_and_safety_policy",),
    ),
    _provider(
        "owner@nationallearning.example.org", "Nadia Khan", "National Learning Group plc",
        "company", "90 Old Street", "London", "EC1V 9AZ",
        ("alternative-provision", "online-tuition", "in-person-tuition"),
        company_number="03456789", is_sme=False,
    ),
    _provider(
        "owner@sedgleyyouth.example.org", "Sean Doyle", "Sedgley Youth Trust", "charity",
        "3 Bull Ring", "Sedgley", "DY3 1RU", ("mentoring", "semh-mentoring"),
        charity_number="1098765", is_vcse=True,
    ),
    _provider(
        "owner@wolverhamptonstem.example.org", "Wendy Li", "Wolverhampton STEM Club Ltd",
        "company", "15 Lichfield Street", "Wolverhampton", "WV1 1DG",
        ("robotics-and-stem", "online-tuition"), company_number="09988776",
    ),
    _provider(
        "owner@kingswinfordpathways.example.org", "Kieran Shaw", "Kingswinford Pathways Ltd",
        "company", "22 Market Street", "Kingswinford", "DY6 9JS", ("alternative-provision",),
        company_number="10293847", story="waiting past the service level",
    ),
    _provider(
        "owner@brierleyhillarts.example.org", "Bea Thompson", "Brierley Hill Arts Collective",
        "charity", "7 Church Street", "Brierley Hill", "DY5 3PT",
        ("creative-therapeutic-provision",), charity_number="1187654", is_vcse=True,
        story="returned and resubmitted",
    ),
    _provider(
        "owner@worcesterinternships.example.org", "Will Evans",
        "Worcester Supported Internships Ltd", "company", "5 Foregate Street", "Worcester",
        "WR1 1DB", ("supported-internships",),
        company_number="12345098", story="in review",
    ),
    _provider(
        "owner@lyecommunity.example.org", "Leah Patel", "Lye Community Learning", "charity",
        "40 High Street", "Lye", "DY9 8LA", ("mentoring",), charity_number="1176543",
        is_vcse=True, story="submitted today",
    ),
)  # fmt: skip

# How long ago the framework opened and its first providers were admitted.
FRAMEWORK_MONTHS = 13


def is_seeded() -> bool:
    return (
        db.session.scalar(
            select(Organisation.id).where(
                Organisation.legal_name == PROVIDERS[-1].details["legal_name"]
            )
        )
        is not None
    )


def _upload(user: User, organisation: Organisation, kind: str, title: str, **details) -> None:
    name = title.lower().replace(" ", "-").replace("'", "")
    storage = FileStorage(
        stream=io.BytesIO(text_pdf(f"{organisation.legal_name}: {title}")),
        filename=f"{name}.pdf",
        content_type="application/pdf",
    )
    documents.upload_document(
        user, organisation, {"kind": kind, "title": title, **details}, storage
    )


def _documents(user: User, organisation: Organisation, provider: Provider, on: date) -> None:
    """The three documents call-offs need, in date (but those it is `missing`); Bright Futures'
    insurance runs out within the month; and each provider's extra documents in the state their
    story says."""
    insurance_ends = (
        on + timedelta(days=20)
        if provider.email == "provider@example.org"
        else months.add_months(on, 7)
    )
    required: dict[str, tuple[str, dict[str, Any]]] = {
        "safeguarding_policy": (
            "Safeguarding and child protection policy",
            {"review_date": months.add_months(on, 8)},
        ),
        "health_and_safety_policy": (
            "Health and safety policy",
            {"review_date": months.add_months(on, 10)},
        ),
        "insurance_certificate": (
            "Public liability",
            {
                "cover_type": "public_liability",
                "cover_amount_pence": 500_000_000,
                "expiry_date": insurance_ends,
                "issuer": "Midland Mutual",
            },
        ),
    }
    for kind, (title, details) in required.items():
        if kind not in provider.missing:
            _upload(user, organisation, kind, title, **details)
    for kind, title, state in provider.extra_documents:
        if state == "expired":
            _upload(user, organisation, kind, title, cover_type="employers_liability",
                    cover_amount_pence=1_000_000_000, expiry_date=on - timedelta(days=10),
                    issuer="Midland Mutual")  # fmt: skip
        elif state == "review overdue":
            _upload(user, organisation, kind, title, review_date=on - timedelta(days=14))


def _account(provider: Provider, password_hash: str, users: dict[str, User]) -> User:
    user = users.get(provider.email) or db.session.scalar(
        select(User).where(User.email == provider.email)
    )
    if user is None:
        user = User(
            email=provider.email,
            full_name=provider.person,
            role=PROVIDER,
            password_hash=password_hash,
            email_verified_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
    users[provider.email] = user
    return user


def seed(users: dict[str, User], password: str) -> dict[str, Organisation]:
    """Make the framework (the caller has checked it is not there yet). `users` holds the demo
    accounts by email; the other providers' owners are added to it. The organisations by their
    owner's email."""
    today = utcnow().astimezone(LONDON).date()
    opened = months.add_months(months.first_of(today), -FRAMEWORK_MONTHS)
    reviewer = users["reviewer@example.org"]
    lots = {lot.slug: lot for lot in db.session.scalars(select(Lot))}
    password_hash = hash_password(password)
    made: dict[str, Organisation] = {}
    with clock_set_to(london_hour(opened - timedelta(days=20), 10)):
        for provider in PROVIDERS:
            user = _account(provider, password_hash, users)
            memberships = organisations.memberships_of(user)
            made[provider.email] = (
                memberships[0].organisation
                if memberships
                else organisations.create_organisation(user, provider.details)
            )
    # Documents six weeks ago: this year's certificates and policies.
    with clock_set_to(london_hour(today - timedelta(days=42), 10)):
        for provider in PROVIDERS:
            _documents(users[provider.email], made[provider.email], provider, today)
    admitted = [p for p in PROVIDERS if p.story.startswith("admitted")]
    # Admitted when the framework opened: demo data stands in for applications approved then.
    with clock_set_to(london_hour(opened + timedelta(days=2), 10)):
        for provider in admitted:
            for slug in provider.lots:
                admissions.admit(reviewer, None, made[provider.email].id, lots[slug])
    db.session.flush()
    for provider in admitted:
        kpi_demo.seed_returns(users[provider.email], made[provider.email], today, provider.figures)
    _check_returns(reviewer, made["provider@example.org"], today)
    _queue(users, made, reviewer, today)
    _apply_for_more(users["provider@example.org"], made["provider@example.org"], today)
    demo_competitions.seed(users, lots)
    demo_contracts.seed(users, made, lots)
    demo_quality.seed(users, made)
    demo_referrals.seed(users, made, lots)
    demo_meetings.seed(users, made)
    demo_capacity.seed(users, made, lots)
    demo_documents.seed(users, made)
    demo_outbox.seed(users, made)
    return made


def _check_returns(reviewer: User, organisation: Organisation, today: date) -> None:
    """The council locks the months it has checked (all but the last three ended) and asks
    Bright Futures about a figure in its latest return."""
    last = months.last_ended(today)
    first = months.add_months(months.first_of(today), -FRAMEWORK_MONTHS)
    month = first
    while month <= months.add_months(last, -3):
        locked_on = add_working_days(months.due_date(month), 10)
        with clock_set_to(london_hour(locked_on, 15)):
            kpi_returns.lock_month(reviewer, month, locked_on)
        month = months.add_months(month, 1)
    latest = months.add_months(last, -1)
    kpi_return = kpi_returns.return_for(organisation, latest)
    assert kpi_return is not None  # seeded above, with the rest of the twelve months
    asked_on = add_working_days(months.due_date(latest), 2)
    if asked_on > today:
        asked_on = today
    attendance = Catalogue().by_code["attendance-rate"].id
    with clock_set_to(london_hour(asked_on, 11)):
        kpi_returns.ask_query(
            reviewer,
            kpi_return,
            attendance,
            f"Attendance fell in {months.month_name(latest)}. Was this one child's absence, or "
            "several? Tell us what you are doing about it.",
        )


def _working_days_ago(today: date, days: int) -> date:
    day = today
    while days > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _queue(users: dict[str, User], made: dict[str, Organisation], reviewer: User, today: date):
    """Four applications waiting for the reviewers, each with its story."""
    stories = {p.story: p for p in PROVIDERS}
    service_level = reviews.service_level_days()

    def apply_and_submit(provider: Provider, on: date):
        user = users[provider.email]
        with clock_set_to(london_hour(on - timedelta(days=1), 14)):
            application = demo_applications.apply(user, made[provider.email], provider.lots)
        # Today's is submitted a few minutes ago, whatever the hour the demo is seeded at.
        with clock_set_to(min(london_hour(on, 9), utcnow() - timedelta(minutes=5))):
            demo_applications.submit(user, application)
        return application

    overdue = stories["waiting past the service level"]
    apply_and_submit(overdue, _working_days_ago(today, service_level + 4))

    returned = stories["returned and resubmitted"]
    first_sent = _working_days_ago(today, service_level + 6)
    application = apply_and_submit(returned, first_sent)
    returned_on = _working_days_ago(today, service_level - 1)
    with clock_set_to(london_hour(returned_on, 11)):
        reviews.start_review(reviewer, application)
        target = reviews.comment_target(application, "dsl_name")
        reviews.save_comment(
            reviewer,
            application,
            target,
            "Give the full name of your designated safeguarding lead, not a job title.",
        )
        decisions.return_application(
            reviewer,
            application,
            "Your designated safeguarding lead needs a name. Everything else is ready.",
            application.lock_version,
        )
    user = users[returned.email]
    with clock_set_to(london_hour(_working_days_ago(today, 2), 10)):
        demo_applications.change_answer(user, application, "safeguarding", "dsl_name",
                                        "Bea Thompson")  # fmt: skip
        demo_applications.submit(user, application)

    in_review = stories["in review"]
    application = apply_and_submit(in_review, _working_days_ago(today, 3))
    with clock_set_to(london_hour(_working_days_ago(today, 1), 10)):
        reviews.assign(reviewer, application, reviewer.id)
        reviews.start_review(reviewer, application)

    apply_and_submit(stories["submitted today"], today)


def _apply_for_more(user: User, organisation: Organisation, today: date) -> None:
    """Bright Futures, on the framework for tuition, has started applying for mentoring: a few
    sections done, the rest to finish."""
    with clock_set_to(london_hour(_working_days_ago(today, 5), 16)):
        application = applications.start_application(user, organisation)
        demo_applications.fill_in(user, application, ("mentoring",), sections=3)
