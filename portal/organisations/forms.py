from wtforms import BooleanField, ValidationError

from portal.core.forms import (
    OnceOnlyForm,
    button_form,
    email_field,
    optional_text_field,
    radio_field,
    submit,
    text_field,
)
from portal.organisations import validation
from portal.organisations.models import DETAIL_FIELDS, LEGAL_FORMS

NEEDS_COMPANY_NUMBER = ("company", "cic")
WEBSITE_LIMIT = 300
_SELECT_LEGAL_FORM = "Select what type of organisation it is"


# The answers we store in a tidy form. The form checks them but shows them again as typed;
# details() hands the service the tidy form.
_TIDY = {
    "company_number": validation.company_number,
    "charity_number": validation.charity_number,
    "vat_number": validation.vat_number,
    "postcode": validation.postcode,
    "phone": validation.phone,
    "website": validation.website,
}


def _check(field, message: str) -> None:
    if _TIDY[field.name](field.data) is None:
        raise ValidationError(message)


class OrganisationForm(OnceOnlyForm):
    legal_name = text_field(
        "Legal name",
        missing="Enter your organisation's legal name",
        hint="As registered with Companies House or the Charity Commission, or your own name if "
        "you are a sole trader.",
    )
    trading_name = optional_text_field(
        "Trading name (optional)", hint="If you work under a different name."
    )
    legal_form = radio_field("What type of organisation is it?", LEGAL_FORMS, _SELECT_LEGAL_FORM)
    company_number = optional_text_field(
        "Companies House number",
        limit=10,
        hint="8 characters, like 01234567 or SC123456. Needed for companies and CICs.",
    )
    charity_number = optional_text_field(
        "Charity number",
        limit=12,
        hint="Like 1234567, SC012345 or NIC100001. Needed for registered charities.",
    )
    vat_number = optional_text_field(
        "VAT registration number (optional)",
        limit=20,
        hint="If you are registered for VAT: GB and 9 digits, like GB123456789. The "
        "council adds VAT to what it pays you only when you give one.",
    )
    # Shown together as one group of checkboxes (see _details_form.html).
    is_sme = BooleanField(
        "Small or medium-sized enterprise (SME)",
        description="Fewer than 250 staff and a turnover of £44 million or less.",
    )
    is_vcse = BooleanField(
        "Voluntary, community or social enterprise (VCSE)",
        description="A charity, community group, CIC or social enterprise.",
    )
    address_line_1 = text_field(
        "Address line 1", missing="Enter address line 1, typically the building and street"
    )
    address_line_2 = optional_text_field("Address line 2 (optional)")
    town = text_field("Town or city", missing="Enter town or city", limit=100)
    postcode = text_field("Postcode", missing="Enter postcode", limit=10)
    phone = text_field(
        "Phone number",
        missing="Enter a phone number",
        limit=20,
        hint="For international numbers include the country code.",
    )
    website = optional_text_field("Website (optional)", limit=WEBSITE_LIMIT)
    contact_name = text_field(
        "Main contact's name",
        missing="Enter the name of your main contact",
        hint="The person the council should contact about the framework.",
    )
    contact_email = email_field(
        "Main contact's email address", missing="Enter the main contact's email address"
    )
    submit = submit("Save")

    def validate_company_number(self, field):
        if field.data:
            _check(
                field,
                "Enter a Companies House number in the correct format, like 01234567 or SC123456",
            )
        elif self.legal_form.data in NEEDS_COMPANY_NUMBER:
            raise ValidationError("Enter your Companies House number")

    def validate_charity_number(self, field):
        if field.data:
            _check(field, "Enter a charity number in the correct format, like 1234567 or SC012345")
        elif self.legal_form.data == "charity":
            raise ValidationError("Enter your charity number")

    def validate_vat_number(self, field):
        if field.data:
            _check(
                field,
                "Enter a VAT registration number in the correct format: GB and 9 digits, like "
                "GB123456789, or GB and 12 digits",
            )

    def validate_postcode(self, field):
        _check(field, "Enter a full UK postcode, like DY1 1HF")

    def validate_phone(self, field):
        _check(field, "Enter a phone number, like 01384 812345 or +44 7700 900982")

    def validate_website(self, field):
        if field.data:
            _check(field, "Enter a website address in the correct format, like www.example.org")
            # Adding "https://" can take an address that fitted over the limit.
            if len(validation.website(field.data)) > WEBSITE_LIMIT:
                raise ValidationError(f"Website must be {WEBSITE_LIMIT} characters or fewer")

    def details(self) -> dict:
        """The organisation's details, as the service takes them: tidy, with None for blanks."""
        details = {}
        for name in DETAIL_FIELDS:
            value = self[name].data
            if isinstance(value, str):
                value = _TIDY[name](value) if value and name in _TIDY else value or None
            details[name] = value
        return details


class InviteMemberForm(OnceOnlyForm):
    email = email_field(
        hint="We will email them a link to join. It works for 7 days.",
        missing="Enter the email address of the person you want to invite",
    )
    submit = submit("Send invitation")


# A button that changes something: the form carries only the CSRF token.
ConfirmForm = button_form("Confirm")
AcceptInvitationForm = button_form("Accept invitation")
LeaveForm = button_form("Leave organisation")
RemoveMemberForm = button_form("Remove member")
