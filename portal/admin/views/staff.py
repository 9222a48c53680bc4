"""Council staff, for admins: invite, change a role, deactivate, reactivate, reset two-factor."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, render_template, url_for
from flask_login import current_user

from portal.accounts import forms, services
from portal.accounts.models import ROLE_LABELS, User
from portal.admin.views.shared import bp
from portal.core.form_posts import handle_post
from portal.core.permissions import requires
from portal.core.words import possessive


@bp.route("/staff")
@requires("manage_staff")
def staff():
    return render_template(
        "admin/staff.html",
        staff=services.list_staff(),
        invitations=services.list_pending_staff_invitations(),
        role_labels=ROLE_LABELS,
    )


@bp.route("/staff/invite", methods=["GET", "POST"])
@requires("manage_staff")
def invite_staff():
    form = forms.StaffInviteForm()
    done = handle_post(
        form,
        lambda: services.invite_staff(current_user, form.email.data, form.role.data),
        to=url_for("admin.staff"),
        message=lambda invitation: f"We have sent an invitation to {invitation.email}",
    )
    return done or render_template("admin/invite_staff.html", form=form)


@bp.route("/staff/<int:user_id>/role", methods=["GET", "POST"])
@requires("manage_staff")
def change_role(user_id: int):
    member = services.get_staff_member(user_id)
    if member is None:
        abort(404)
    form = forms.StaffRoleForm()
    form.show_values(member, "role")
    done = handle_post(
        form,
        lambda: services.change_staff_role(current_user, member, form.role.data),
        to=url_for("admin.staff"),
        message=f"{possessive(member.full_name)} role has been saved",
    )
    return done or render_template("admin/change_role.html", form=form, member=member)


def _confirm_staff_change(
    user_id: int, form, change: Callable[[User, User], None], done: str, template: str
):
    """A page asking an admin to confirm `change` to a staff member, and the change."""
    member = services.get_staff_member(user_id)
    if member is None:
        abort(404)
    posted = handle_post(
        form,
        lambda: change(current_user, member),
        to=url_for("admin.staff"),
        message=done.format(whose=possessive(member.full_name)),
    )
    return posted or render_template(template, form=form, member=member)


@bp.route("/staff/<int:user_id>/deactivate", methods=["GET", "POST"])
@requires("manage_staff")
def deactivate_staff(user_id: int):
    return _confirm_staff_change(
        user_id,
        forms.DeactivateStaffForm(),
        services.deactivate_staff,
        "{whose} account has been deactivated",
        "admin/deactivate_staff.html",
    )


@bp.route("/staff/<int:user_id>/reactivate", methods=["GET", "POST"])
@requires("manage_staff")
def reactivate_staff(user_id: int):
    return _confirm_staff_change(
        user_id,
        forms.ReactivateStaffForm(),
        services.reactivate_staff,
        "{whose} account has been reactivated",
        "admin/reactivate_staff.html",
    )


@bp.route("/staff/<int:user_id>/reset-two-factor", methods=["GET", "POST"])
@requires("manage_staff")
def reset_two_factor(user_id: int):
    return _confirm_staff_change(
        user_id,
        forms.ResetTwoFactorForm(),
        services.reset_two_factor,
        "{whose} two-factor authentication has been reset. We have emailed them",
        "admin/reset_two_factor.html",
    )
