import pytest

from tests.applications import journey
from tests.applications.conftest import draft, every_type, lots, member  # noqa: F401
from tests.conftest import signed_in
from tests.support import factories

LOTS = ["online-tuition", "mentoring"]


@pytest.fixture
def submitted(provider, provider_client, draft, every_type) -> int:  # noqa: F811
    """Organisation A's application on `every_type`, submitted for two lots: its id. Filled in
    through the services the pages call, not page by page (tests/applications cover that
    journey; test_journey_shortcut.py checks both leave the same), then submitted through
    HTTP."""
    journey.fill_in_sections(provider, draft, LOTS)
    response = journey.submit(provider_client, draft)
    assert response.status_code == 302, response.status
    return draft


@pytest.fixture
def second_reviewer(app_ctx):
    return factories.make_user(
        "reviewer-two@example.org", full_name="Sam Second", role="reviewer", two_factor=True
    )


@pytest.fixture
def second_reviewer_client(app, second_reviewer):
    return signed_in(app.test_client(), second_reviewer)
