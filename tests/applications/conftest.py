import pytest

from portal.core.db import db
from portal.lots.services import ensure_starting_lots
from tests.applications.helpers import EVERY_TYPE, publish, start
from tests.conftest import sign_in
from tests.support import factories


@pytest.fixture
def lots(app_ctx):
    ensure_starting_lots()
    db.session.commit()


@pytest.fixture
def every_type(lots, admin):
    """The small questionnaire with every question type (tests/questionnaires/content),
    published."""
    return publish(EVERY_TYPE, admin)


@pytest.fixture
def draft(provider_client, organisation, every_type) -> int:
    """Organisation A's draft application on `every_type`: its id."""
    return start(provider_client, organisation)


@pytest.fixture
def member(organisation):
    """A colleague in organisation A who is a member, not an owner."""
    user = factories.make_user("colleague-a@example.org", full_name="Chris Colleague")
    factories.add_member(organisation, user)
    return user


@pytest.fixture
def member_client(app, member):
    return sign_in(app.test_client(), member)
