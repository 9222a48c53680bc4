"""`flask kpi remind`: five working days and one working day before the due date, a chaser the
day after (which opens an escalation), each once however often it runs. And the council's
questions on a return, answered by the provider or by an amendment."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.core.db import db
from portal.core.time import is_working_day
from portal.kpi_returns import months
from portal.kpi_returns.models import KpiEscalation, KpiQuery, KpiReminder, KpiReturn
from portal.outbox.models import OutboxEmail
from tests.documents.helpers import run_command
from tests.kpi_returns.helpers import (
    admit_from,
    form_data,
    kpi_ids,
    month_ago,
    return_url,
    submit_return,
    with_values,
)
from tests.support.pages import banner_text, page_errors, page_text


def subjects() -> list[str]:
    return [email.subject for email in db.session.scalars(select(OutboxEmail).order_by("id"))]


def test_reminders_go_once_each_then_a_chaser_opens_an_escalation(app, clock, organisation, kpis):
    month = month_ago(1)
    admit_from(organisation, month)
    due = months.due_date(month)
    # Five working days before the due date.
    day = due
    for _ in range(5):
        day -= timedelta(days=1)
        while not is_working_day(day):
            day -= timedelta(days=1)
    clock(day)
    assert run_command(app, "kpi", "remind").startswith("Sent 1 KPI return reminder(s)")
    assert run_command(app, "kpi", "remind").startswith("Sent 0 KPI return reminder(s)")
    assert subjects() == [
        f"Your KPI return for {month:%B %Y} is due on {due:%A} {due.day} {due:%B}"
    ]
    clock(due - timedelta(days=1))
    run_command(app, "kpi", "remind")
    clock(due)
    assert run_command(app, "kpi", "remind").startswith("Sent 0")
    clock(due + timedelta(days=1))
    run_command(app, "kpi", "remind")
    run_command(app, "kpi", "remind")
    assert subjects()[-2:] == [
        f"Your KPI return for {month:%B %Y} is late",
        f"The council has opened a performance escalation for {organisation.display_name}",
    ]
    kinds = db.session.scalars(select(KpiReminder.kind).order_by(KpiReminder.id)).all()
    assert kinds[0] == "five_days" and kinds[-1] == "chaser" and len(kinds) == 3
    (escalation,) = db.session.scalars(select(KpiEscalation)).all()
    assert escalation.trigger == "missing_return"
    assert escalation.month == month


def test_no_reminder_for_a_submitted_return(app, clock, provider_client, organisation, kpis):
    month = month_ago(1)
    admit_from(organisation, month)
    submit_return(provider_client, organisation, month)
    clock(months.due_date(month) + timedelta(days=1))
    run_command(app, "kpi", "remind")
    assert [s for s in subjects() if "reminder" in s or "late" in s] == []


def test_a_reviewer_asks_and_the_provider_answers(
    provider_client, reviewer_client, organisation, kpis
):
    admit_from(organisation, month_ago(2))
    submit_return(provider_client, organisation, month_ago(1))
    kpi_return_id = db.session.scalar(select(KpiReturn.id))
    url = f"/kpi-returns/dashboard/returns/{kpi_return_id}/query"
    attendance = kpi_ids()["attendance-rate"]
    blank = reviewer_client.post(url, data={"kpi_id": str(attendance), "question": ""})
    assert page_errors(blank) == {"question": "Enter your question"}
    asked = reviewer_client.post(
        url, data={"kpi_id": str(attendance), "question": "95% looks high: which weeks?"}
    )
    assert asked.status_code == 302
    assert subjects()[-1] == f"A question about your KPI return for {month_ago(1):%B %Y}"
    overview = page_text(provider_client.get(f"/kpi-returns/organisations/{organisation.id}"))
    assert "Questions from the council" in overview
    (query,) = db.session.scalars(select(KpiQuery)).all()
    answer_url = f"/kpi-returns/organisations/{organisation.id}/queries/{query.id}/answer"
    answered = provider_client.post(
        answer_url, data={"answer": "All four weeks; two new starters", "lock_version": "1"}
    )
    assert answered.status_code == 302
    assert "Your answer has been sent" in banner_text(provider_client.get(answered.location))
    staff_view = page_text(reviewer_client.get(f"/kpi-returns/dashboard/returns/{kpi_return_id}"))
    assert "All four weeks; two new starters" in staff_view
    again = provider_client.post(answer_url, data={"answer": "More", "lock_version": "1"})
    assert page_errors(again) == {"answer": "This question has already been answered"}


def test_an_amendment_answers_open_questions(
    provider_client, reviewer_client, organisation, other_provider_client, kpis
):
    admit_from(organisation, month_ago(2))
    submit_return(provider_client, organisation, month_ago(1))
    kpi_return_id = db.session.scalar(select(KpiReturn.id))
    reviewer_client.post(
        f"/kpi-returns/dashboard/returns/{kpi_return_id}/query",
        data={"kpi_id": str(kpi_ids()["attendance-rate"]), "question": "Is 95% right?"},
    )
    (query,) = db.session.scalars(select(KpiQuery)).all()
    answer_url = f"/kpi-returns/organisations/{organisation.id}/queries/{query.id}/answer"
    assert other_provider_client.get(answer_url).status_code == 404
    provider_client.post(
        return_url(organisation, month_ago(1), "/amend"),
        data=form_data(with_values(attendance_rate="85"), lock_version="2", reason="It was 85"),
    )
    db.session.expire_all()
    (query,) = db.session.scalars(select(KpiQuery)).all()
    assert query.status == "answered"
    assert query.answer == "Amended the return: It was 85"
