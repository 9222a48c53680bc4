"""An admin changes the council's framework settings; the queue, KPI due dates, approvals,
safeguarding flags and the public method page follow at once. Nobody else may change them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.time import add_working_days, today, utcnow, working_days_between
from portal.kpi_returns.definitions import ensure_starting_kpis
from portal.settings import services as settings
from portal.settings.models import FrameworkSetting
from tests.conftest import sign_in
from tests.reviews.helpers import day, submitted_applications
from tests.reviews.test_decisions import APPROVAL, decide, start_review, status_of
from tests.support import factories
from tests.support.pages import banner_text, field_value, page_errors, page_h1, page_text, soup
from tests.support.queries import counting_queries

URL = "/admin/settings"
FIELDS = (
    "review_service_level_days",
    "kpi_due_working_days",
    "four_eyes_approval",
    "dbs_certificate_max_age_years",
    "safeguarding_training_max_age_years",
    "call_off_method_text",
    "commissioning_teams",
    "ocds_variation_threshold_pounds",
)


def shown(client) -> dict[str, str]:
    """The page's form as it stands: every field's value, with its hidden ids."""
    page = client.get(URL)
    values = {name: field_value(page, name) for name in ("submission_id", "seen")}
    for name in FIELDS:
        checked = soup(page).select_one(f"input[name={name}][checked]")
        values[name] = checked["value"] if checked else field_value(page, name)
    return values


def save(client, **changes):
    return client.post(URL, data={**shown(client), **changes})


def saved() -> dict[str, object]:
    rows = dict(db.session.execute(select(FrameworkSetting.key, FrameworkSetting.value)).all())
    db.session.commit()
    return rows


def events() -> list[AuditEvent]:
    found = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "settings.changed")
            .order_by(AuditEvent.id)
        )
    )
    db.session.commit()
    return found


def test_the_page_shows_the_environments_values_as_the_defaults(make_app, admin):
    client = sign_in(
        make_app(REVIEW_SERVICE_LEVEL_DAYS=7, FOUR_EYES_APPROVAL=True).test_client(), admin
    )
    page = client.get(URL)
    assert page_h1(page) == "Framework settings"
    assert field_value(page, "review_service_level_days") == "7"
    assert "Default: 7." in page_text(page)
    assert soup(page).select_one("input[name=four_eyes_approval][checked]")["value"] == "yes"
    assert field_value(page, "kpi_due_working_days") == "10"
    assert saved() == {}


def test_an_admin_changes_settings_and_each_change_is_audited(admin_client, admin):
    response = save(admin_client, review_service_level_days="5", four_eyes_approval="yes")
    assert response.location == URL
    assert banner_text(admin_client.get(URL)) == (
        "Success The settings have been saved. Changed: review service level, four-eyes approval"
    )
    assert saved() == {"REVIEW_SERVICE_LEVEL_DAYS": 5, "FOUR_EYES_APPROVAL": True}
    (event,) = events()
    assert event.actor_id == admin.id
    assert event.before == {"REVIEW_SERVICE_LEVEL_DAYS": 10, "FOUR_EYES_APPROVAL": False}
    assert event.after == {"REVIEW_SERVICE_LEVEL_DAYS": 5, "FOUR_EYES_APPROVAL": True}
    assert field_value(admin_client.get(URL), "review_service_level_days") == "5"

    # Back to the environment's value: stored as a choice like any other, and audited.
    save(admin_client, review_service_level_days="10")
    assert events()[-1].before == {"REVIEW_SERVICE_LEVEL_DAYS": 5}
    assert events()[-1].after == {"REVIEW_SERVICE_LEVEL_DAYS": 10}


def test_saving_the_same_values_changes_nothing(admin_client):
    response = save(admin_client)
    assert response.location == URL
    assert "Nothing was changed" in banner_text(admin_client.get(URL))
    assert saved() == {} and events() == []


def test_a_double_submit_saves_once(admin_client):
    form = {**shown(admin_client), "kpi_due_working_days": "12"}
    first = admin_client.post(URL, data=form)
    second = admin_client.post(URL, data=form)
    assert first.location == second.location == URL
    assert len(events()) == 1
    assert saved() == {"KPI_DUE_WORKING_DAYS": 12}


def test_a_page_opened_before_another_admins_change_does_not_undo_it(app, admin_client):
    stale = shown(admin_client)
    other = sign_in(app.test_client(), _second_admin())
    save(other, review_service_level_days="3")
    # A setting this admin left alone keeps the other admin's value.
    response = admin_client.post(URL, data={**stale, "four_eyes_approval": "yes"})
    assert response.location == URL
    assert saved() == {"REVIEW_SERVICE_LEVEL_DAYS": 3, "FOUR_EYES_APPROVAL": True}
    assert [e.after for e in events()] == [
        {"REVIEW_SERVICE_LEVEL_DAYS": 3},
        {"FOUR_EYES_APPROVAL": True},
    ]


def test_two_admins_changing_the_same_setting_are_told(app, admin_client):
    stale = shown(admin_client)
    other = sign_in(app.test_client(), _second_admin())
    save(other, review_service_level_days="3", kpi_due_working_days="12")
    refused = admin_client.post(
        URL, data={**stale, "review_service_level_days": "7", "dbs_certificate_max_age_years": "x"}
    )
    assert refused.status_code == 200
    assert page_errors(refused) == {
        "review_service_level_days": "Another administrator changed this to 3 working days "
        "after you opened this page. Check it and save again",
        "dbs_certificate_max_age_years": "Oldest DBS certificate must be a whole number",
    }
    assert saved() == {"REVIEW_SERVICE_LEVEL_DAYS": 3, "KPI_DUE_WORKING_DAYS": 12}
    # What this admin typed stays; what they left alone now shows the other admin's value.
    assert field_value(refused, "review_service_level_days") == "7"
    assert field_value(refused, "kpi_due_working_days") == "12"
    # Sent again from that page, with the mistake put right, their choice is saved, and the
    # other admin's due day is kept.
    again = admin_client.post(
        URL,
        data={
            **{name: field_value(refused, name) for name in ("submission_id", "seen")},
            **{name: field_value(refused, name) for name in FIELDS if name != "four_eyes_approval"},
            "four_eyes_approval": "no",
            "dbs_certificate_max_age_years": "4",
        },
    )
    assert again.location == URL
    assert saved() == {
        "REVIEW_SERVICE_LEVEL_DAYS": 7,
        "KPI_DUE_WORKING_DAYS": 12,
        "DBS_CERTIFICATE_MAX_AGE_YEARS": 4,
    }


def test_a_form_without_what_it_showed_is_refused(admin_client):
    for seen in ("", "not json", "[]", '{"review_service_level_days": "abc"}'):
        response = admin_client.post(URL, data={**shown(admin_client), "seen": seen})
        assert list(page_errors(response).values()) == [
            "This page was out of date. Check the values and save again"
        ]
    assert saved() == {}


def _second_admin():
    return factories.make_user("admin-two@council.example.org", role="admin", two_factor=True)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("kpi_due_working_days", "0", "KPI return due day must be between 1 and 20"),
        ("kpi_due_working_days", "40", "KPI return due day must be between 1 and 20"),
        ("kpi_due_working_days", "", "Enter the working day KPI returns are due"),
        (
            "review_service_level_days",
            "-3",
            "Review service level must be a whole number",
        ),
        (
            "review_service_level_days",
            "ten",
            "Review service level must be a whole number",
        ),
        (
            "review_service_level_days",
            "61",
            "Review service level must be between 1 and 60 working days",
        ),
        ("review_service_level_days", "2.5", "Review service level must be a whole number"),
        (
            "dbs_certificate_max_age_years",
            "0",
            "Oldest DBS certificate must be between 1 and 10 years",
        ),
        (
            "safeguarding_training_max_age_years",
            "99999999999999999999",
            "Oldest safeguarding training must be a whole number",
        ),
        (
            "safeguarding_training_max_age_years",
            " ",
            "Enter the oldest safeguarding training may be, in years",
        ),
        ("four_eyes_approval", "", "Select whether approvals need a second reviewer"),
        ("four_eyes_approval", "maybe", "Select whether approvals need a second reviewer"),
        (
            "call_off_method_text",
            "x" * 5001,
            "About the council's call-offs must be 5,000 characters or fewer",
        ),
        (
            "call_off_method_text",
            "Pasted\x00text",
            "About the council's call-offs must not include hidden characters. "
            "Type it in again rather than pasting it",
        ),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_and_nothing_is_saved(
    admin_client, field, typed, message
):
    other = "kpi_due_working_days" if field.startswith("dbs") else "dbs_certificate_max_age_years"
    response = save(admin_client, **{other: "5", field: typed})
    assert response.status_code == 200
    assert page_errors(response)[field] == message
    if field != "four_eyes_approval" and "\x00" not in typed:
        assert field_value(response, field) == typed.strip()
    # Nothing is saved, not even the valid change made alongside.
    assert saved() == {} and events() == []


def test_several_bad_values_are_all_named(admin_client):
    response = save(admin_client, kpi_due_working_days="0", review_service_level_days="")
    assert page_errors(response) == {
        "review_service_level_days": "Enter the review service level in working days",
        "kpi_due_working_days": "KPI return due day must be between 1 and 20",
    }


def test_only_admins_may_see_or_change_the_settings(reviewer_client, provider_client, admin_client):
    form = shown(admin_client)
    for client in (reviewer_client, provider_client):
        assert client.get(URL).status_code == 403
        assert client.post(URL, data={**form, "four_eyes_approval": "yes"}).status_code == 403
    assert saved() == {}


def test_the_settings_are_read_once_a_request(app, reviewer_client, app_ctx):
    """The queue asks for the service level for every row; the table is read once."""
    submitted_applications(3, start=1)
    with counting_queries(app) as statements:
        assert reviewer_client.get("/reviews").status_code == 200
    assert len([s for s in statements if "framework_settings" in s]) == 1


@pytest.mark.shows_typed_markup("<b>anything</b>")
def test_signed_in_the_settings_come_with_the_user_and_read_as_saved(
    app, admin_client, provider_client, client
):
    """A signed-in request reads the saved settings in the statement that loads its user
    (core.with_user), not one of their own; every kind of value reads back as saved, as a
    request with nobody signed in reads it alone."""
    text = 'Quotes "like this", a back\\slash, café, 20%, a\ttab.\r\n\r\nAsk us <b>anything</b>.'
    save(
        admin_client,
        call_off_method_text=text,
        commissioning_teams="SEND: C100\r\nInclusion & access: C-200",
        four_eyes_approval="yes",
        review_service_level_days="7",
    )
    form = shown(admin_client)
    assert form["call_off_method_text"] == text.replace("\r\n", "\n")
    assert form["commissioning_teams"] == "SEND: C100\nInclusion & access: C-200"
    assert (form["four_eyes_approval"], form["review_service_level_days"]) == ("yes", "7")

    method = "/providers/how-call-offs-are-made"
    with counting_queries(app) as statements:
        signed_in = provider_client.get(method)
    reading = [s for s in statements if "framework_settings" in s]
    assert len(reading) == 1 and "user_sessions" in reading[0]
    assert page_text(signed_in).count("Ask us <b>anything</b>.") == 1
    assert (
        soup(signed_in).select_one("main").get_text()
        == soup(client.get(method)).select_one("main").get_text()
    )


def test_the_values_read_with_the_user_are_those_read_alone(app_ctx):
    """What the statement loading the user reads of the settings (core.with_user) decodes to
    exactly what the settings' own statement reads: text with separators' neighbours (tabs,
    quotes, backslashes, accents, new lines), yes/no, numbers, named codes and JSON's null."""
    db.session.add_all(
        [
            FrameworkSetting(key="CALL_OFF_METHOD_TEXT", value='A\ttab, "quotes", \\, café\n'),
            FrameworkSetting(key="FOUR_EYES_APPROVAL", value=True),
            FrameworkSetting(key="REVIEW_SERVICE_LEVEL_DAYS", value=7),
            FrameworkSetting(key="COMMISSIONING_TEAMS", value={"SEND": "C100", "Inclusion": "C2"}),
            FrameworkSetting(key="KPI_DUE_WORKING_DAYS", value=None),
        ]
    )
    db.session.flush()
    alone = dict(db.session.execute(settings._SAVED).all())
    with_user = settings._saved_from(db.session.scalar(select(settings._SAVED_WITH_USER)))
    assert with_user == alone
    assert len(alone) == 5 and alone["KPI_DUE_WORKING_DAYS"] is None
    db.session.rollback()
    assert settings._saved_from(db.session.scalar(select(settings._SAVED_WITH_USER))) == {}


