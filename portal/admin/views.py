from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts import forms, services
from portal.accounts.models import ADMIN, ROLE_LABELS
from portal.core.permissions import requires_staff_role
from portal.core.submissions import previous_result, remember_result

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/staff")
@requires_staff_role(ADMIN)
def staff():
    return render_template(
        "admin/staff.html",
        staff=services.list_staff(),
        invitations=services.list_pending_staff_invitations(),
        role_labels=ROLE_LABELS,
    )


@bp.route("/staff/invite", methods=["GET", "POST"])
@requires_staff_role(ADMIN)
def invite_staff():
    form = forms.StaffInviteForm()
    if form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            invitation = services.invite_staff(current_user, form.email.data, form.role.data)
        except services.AccountError as error:
            form.add_error(error.field, error.message)
        else:
            remember_result(form.submission_id.data, url_for("admin.staff"))
            flash(f"We have sent an invitation to {invitation.email}", "success")
            return redirect(url_for("admin.staff"))
    return render_template("admin/invite_staff.html", form=form)


@bp.route("/staff/<int:user_id>/role", methods=["GET", "POST"])
@requires_staff_role(ADMIN)
def change_role(user_id: int):
    member = services.get_staff_member(user_id)
    if member is None:
        abort(404)
    form = forms.StaffRoleForm()
    if not form.is_submitted():
        form.role.data = member.role
    if form.validate_on_submit():
        try:
            services.change_staff_role(current_user, member, form.role.data)
        except services.AccountError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"{member.full_name}'s role has been saved", "success")
            return redirect(url_for("admin.staff"))
    return render_template("admin/change_role.html", form=form, member=member)
