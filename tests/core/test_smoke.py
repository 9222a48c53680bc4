from tests.support.pages import page_h1


def test_start_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert page_h1(response) == "Flexible Learning Support Framework"


def test_provider_home_lists_their_organisation(provider_client):
    response = provider_client.get("/home")
    assert response.status_code == 200
    assert "Organisation A Ltd" in response.get_data(as_text=True)


def test_reviewer_home(reviewer_client):
    response = reviewer_client.get("/home")
    assert response.status_code == 200
