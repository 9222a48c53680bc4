"""Register, confirm email, sign in and out, passwords, two-factor, staff invitations."""

from __future__ import annotations

from io import BytesIO

import qrcode
import qrcode.image.svg
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from markupsafe import Markup

from portal.accounts import forms, services, sessions
from portal.accounts.tokens import InvalidToken
from portal.core.extensions import limiter
from portal.core.form_posts import handle_post
from portal.core.permissions import (
    TWO_FACTOR_PASSED,
    public,
    requires_password_step,
    requires_sign_in,
    two_factor_passed,
)
from portal.core.urls import safe_next_url

bp = Blueprint("accounts", __name__)


# Per source address only. Per email address, the brakes are in the services (lockout, and a
# cap on emails sent): a limit here would refuse the page to the address's owner too, so five
# requests from anywhere could stop the owner resetting their own password for an hour.
sign_in_limits = [limiter.limit("20 per minute", methods=["POST"])]
email_limits = [limiter.limit("10 per minute", methods=["POST"])]


def _limited(limits):
    def apply(view):
        for limit in reversed(limits):
            view = limit(view)
        return view

    return apply


@bp.route("/register", methods=["GET", "POST"])
@public
@_limited(email_limits)
def register():
    form = forms.RegisterForm()
    next_path = safe_next_url(request.args.get("next"))
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"]  # from an invitation's "create an account" link

    def register_and_remember_email() -> None:
        services.register_user(form.full_name.data, form.email.data, form.password.data, next_path)
        session["check_email"] = services.normalise_email(form.email.data)

    done = handle_post(form, register_and_remember_email, to=url_for("accounts.check_email"))
    if done:
        return done
    form.password.data = ""
    return render_template("accounts/register.html", form=form)


@bp.route("/check-your-email")
@public
def check_email():
    return render_template("accounts/check_email.html", email=session.get("check_email"))


@bp.route("/verify-email/<token>")
@public
def verify_email(token: str):
    try:
        _user, next_path = services.verify_email(token)
    except InvalidToken as error:
        return render_template(
            "accounts/link_problem.html", expired=error.expired, form=forms.EmailOnlyForm()
        ), 400
    return render_template("accounts/email_verified.html", next_path=safe_next_url(next_path))


@bp.route("/verify-email", methods=["POST"])
@public
@_limited(email_limits)
def resend_verification():
    form = forms.EmailOnlyForm()

    def resend() -> None:
        services.resend_verification_email(form.email.data)
        _remember_email(form)

    done = handle_post(form, resend, to=url_for("accounts.check_email"))
    return done or render_template("accounts/link_problem.html", expired=True, form=form)


def _remember_email(form) -> None:
    """The check-your-email page names the address, whether or not an account has it."""
    session["check_email"] = services.normalise_email(form.email.data)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@_limited(sign_in_limits)
def sign_in():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("pages.home"))
    form = forms.SignInForm()
    done = handle_post(
        form,
        lambda: sessions.start_session(services.authenticate(form.email.data, form.password.data)),
        to=lambda _: _after_sign_in(safe_next_url(request.args.get("next"))),
    )
    if done:
        return done
    form.password.data = ""
    return render_template("accounts/sign_in.html", form=form)


def _after_sign_in(destination: str | None) -> str:
    """Council staff go through two-factor first, then on to where they were going."""
    if not two_factor_passed():
        if current_user.totp_enabled_at is None:
            return url_for("accounts.two_factor_setup")
        return url_for("accounts.two_factor", next=destination)
    return destination or url_for("pages.home")


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    if current_user.is_authenticated:
        services.record_sign_out(current_user)
    sessions.end_session()
    return redirect(url_for("accounts.signed_out"))


@bp.route("/signed-out")
@public
def signed_out():
    return render_template("accounts/signed_out.html")


