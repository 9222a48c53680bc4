"""`flask questionnaires load FILE`: check a questionnaire file and store it as a draft version."""

import click
from flask.cli import AppGroup

from portal.core.db import db
from portal.questionnaires import services
from portal.questionnaires.schema import ContentError

questionnaires_cli = AppGroup("questionnaires", help="Questionnaire versions.")


@questionnaires_cli.command("load")
@click.argument("file")
def load(file: str) -> None:
    """Check FILE and load it as a draft version, for an admin to publish."""
    try:
        with db.session.begin():
            version, created = services.load_version(file)
    except ContentError as error:
        # The message names the file, the line and the problem: a trace would only hide it.
        click.echo(f"Not loaded. {error}", err=True)
        raise SystemExit(1) from None
    questions = len(services.content_of(version).questions)
    if created:
        click.echo(
            f"Loaded version {version.version}, {version.title}: {questions} questions. "
            "It is a draft until an admin publishes it."
        )
    else:
        click.echo(
            f"Version {version.version} is already loaded with this content "
            f"({questions} questions): nothing changed."
        )
