from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import ValidationError

from portal.core.forms import (
    BaseForm,
    DateInputField,
    DateRequired,
    OnceOnlyForm,
    button_form,
    optional_text_field,
    radio_field,
    submit,
    text_field,
)
from portal.core.money import NotMoney, format_pence, parse_pence
from portal.core.time import today
from portal.documents.models import (
    COVER_TYPES,
    DETAILS,
    EXPIRY_REQUIRED,
    ISSUERS,
    KINDS,
    details_asked,
)

_SELECT_KIND = "Select what kind of document it is"
# The largest amount of cover a person could mean: £1 billion.
_MAX_COVER_PENCE = 100_000_000_000


class KindForm(BaseForm):
    """The first question of an upload. Sent with GET: it only chooses the next page."""

    class Meta:
        csrf = False

    kind = radio_field(
        "What kind of document are you uploading?",
        KINDS,
        missing=_SELECT_KIND,
    )
    submit = submit("Continue")


class DocumentForm(OnceOnlyForm):
    """A document's details and its file. `for_kind` removes what the kind does not ask."""

    title = optional_text_field(
        "Title (optional)",
        hint="For example, 'Safeguarding policy, September 2026'. "
        "If you leave this blank we use the kind of document.",
    )
    cover_type = radio_field(
        "Type of insurance",
        COVER_TYPES,
        missing="Select the type of insurance",
    )
    cover_amount = text_field(
        "Amount of cover",
        missing="Enter the amount of cover",
        limit=20,
        hint="In pounds, for example £5,000,000 or 5 million.",
    )
    issuer = radio_field(
        "Who issued it?",
        ISSUERS,
        missing="Select who issued the certificate",
    )
    issue_date = DateInputField(
        "Date issued or approved (optional)",
        what="Date issued",
        description="For example, 27 3 2026",
    )
    expiry_date = DateInputField(
        "Expiry date",
        what="Expiry date",
        description="For example, 31 3 2027",
        validators=[DateRequired("Enter the date it expires")],
    )
    review_date = DateInputField(
        "Date of next review",
        what="Date of next review",
        description="When you will next review this policy, for example 1 9 2027",
        validators=[DateRequired("Enter the date of the policy's next review")],
    )
    file = FileField("Upload a file", widget=GovFileInput())
    submit = submit("Upload document")

    def for_kind(self, kind: str, *, replacing: bool = False) -> DocumentForm:
        """Keep only the questions `kind` asks (a replacement keeps the title it has)."""
        asked = details_asked(kind, replacing=replacing)
        if kind not in EXPIRY_REQUIRED and "expiry_date" in asked:
            self.expiry_date.validators = []
            self.expiry_date.label.text = "Expiry or renewal date (optional)"
        for name in DETAILS:
            if name not in asked:
                delattr(self, name)
        self.kind = kind
        if replacing:
            self.submit.label.text = "Upload new version"
        return self

    def validate_title(self, field) -> None:
        if not field.data and self.kind == "other":
            raise ValidationError("Enter a title for the document")

    def fill_in(self, details: dict) -> list[str]:
        """As any form's, with the amount of cover (in pence) written as people type it."""
        if details.get("cover_amount") is not None:
            details = details | {"cover_amount": format_pence(details["cover_amount"])}
        return super().fill_in(details)

    def validate_cover_amount(self, field) -> None:
        try:
            pence = parse_pence(field.data)
        except NotMoney:
            pence = None
        if pence is None:
            raise ValidationError("Amount of cover must be an amount of money, like £5,000,000")
        if not 100 <= pence <= _MAX_COVER_PENCE:
            raise ValidationError(
                f"Amount of cover must be between £1 and {format_pence(_MAX_COVER_PENCE)}"
            )

    def validate_issue_date(self, field) -> None:
        if field.data and field.data > today():
            raise ValidationError("Date issued must be today or in the past")

    def validate_expiry_date(self, field) -> None:
        if field.data and field.data < today():
            raise ValidationError(
                "Expiry date must be today or in the future: upload a certificate that is in date"
            )

    def validate_file(self, field) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Select a file")

    def _answer(self, name: str):
        return self[name].data if name in self else None

    def details(self, kind: str) -> dict:
        """What the service takes: kind, title and the version's details, None where not asked."""
        get = self._answer
        amount = get("cover_amount")
        try:
            pence = parse_pence(amount)
        except NotMoney:
            pence = None
        return {
            "kind": kind,
            "title": get("title") or KINDS[kind],
            "issue_date": get("issue_date"),
            "expiry_date": get("expiry_date"),
            "review_date": get("review_date"),
            "cover_type": get("cover_type"),
            "cover_amount_pence": pence,
            "issuer": get("issuer"),
        }


DeleteDocumentForm = button_form("Yes, delete this document")
