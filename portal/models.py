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
from portal.capacity.models import Capacity, CapacityDistrict, CapacityNeed
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
from portal.quality.models import (
    Action,
    ActionNote,
    ChecklistVersion,
    Meeting,
    MeetingComment,
    ProviderRisk,
    Visit,
    VisitGrade,
)
from portal.questionnaires.models import QuestionnaireVersion
from portal.referrals.models import Referral
from portal.reviews.models import Decision, Review, ReviewComment
from portal.settings.models import FrameworkSetting
from portal.staff_checks.models import StaffCheck

__all__ = [
    "Action",
    "ActionNote",
    "AddressBrake",
    "Admission",
    "Application",
    "ApplicationSection",
    "ApplicationSubmission",
    "AuditEvent",
    "Base",
    "Capacity",
    "CapacityDistrict",
    "CapacityNeed",
    "ChecklistVersion",
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
    "Meeting",
    "MeetingComment",
    "Membership",
    "ModeratedScore",
    "Organisation",
    "OrganisationInvitation",
    "OutboxEmail",
    "OutcomeDefinition",
    "ProviderRisk",
    "QualityQuestion",
    "QuestionnaireVersion",
    "Quote",
    "QuoteAttachment",
    "QuoteVersion",
    "RecoveryCode",
    "Referral",
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
    "Visit",
    "VisitGrade",
]
