from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovTextInput
from wtforms import BooleanField, RadioField, StringField, ValidationError

from portal.core.forms import (
    BaseForm,
    OnceOnlyForm,
    email_field,
    max_length,
    optional_text_field,
    required,
    submit,
    text_field,
)
from portal.organisations import validation
from portal.organisations.models import LEGAL_FORMS

NEEDS_COMPANY_NUMBER = ("company", "cic")


def _checked(value: str, tidy, message: str) -> str:
    result = tidy(value)
    if result is None:
        raise ValidationError(message)
    return result


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
    legal_form = RadioField(
        "What type of organisation is it?",
        choices=list(LEGAL_FORMS.items()),
        validators=[required("Select what type of organisation it is")],
        widget=GovRadioInput(),
    )
    company_number = StringField(
        "Companies House number",
        validators=[max_length(10, "Companies House number")],
        widget=GovTextInput(),
        description="8 characters, like 01234567 or SC123456. Needed for companies and CICs.",
    )
    charity_number = StringField(
        "Charity number",
        validators=[max_length(12, "Charity number")],
        widget=GovTextInput(),
        description="Like 1234567, SC012345 or NIC100001. Needed for registered charities.",
    )
    is_sme = BooleanField(
        "Small or medium-sized enterprise (SME): fewer than 250 staff and turnover of £44 million "
        "or less",
        widget=GovCheckboxInput(),
    )
    is_vcse = BooleanField(
        "Voluntary, community or social enterprise (VCSE): a charity, community group, CIC or "
        "social enterprise",
        widget=GovCheckboxInput(),
    )
    address_line_1 = text_field(
        "Address line 1", missing="Enter address line 1, typically the building and street"
    )
    address_line_2 = optional_text_field("Address line 2 (optional)")
    town = text_field("Town or city", missing="Enter town or city", limit=100)
    postcode = StringField(
        "Postcode",
        validators=[required("Enter postcode"), max_length(10, "Postcode")],
        widget=GovTextInput(),
    )
    phone = StringField(
        "Phone number",
        validators=[required("Enter a phone number"), max_length(20, "Phone number")],
        widget=GovTextInput(),
        description="For international numbers include the country code.",
    )
    website = optional_text_field("Website (optional)", limit=300)
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
            field.data = _checked(
                field.data,
                validation.company_number,
                "Enter a Companies House number in the correct format, like 01234567 or SC123456",
            )
        elif self.legal_form.data in NEEDS_COMPANY_NUMBER:
            raise ValidationError("Enter your Companies House number")

    def validate_charity_number(self, field):
        if field.data:
            field.data = _checked(
                field.data,
                validation.charity_number,
                "Enter a charity number in the correct format, like 1234567 or SC012345",
            )
        elif self.legal_form.data == "charity":
            raise ValidationError("Enter your charity number")

    def validate_postcode(self, field):
        field.data = _checked(
            field.data, validation.postcode, "Enter a full UK postcode, like DY1 1HF"
        )

    def validate_phone(self, field):
        field.data = _checked(
            field.data,
            validation.phone,
            "Enter a phone number, like 01384 812345 or +44 7700 900982",
        )

    def validate_website(self, field):
        if field.data:
            field.data = _checked(
                field.data,
                validation.website,
                "Enter a website address in the correct format, like www.example.org",
            )

    def details(self) -> dict:
        """The organisation's details, as the service takes them."""
        return {
            name: getattr(self, name).data or None
            for name in (
                "legal_name",
                "trading_name",
                "legal_form",
                "company_number",
                "charity_number",
                "address_line_1",
                "address_line_2",
                "town",
                "postcode",
                "phone",
                "website",
                "contact_name",
                "contact_email",
            )
        } | {"is_sme": self.is_sme.data, "is_vcse": self.is_vcse.data}


class InviteMemberForm(OnceOnlyForm):
    email = email_field(
        hint="We will email them a link to join. It works for 7 days.",
        missing="Enter the email address of the person you want to invite",
    )
    submit = submit("Send invitation")


class ConfirmForm(BaseForm):
    """A button to confirm something that cannot be undone."""

    submit = submit("Confirm")
