import pytest

from portal.core.db import db
from portal.lots.services import ensure_starting_lots
from tests.support import factories


@pytest.fixture(autouse=True)
def lots(app_ctx):
    """The framework's lots, which every referral names."""
    ensure_starting_lots()
    db.session.commit()


@pytest.fixture
def on_lot(organisation):
    """Organisation A on mentoring, with the documents a call-off requires."""
    factories.admit(organisation, "mentoring")
    return organisation
