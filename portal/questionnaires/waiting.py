"""What of the questionnaire is waiting for an administrator, for their home page."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.core.permissions import can
from portal.core.waiting import Waiting
from portal.organisations.models import Organisation
from portal.questionnaires.models import DRAFT, QuestionnaireVersion


def waiting_for(user: User, organisations: list[Organisation]) -> list[Waiting]:
    """Admins: each questionnaire version loaded but not published (one query)."""
    if not can(user, "manage_questionnaires"):
        return []
    return [
        Waiting(
            link=f"Preview and publish questionnaire version {number}",
            endpoint="admin.show_version",
            args={"questionnaire_version_id": id_},
            hint=f"‘{title}’ is loaded but not published: applicants still see the published "
            "version",
        )
        # Not the versions' content: a questionnaire's JSON is large and the home reads none.
        for id_, number, title in db.session.execute(
            select(
                QuestionnaireVersion.id, QuestionnaireVersion.version, QuestionnaireVersion.title
            )
            .where(QuestionnaireVersion.status == DRAFT)
            .order_by(QuestionnaireVersion.id)
        )
    ]