@bp.route("/forgotten-password", methods=["GET", "POST"])
@public
@_limited(email_limits)
def forgotten_password():
    form = forms.EmailOnlyForm()

    def request_reset() -> None:
        services.request_password_reset(form.email.data)
        _remember_email(form)

    done = handle_post(form, request_reset, to=url_for("accounts.check_email", reset=1))
    return done or render_template("accounts/forgotten_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except InvalidToken as error:
        return render_template("accounts/reset_link_problem.html", expired=error.expired), 400
    form = forms.NewPasswordForm()

    def reset_and_sign_out() -> None:
        services.reset_password(token, form.password.data)
        sessions.end_session()

    done = handle_post(form, reset_and_sign_out, to=url_for("accounts.password_reset_done"))
    return done or render_template("accounts/reset_password.html", form=form)


@bp.route("/password-reset")
@public
def password_reset_done():
    return render_template("accounts/password_reset_done.html")


@bp.route("/account")
@requires_sign_in
def account():
    return render_template(
        "accounts/account.html",
        recovery_codes_left=services.unused_recovery_code_count(current_user),
    )


@bp.route("/account/change-password", methods=["GET", "POST"])
@requires_sign_in
def change_password():
    form = forms.ChangePasswordForm()

    def change_and_stay_signed_in() -> None:
        services.change_password(current_user, form.current_password.data, form.password.data)
        # The session version moved on: sign this session in again under the new one, so only
        # the other sessions are signed out.
        login_user(current_user._get_current_object())

    done = handle_post(form, change_and_stay_signed_in, to=url_for("accounts.account", changed=1))
    return done or render_template("accounts/change_password.html", form=form)


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@requires_password_step
def two_factor_setup():
    if not current_user.is_staff or current_user.totp_enabled_at is not None:
        return redirect(url_for("accounts.two_factor"))
    form = forms.TwoFactorForm()
    uri = services.two_factor_uri(current_user)

    def confirm() -> None:
        session["recovery_codes"] = services.confirm_two_factor(current_user, form.code.data)
        session[TWO_FACTOR_PASSED] = True

    done = handle_post(form, confirm, to=url_for("accounts.recovery_codes"))
    return done or render_template(
        "accounts/two_factor_setup.html",
        form=form,
        qr_code=_qr_svg(uri),
        secret=current_user.totp_secret,
    )


@bp.route("/two-factor", methods=["GET", "POST"])
@requires_password_step
def two_factor():
    if not current_user.is_staff or session.get(TWO_FACTOR_PASSED):
        return redirect(url_for("pages.home"))
    if current_user.totp_enabled_at is None:
        return redirect(url_for("accounts.two_factor_setup"))
    form = forms.TwoFactorForm()

    def check() -> None:
        services.check_two_factor(current_user, form.code.data)
        session[TWO_FACTOR_PASSED] = True

    done = handle_post(
        form, check, to=safe_next_url(request.args.get("next")) or url_for("pages.home")
    )
    if done:
        return done
    form.code.data = ""
    return render_template("accounts/two_factor.html", form=form)


@bp.route("/two-factor/recovery-codes")
@requires_sign_in
def recovery_codes():
    codes = session.pop("recovery_codes", None)
    if not codes:
        return redirect(url_for("accounts.account"))
    return render_template("accounts/recovery_codes.html", codes=codes)


@bp.route("/staff-invitations/<token>", methods=["GET", "POST"])
@public
def accept_staff_invitation(token: str):
    try:
        invitation = services.staff_invitation_for_token(token)
    except InvalidToken as error:
        return render_template("accounts/invitation_problem.html", expired=error.expired), 400
    form = forms.AcceptStaffInvitationForm()
    done = handle_post(
        form,
        lambda: sessions.start_session(
            services.accept_staff_invitation(token, form.full_name.data, form.password.data)
        ),
        to=url_for("accounts.two_factor_setup"),
    )
    return done or render_template(
        "accounts/accept_staff_invitation.html", form=form, invitation=invitation
    )


def _qr_svg(data: str) -> Markup:
    buffer = BytesIO()
    qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration: it is not valid inside HTML
    labelled = svg.replace(
        "<svg", '<svg role="img" aria-label="QR code for your authenticator app"', 1
    )
    # Made by the qrcode library from our own otpauth URI, never from user input.
    return Markup(labelled)  # noqa: S704
