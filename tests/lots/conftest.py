from tests.applications.conftest import draft, every_type, lots  # noqa: F401
