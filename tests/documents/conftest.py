import pytest

from portal.core.extensions import object_store


def _empty_the_store(app) -> None:
    with app.app_context():
        for key, _modified in list(object_store.list_objects("org/")):
            object_store.delete(key)


@pytest.fixture(autouse=True)
def _empty_store(app):
    """Ids are reused between tests (the tables are emptied), so the store is emptied too, before
    and after each test (tests elsewhere, in a browser say, may leave objects), for a test to see
    only the objects its own requests wrote."""
    _empty_the_store(app)
    yield
    _empty_the_store(app)
