"""Every model, imported in one place so Alembic and the app see the whole schema."""

from portal.accounts.models import (
    AddressBrake,
    RecoveryCode,
    StaffInvitation,
    User,
    UserSession,
)
from portal.admissions.models import Admission
from portal.applications.models import Application, ApplicationSection, ApplicationSubmission
from portal.audit.models import AuditEvent
from portal.competitions.models import (
    Clarification,
    Competition,
    Evaluator,
    Invitation,
    ModeratedScore,
    QualityQuestion,
    Quote,
    QuoteAttachment,
    QuoteVersion,
    Score,
)
from portal.contracts.models import (
    Contract,
    ContractOutcome,
    ContractRelease,
    ContractVersion,
    Delivery,
    DeliveryReminder,
    FinanceExport,
    OutcomeDefinition,
    Statement,
    StatementLine,
)
from portal.core.db import Base
from portal.core.submissions import FormSubmission
from portal.documents.models import (
    Document,
    DocumentReminder,
    DocumentUse,
    DocumentVersion,
    StoredFile,
)
from portal.kpi_returns.models import (
    Kpi,
    KpiEscalation,
    KpiEscalationAction,
    KpiMonthLock,
    KpiQuery,
    KpiReminder,
    KpiReturn,
    KpiReturnVersion,
    KpiValue,
    KpiVersion,
)
from portal.lots.models import Lot
from portal.organisations.models import Membership, Organisation, OrganisationInvitation
from portal.outbox.models import OutboxEmail
from portal.questionnaires.models import QuestionnaireVersion
from portal.reviews.models import Decision, Review, ReviewComment
from portal.settings.models import FrameworkSetting
from portal.staff_checks.models import StaffCheck

__all__ = [
    "AddressBrake",
    "Admission",
    "Application",
    "ApplicationSection",
    "ApplicationSubmission",
    "AuditEvent",
    "Base",
    "Clarification",
    "Competition",
    "Contract",
    "ContractOutcome",
    "ContractRelease",
    "ContractVersion",
    "Decision",
    "Delivery",
    "DeliveryReminder",
    "Document",
    "DocumentReminder",
    "DocumentUse",
    "DocumentVersion",
    "Evaluator",
    "FinanceExport",
    "FormSubmission",
    "FrameworkSetting",
    "Invitation",
    "Kpi",
    "KpiEscalation",
    "KpiEscalationAction",
    "KpiMonthLock",
    "KpiQuery",
    "KpiReminder",
    "KpiReturn",
    "KpiReturnVersion",
    "KpiValue",
    "KpiVersion",
    "Lot",
    "Membership",
    "ModeratedScore",
    "Organisation",
    "OrganisationInvitation",
    "OutboxEmail",
    "OutcomeDefinition",
    "QualityQuestion",
    "QuestionnaireVersion",
    "Quote",
    "QuoteAttachment",
    "QuoteVersion",
    "RecoveryCode",
    "Review",
    "ReviewComment",
    "Score",
    "StaffCheck",
    "StaffInvitation",
    "Statement",
    "StatementLine",
    "StoredFile",
    "User",
    "UserSession",
]
