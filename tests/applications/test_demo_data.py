"""`flask seed demo` (run by `make run`) publishes the council's questionnaire, so a demo
provider can apply straight away."""

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.demo.cli import DEMO_PASSWORD
from portal.questionnaires import services as questionnaires
from tests.applications.helpers import application, start
from tests.conftest import sign_in
from tests.support import factories


def test_demo_data_has_a_published_questionnaire(make_app):
    demo = make_app(DEMO_MODE=True)
    runner = demo.test_cli_runner()

    for _ in range(2):  # safe to run again
        result = runner.invoke(args=["seed", "demo"])
        assert result.exit_code == 0, result.output

    with demo.app_context():
        published = questionnaires.published_version()
        questions = questionnaires.content_of(published).questions
        assert (published.version, len(questions)) == (1, 152)
        assert len(questionnaires.list_versions()) == 1
        user = db.session.scalar(select(User).where(User.email == "provider@example.org"))
        client = sign_in(demo.test_client(), user, password=DEMO_PASSWORD)
        started = start(client, factories.organisation_of(user))
        assert application(started).questionnaire_version_id == published.id