# The rules follow a change at once ------------------------------------------------------------


def _working_days_ago(days: int):
    start = today()
    while working_days_between(start, today()) < days:
        start -= timedelta(days=1)
    return day(start)


def test_the_reviewers_queue_follows_the_service_level(admin_client, reviewer_client, app_ctx):
    submitted_applications(1, submitted_at=_working_days_ago(6), start=1)
    before = soup(reviewer_client.get("/reviews")).select_one("tbody tr").get_text()
    assert "Overdue" not in before
    assert reviewer_client.get("/reviews?flag=overdue").status_code == 200
    save(admin_client, review_service_level_days="5")
    after = reviewer_client.get("/reviews")
    assert "Overdue" in soup(after).select_one("tbody tr").get_text()
    overdue = soup(reviewer_client.get("/reviews?flag=overdue")).select("tbody tr")
    assert len(overdue) == 1


def test_four_eyes_approval_follows_the_setting(admin_client, reviewer_client, submitted):
    save(admin_client, four_eyes_approval="yes")
    start_review(reviewer_client, submitted)
    decide(reviewer_client, submitted, "approve", APPROVAL)
    assert "A second reviewer must now confirm it" in banner_text(
        reviewer_client.get(f"/reviews/{submitted}")
    )
    assert status_of(submitted) == "in_review"


