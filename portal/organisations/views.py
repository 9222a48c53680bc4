"""Organisation details, members and invitations."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.tokens import InvalidToken
from portal.applications import services as applications
from portal.core.form_posts import handle_button, handle_post
from portal.core.permissions import public, requires_org_role, requires_provider
from portal.organisations import forms, services
from portal.organisations.models import OWNER

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


def _show_url(organisation) -> str:
    return url_for("organisations.show", organisation_id=organisation.id)


@bp.route("/new", methods=["GET", "POST"])
@requires_provider
def create():
    form = forms.OrganisationForm()
    done = handle_post(
        form,
        lambda: services.create_organisation(current_user, form.details()),
        to=_show_url,
        message=lambda organisation: f"{organisation.display_name} has been created",
    )
    return done or render_template(
        "organisations/create.html",
        form=form,
        invitations=services.invitations_for(current_user),
    )


@bp.route("/<int:organisation_id>")
@requires_org_role()
def show(organisation):
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        members=services.members_of(organisation),
        invitations=services.pending_invitations(organisation),
        current_application=applications.current_application_of(organisation),
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@requires_org_role(OWNER)
def edit(organisation):
    # A POST is judged on what it sent alone: WTForms would fill a missing answer from `obj`.
    form = forms.OrganisationForm(obj=organisation if request.method == "GET" else None)
    done = handle_post(
        form,
        lambda: services.update_organisation(current_user, organisation, form.details()),
        to=_show_url(organisation),
        message="Your organisation's details have been saved",
    )
    return done or render_template("organisations/edit.html", form=form, organisation=organisation)


@bp.route("/<int:organisation_id>/members/invite", methods=["GET", "POST"])
@requires_org_role(OWNER)
def invite(organisation):
    form = forms.InviteMemberForm()
    done = handle_post(
        form,
        lambda: services.invite_member(current_user, organisation, form.email.data),
        to=_show_url(organisation),
        message=lambda invitation: f"We have sent an invitation to {invitation.email}",
    )
    return done or render_template(
        "organisations/invite.html", form=form, organisation=organisation
    )


@bp.route("/<int:organisation_id>/invitations/<int:invitation_id>/cancel", methods=["POST"])
@requires_org_role(OWNER)
def cancel_invitation(organisation, invitation_id: int):
    return handle_button(
        lambda: services.cancel_invitation(current_user, organisation, invitation_id),
        _show_url(organisation),
        message="The invitation has been cancelled",
        form=forms.ConfirmForm(),
    )


@bp.route("/<int:organisation_id>/members/<int:membership_id>/remove", methods=["GET", "POST"])
@requires_org_role(OWNER)
def remove_member(organisation, membership_id: int):
    membership = services.get_membership(organisation, membership_id)
    form = forms.RemoveMemberForm()
    themselves = membership.user_id == current_user.id
    done = handle_post(
        form,
        lambda: services.remove_member(current_user, organisation, membership),
        to=url_for("pages.home") if themselves else _show_url(organisation),
        message=f"You have left {organisation.display_name}"
        if themselves
        else f"{membership.user.full_name} has been removed",
        field="submit",
    )
    return done or render_template(
        "organisations/remove_member.html",
        form=form,
        organisation=organisation,
        membership=membership,
    )


@bp.route("/<int:organisation_id>/members/<int:membership_id>/make-owner", methods=["POST"])
@requires_org_role(OWNER)
def make_owner(organisation, membership_id: int):
    membership = services.get_membership(organisation, membership_id)
    return handle_button(
        lambda: services.make_owner(current_user, organisation, membership),
        _show_url(organisation),
        message=f"{membership.user.full_name} is now an owner",
        form=forms.ConfirmForm(),
    )


@bp.route("/<int:organisation_id>/leave", methods=["GET", "POST"])
@requires_org_role()
def leave(organisation):
    form = forms.LeaveForm()
    done = handle_post(
        form,
        lambda: services.remove_member(current_user, organisation, g.membership),
        to=url_for("pages.home"),
        message=f"You have left {organisation.display_name}",
        field="submit",
    )
    return done or render_template("organisations/leave.html", form=form, organisation=organisation)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    """Anyone can open the link; accepting needs an account with the invited address."""
    try:
        invitation = services.invitation_for_token(token)
    except InvalidToken as error:
        joined = current_user.is_authenticated and services.organisation_joined_through(
            current_user, token
        )
        if joined:
            return redirect(url_for("organisations.show", organisation_id=joined.id))
        return render_template("accounts/invitation_problem.html", expired=error.expired), 400
    form = forms.AcceptInvitationForm()
    done = current_user.is_authenticated and handle_post(
        form,
        lambda: services.accept_invitation(current_user, token),
        to=_show_url,
        message=lambda organisation: f"You are now a member of {organisation.display_name}",
        field="submit",
    )
    return done or render_template(
        "organisations/accept_invitation.html", form=form, invitation=invitation
    )
