import pytest

from portal.core.extensions import object_store


def _empty_the_store(app) -> None:
    with app.app_context():
        object_store.delete_many(key for key, _modified in object_store.list_objects("org/"))


@pytest.fixture(autouse=True)
def _empty_store(app):
    """Ids are reused between tests (the tables are emptied), so the store is emptied too, before
    and after each test (tests elsewhere, in a browser say, may leave objects), for a test to see
    only the objects its own requests wrote."""
    _empty_the_store(app)
    yield
    _empty_the_store(app)


@pytest.fixture
def scanning_app(make_app, clamd_server):
    return make_app(CLAMD_SOCKET=str(clamd_server.socket_path))


@pytest.fixture
def scanner_away_app(make_app, tmp_path):
    return make_app(CLAMD_SOCKET=str(tmp_path / "no-clamd.sock"))
