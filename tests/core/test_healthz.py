from sqlalchemy.engine import make_url

from tests.outbox.helpers import free_port


def _unreachable_database(database_url: str, tmp_path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'no-such-directory' / 'portal.db'}"
    return make_url(database_url).set(port=free_port()).render_as_string(hide_password=False)


def test_healthy_when_the_database_and_object_store_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert response.mimetype == "text/plain"


def test_unhealthy_when_the_object_store_is_down(make_app):
    app = make_app(S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}")

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_data(as_text=True) == "down: object store"


def test_unhealthy_when_the_database_is_down(make_app, database_url, tmp_path):
    app = make_app(DATABASE_URL=_unreachable_database(database_url, tmp_path))

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_data(as_text=True) == "down: database"


def test_the_healthy_app_is_unaffected_by_a_broken_one(make_app, client, tmp_path):
    make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'no-such-directory' / 'portal.db'}")

    assert client.get("/healthz").status_code == 200
