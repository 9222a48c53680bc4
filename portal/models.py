"""Every model, imported in one place so Alembic and the app see the whole schema."""

from portal.accounts.models import RecoveryCode, StaffInvitation, User
from portal.audit.models import AuditEvent
from portal.core.db import Base
from portal.lots.models import Lot
from portal.organisations.models import Membership, Organisation, OrganisationInvitation
from portal.outbox.models import OutboxEmail
from portal.questionnaires.models import QuestionnaireVersion

__all__ = [
    "AuditEvent",
    "Base",
    "Lot",
    "Membership",
    "Organisation",
    "OrganisationInvitation",
    "OutboxEmail",
    "QuestionnaireVersion",
    "RecoveryCode",
    "StaffInvitation",
    "User",
]
