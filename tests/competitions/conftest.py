import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from tests.conftest import signed_in
from tests.support import factories


@pytest.fixture
def on_lot(organisation, other_organisation, app_ctx):
    """Organisations A and B and a third, C, admitted to mentoring: the lot's three providers."""
    third = factories.make_user("provider-c@example.org", full_name="Cal Provider")
    organisation_c = factories.make_organisation(third, legal_name="Organisation C Ltd")
    for each in (organisation, other_organisation, organisation_c):
        factories.admit(each, "mentoring")
    return organisation, other_organisation, organisation_c


@pytest.fixture
def third_client(app, on_lot):
    user = db.session.scalar(select(User).where(User.email == "provider-c@example.org"))
    return signed_in(app.test_client(), user)


@pytest.fixture
def evaluator(app_ctx):
    return factories.make_user(
        "evaluator@council.example.org", full_name="Eve Evaluator", role="reviewer", two_factor=True
    )


@pytest.fixture
def evaluator_client(app, evaluator):
    return signed_in(app.test_client(), evaluator)
