from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow
from portal.documents.models import StoredFile
from portal.organisations.models import OrganisationOwned

BASIC = "basic"
STANDARD = "standard"
ENHANCED = "enhanced"
ENHANCED_BARRED = "enhanced_barred"
CHECK_LEVELS = {
    BASIC: "Basic",
    STANDARD: "Standard",
    ENHANCED: "Enhanced",
    ENHANCED_BARRED: "Enhanced with children's barred list",
}
NO_CHANGE = "no_change"
NEW_INFORMATION = "new_information"
STATUS_CHECK_RESULTS = {
    NO_CHANGE: "No new information: the certificate is current",
    NEW_INFORMATION: "New information: a new check is needed",
}
TRAINING_LEVELS = {
    "1": "Level 1: basic awareness",
    "2": "Level 2: advanced",
    "3": "Level 3: designated safeguarding lead",
}


# The details of a person on the register that the questionnaire's list of people who work with
# children can fill (`fills` on a group question), and what each is.
REGISTER_DETAILS = {
    "full_name": "text",
    "job_role": "text",
    "check_level": "choice",
    "issue_date": "date",
}
# The questionnaire's names for a level of check, where they differ from the register's.
CHECK_LEVEL_ANSWERS = {"enhanced_barred_children": ENHANCED_BARRED}


class StaffCheck(OrganisationOwned, Base):
    """One person on an organisation's register of people who work with children."""

    __tablename__ = "staff_checks"
    __table_args__ = (
        CheckConstraint(f"check_level IN {tuple(CHECK_LEVELS)!r}", name="check_level"),
        CheckConstraint(
            f"status_check_result IN {tuple(STATUS_CHECK_RESULTS)!r}", name="status_check_result"
        ),
        CheckConstraint(f"training_level IN {tuple(TRAINING_LEVELS)!r}", name="training_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    job_role: Mapped[str] = mapped_column(String(200))
    regulated_activity: Mapped[bool] = mapped_column(default=False)
    check_level: Mapped[str | None] = mapped_column(String(20))
    # Fernet token (STAFF_CHECK_ENCRYPTION_KEY); the last four digits are kept apart so pages
    # can show the number masked without decrypting it.
    certificate_number_encrypted: Mapped[str | None] = mapped_column(Text)
    certificate_number_last4: Mapped[str | None] = mapped_column(String(4))
    issue_date: Mapped[date | None] = mapped_column(Date)
    update_service: Mapped[bool] = mapped_column(default=False)
    status_checked_on: Mapped[date | None] = mapped_column(Date)
    status_check_result: Mapped[str | None] = mapped_column(String(20))
    right_to_work_checked: Mapped[bool] = mapped_column(default=False)
    training_level: Mapped[str | None] = mapped_column(String(1))
    training_date: Mapped[date | None] = mapped_column(Date)
    references_received: Mapped[bool] = mapped_column(default=False)
    certificate_copy_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_files.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    certificate_copy: Mapped[StoredFile | None] = relationship()

    @property
    def masked_certificate_number(self) -> str:
        if not self.certificate_number_last4:
            return ""
        return "*" * 8 + self.certificate_number_last4

    @property
    def check_level_label(self) -> str:
        return CHECK_LEVELS.get(self.check_level or "", "")

    @property
    def status_check_result_label(self) -> str:
        return STATUS_CHECK_RESULTS.get(self.status_check_result or "", "")

    @property
    def training_level_label(self) -> str:
        return TRAINING_LEVELS.get(self.training_level or "", "")
