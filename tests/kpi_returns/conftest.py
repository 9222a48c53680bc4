import pytest

from portal.core.db import db
from portal.kpi_returns.definitions import ensure_starting_kpis
from portal.lots.services import ensure_starting_lots
from tests.support import factories


@pytest.fixture
def kpis(app_ctx):
    """The starting lots and KPIs, as `flask seed lots` makes them."""
    ensure_starting_lots()
    ensure_starting_kpis()

    db.session.commit()


@pytest.fixture
def clock(app):
    """Set the day KPI returns think it is: clock(date(2027, 1, 4)). Put back afterwards."""

    def set_today(day):
        app.config["KPI_TODAY"] = day

    yield set_today
    app.config.pop("KPI_TODAY", None)


@pytest.fixture
def make_provider(app_ctx):
    """A provider user owning a new organisation: make_provider("Oak Tutoring")."""

    def make(name: str):
        slug = name.lower().replace(" ", "-")
        user = factories.make_user(f"owner@{slug}.example.org", full_name=f"Owner of {name}")
        organisation = factories.make_organisation(user, legal_name=name)
        return user, organisation

    return make
