from tests.outbox.helpers import add_emails
from tests.support.pages import page_h1, page_text


def test_the_dev_mail_page_is_not_found_outside_demo_mode(app, client):
    add_emails(app)

    response = client.get("/dev/mail")

    assert response.status_code == 404
    assert page_h1(response) == "Page not found"
    assert "person1@example.org" not in response.get_data(as_text=True)


def test_the_dev_mail_page_lists_queued_emails_in_demo_mode(make_app):
    app = make_app(DEMO_MODE=True)
    add_emails(app, 2)

    response = app.test_client().get("/dev/mail")

    assert response.status_code == 200
    assert page_h1(response) == "Emails sent by the portal"
    text = page_text(response)
    assert "Your application 2 has been returned" in text
    assert "To person1@example.org" in text
    assert "Reviewer comments for application 1." in text
    assert text.index("application 2") < text.index("application 1")  # newest first


def test_the_dev_mail_page_says_when_there_are_none(make_app):
    response = make_app(DEMO_MODE=True).test_client().get("/dev/mail")

    assert "No emails yet." in page_text(response)
