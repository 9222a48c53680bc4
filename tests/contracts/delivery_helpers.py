"""What the tests of delivery, statements and finance exports share: the day the portal thinks
it is, a month's delivery form as the provider fills it in, and submitting one."""

from __future__ import annotations

from datetime import date

from tests.support.pages import field_value

# Inside the helper contract's dates (4 January to 16 July 2027): January and February 2027 have
# ended, February's delivery is due on Friday 12 March (the 10th working day), January's was due
# on Friday 12 February and is overdue.
TODAY = date(2027, 3, 10)
JANUARY = date(2027, 1, 1)
FEBRUARY = date(2027, 2, 1)
MARCH = date(2027, 3, 1)

GOOD = {
    "units_delivered": "8",
    "sessions_offered": "10",
    "sessions_attended": "8",
    "cancelled_child_absent": "2",
    "cancelled_provider_cancelled": "",
    "cancelled_school_or_council": "",
    "cancelled_other": "",
    "notes": "Good progress with reading.",
}


def clock_for(app):
    """For each test module's `clock` fixture: the day delivery (as KPI returns) thinks it is,
    TODAY unless set again with clock(day); put back afterwards."""

    def set_today(day):
        app.config["KPI_TODAY"] = day

    set_today(TODAY)
    yield set_today
    app.config.pop("KPI_TODAY", None)


def delivery_url(contract, month: date) -> str:
    return (
        f"/contracts/organisations/{contract.organisation_id}/contracts/{contract.id}"
        f"/delivery/{month.year}/{month.month}"
    )


def form_for(client, url: str, values: dict | None = None, **extra) -> dict:
    """The form as the page gives it (its hidden fields), filled with `values`."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return {
        "csrf_token": field_value(page, "csrf_token"),
        "submission_id": field_value(page, "submission_id"),
        "lock_version": field_value(page, "lock_version") or "",
        **(GOOD if values is None else values),
        **extra,
    }


def submit_delivery(client, contract, month: date, values: dict | None = None, **extra):
    url = delivery_url(contract, month)
    return client.post(url, data=form_for(client, url, values, submit="Submit delivery", **extra))


def save_draft(client, contract, month: date, values: dict | None = None):
    url = delivery_url(contract, month)
    return client.post(url, data=form_for(client, url, values, save="Save as draft"))
