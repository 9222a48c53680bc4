from tests.applications.conftest import draft, every_type, lots  # noqa: F401
from tests.reviews.conftest import submitted  # noqa: F401