@pytest.mark.shows_typed_markup("<b>anything</b>")
def test_the_public_method_page_shows_the_councils_text(admin_client, client):
    method = "/providers/how-call-offs-are-made"
    assert "More from the council" not in page_text(client.get(method))
    save(
        admin_client,
        call_off_method_text="We publish a forward plan each term.\r\n\r\nAsk us <b>anything</b>.",
    )
    page = soup(client.get(method))
    heading = page.select_one("#from-the-council")
    paragraphs = [p.get_text() for p in heading.find_next_siblings("p", limit=2)]
    assert paragraphs == ["We publish a forward plan each term.", "Ask us <b>anything</b>."]


def test_kpi_returns_are_due_on_the_new_working_day(
    admin_client, provider_client, organisation, lots
):
    factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=100))
    ensure_starting_kpis()
    db.session.commit()
    overview = f"/kpi-returns/organisations/{organisation.id}"
    assert "due 10 working days after the month ends" in page_text(provider_client.get(overview))
    save(admin_client, kpi_due_working_days="15")
    assert "due 15 working days after the month ends" in page_text(provider_client.get(overview))


def _due_dates(response) -> list[date]:
    """The Due column of a provider's returns ("Friday 14 August 2026")."""
    rows = soup(response).select("table tbody tr")
    return [
        datetime.strptime(row.select("td")[1].get_text(strip=True), "%A %d %B %Y").date()
        for row in rows
    ]


def test_each_returns_due_date_moves_with_the_setting_on_the_next_request(
    admin_client, provider_client, organisation, lots
):
    # Due dates are worked out once for each month and number of days (add_working_days keeps
    # them): a new number must still show at once.
    factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=100))
    ensure_starting_kpis()
    db.session.commit()
    overview = f"/kpi-returns/organisations/{organisation.id}"
    before = _due_dates(provider_client.get(overview))
    save(admin_client, kpi_due_working_days="15")
    after = _due_dates(provider_client.get(overview))
    assert before
    assert after == [add_working_days(due, 5) for due in before]
