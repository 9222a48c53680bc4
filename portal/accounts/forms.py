from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import ROLE_LABELS, STAFF_ROLES
from portal.accounts.passwords import MIN_LENGTH
from portal.core.forms import (
    BaseForm,
    OnceOnlyForm,
    button_form,
    email_field,
    password_field,
    radio_field,
    required,
    submit,
    text_field,
)

NEW_PASSWORD_HINT = (
    f"Must be {MIN_LENGTH} characters or more. A few unrelated words together make a strong "
    "password that is easy to remember."
)


class RegisterForm(OnceOnlyForm):
    full_name = text_field("Full name", missing="Enter your full name")
    email = email_field(hint="We will send a link to this address to confirm it is yours.")
    password = password_field("Create a password", "Enter a password", NEW_PASSWORD_HINT)
    submit = submit("Create account")


class SignInForm(BaseForm):
    email = email_field()
    password = password_field()
    submit = submit("Sign in")


class EmailOnlyForm(BaseForm):
    email = email_field()
    submit = submit("Send link")


class NewPasswordForm(BaseForm):
    password = password_field("New password", "Enter a new password", NEW_PASSWORD_HINT)
    submit = submit("Save password")


class ChangePasswordForm(BaseForm):
    current_password = password_field("Current password", "Enter your current password")
    password = password_field("New password", "Enter a new password", NEW_PASSWORD_HINT)
    submit = submit("Change password")


class TwoFactorForm(BaseForm):
    code = StringField(
        "Security code",
        validators=[required("Enter the security code")],
        widget=GovTextInput(),
        description="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )
    submit = submit("Continue")


def _role_field() -> RadioField:
    return radio_field(
        "Role",
        [SelectChoice(role, ROLE_LABELS[role]) for role in STAFF_ROLES],
        missing="Select a role",
        validate_choice=False,  # the service refuses other roles, in the words of the form
    )


class StaffInviteForm(OnceOnlyForm):
    email = email_field(hint="Their council email address.", missing="Enter their email address")
    role = _role_field()
    submit = submit("Send invitation")


class StaffRoleForm(BaseForm):
    role = _role_field()
    submit = submit("Save role")


DeactivateStaffForm = button_form("Deactivate account")
ReactivateStaffForm = button_form("Reactivate account")
ResetTwoFactorForm = button_form("Reset two-factor authentication")


class AcceptStaffInvitationForm(BaseForm):
    full_name = text_field("Full name", missing="Enter your full name")
    password = password_field("Create a password", "Enter a password", NEW_PASSWORD_HINT)
    submit = submit("Create account")
