from tests.conftest import sign_in
from tests.outbox.helpers import add_emails, free_port, smtp_settings
from tests.support.pages import page_h1, page_text


def test_the_dev_mail_page_is_not_found_outside_demo_mode(app, client):
    add_emails(app)

    response = client.get("/dev/mail")

    assert response.status_code == 404
    assert page_h1(response) == "Page not found"
    assert "person1@example.org" not in response.get_data(as_text=True)


def test_the_dev_mail_page_is_for_admins_only_even_in_demo_mode(
    make_app, provider, reviewer, commissioner, admin
):
    """The viewer shows every email, password reset links included: anyone else who could read
    it could take over any account."""
    app = make_app(DEMO_MODE=True)
    anonymous = app.test_client()
    anonymous.post("/forgotten-password", data={"email": provider.email})

    asked = anonymous.get("/dev/mail")
    assert asked.location == "/sign-in?next=/dev/mail"
    for person in (provider, reviewer, commissioner):
        refused = sign_in(app.test_client(), person).get("/dev/mail")
        assert refused.status_code == 403, person.role
        assert page_h1(refused) == "You do not have permission to view this page"
        assert "/reset-password/" not in refused.get_data(as_text=True)

    shown = sign_in(app.test_client(), admin).get("/dev/mail")
    assert shown.status_code == 200
    assert "/reset-password/" in page_text(shown)


def test_the_dev_mail_page_lists_queued_emails_in_demo_mode(make_app, admin):
    app = make_app(DEMO_MODE=True)
    add_emails(app, 2)

    response = sign_in(app.test_client(), admin).get("/dev/mail")

    assert response.status_code == 200
    assert page_h1(response) == "Emails sent by the portal"
    text = page_text(response)
    assert "Your application 2 has been returned" in text
    assert "To person1@example.org" in text
    assert "Reviewer comments for application 1." in text
    assert text.index("application 2") < text.index("application 1")  # newest first


def test_the_dev_mail_page_says_when_there_are_none(make_app, admin):
    response = sign_in(make_app(DEMO_MODE=True).test_client(), admin).get("/dev/mail")

    assert "No emails yet." in page_text(response)


def test_the_dev_mail_page_lists_the_emails_that_could_not_be_sent_first(make_app, admin):
    """The administrator's home links here for them, however many emails came after."""
    app = make_app(DEMO_MODE=True, OUTBOX_MAX_ATTEMPTS=1, **smtp_settings(free_port()))
    add_emails(app)
    with app.app_context():  # a command runs in the app context it finds: this app's, here
        result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.output == "Tried 1 email(s).\n"
    add_emails(app, 2)

    text = page_text(sign_in(app.test_client(), admin).get("/dev/mail"))

    assert text.index("Emails that could not be sent") < text.index("application 1")
    assert text.index("application 1") < text.index("Latest emails")
    assert "(failed) Tried once. The last error: ConnectionRefusedError" in text
