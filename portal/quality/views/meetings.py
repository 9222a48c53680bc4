"""Provider review meetings: the council's calendar of meetings due and overdue, scheduling one
from the provider's risk, adding to its agenda, the minutes and the actions agreed; the
meeting's page for both sides (the provider's members read it and comment), and a provider's
list of its meetings. The rules are in portal/quality/services/meetings.py."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.core.form_posts import handle_post
from portal.core.pagination import page_number
from portal.core.permissions import can, requires, requires_org_role, requires_sign_in
from portal.core.time import today
from portal.organisations.models import Organisation
from portal.quality import meeting_forms as forms
from portal.quality.models import MEETING_HELD, MEETING_SCHEDULED, Meeting
from portal.quality.services import meeting_calendar, meetings
from portal.quality.views.meeting_rows import meeting_rows
from portal.quality.views.shared import bp

read_quality = requires("read_quality")
assure_quality = requires("assure_quality")
bp.add_app_template_global(meeting_rows, "meeting_rows")


def meeting_url(meeting_id: int) -> str:
    return url_for("quality.meeting", meeting_id=meeting_id)


@bp.route("/meetings")
@read_quality
def meetings_calendar() -> ResponseReturnValue:
    number = page_number(request.args.get("page"))
    return render_template(
        "quality/meetings/calendar.html",
        calendar=meeting_calendar.calendar(today(), number),
        on=today(),
    )


@bp.route("/providers/<int:organisation_id>/meetings/new", methods=["GET", "POST"])
@assure_quality
def schedule_meeting(organisation_id: int) -> ResponseReturnValue:
    organisation, due = meetings.provider_to_meet(organisation_id, today())
    form = forms.ScheduleForm()
    done = handle_post(
        form,
        lambda: meetings.schedule_meeting(current_user, organisation, form.meets_on.data),
        to=lambda meeting: meeting_url(meeting.id),
        message="The meeting has been scheduled and the provider told",
    )
    return done or render_template(
        "quality/meetings/schedule.html", form=form, organisation=organisation, due=due
    )


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@requires_sign_in
def meeting(meeting_id: int) -> ResponseReturnValue:
    """The meeting: its agenda, then its minutes, actions agreed and comments. The provider's
    members and the quality officers may comment (a POST of the page's form)."""
    if current_user.is_staff:
        if not can(current_user, "read_quality"):
            abort(403)
        found = meetings.meeting_for_council(meeting_id)
        may_comment = can(current_user, "assure_quality")
    else:
        found = meetings.meeting_for_member(current_user, meeting_id)
        may_comment = True
    form = forms.CommentForm()
    if may_comment:
        done = handle_post(
            form,
            lambda: meetings.comment_on(current_user, found, form.body.data),
            to=meeting_url(found.id) + "#comments",
            message="Your comment has been added",
        )
        if done:
            return done
    elif form.is_submitted():
        abort(403)
    return _page(found, form, may_comment)


def _page(found: Meeting, form: forms.CommentForm, may_comment: bool) -> str:
    return render_template(
        "quality/meetings/show.html",
        meeting=found,
        actions=meetings.agreed_actions(found),
        form=form,
        may_comment=may_comment and found.status == MEETING_HELD,
        viewer_is_staff=current_user.is_staff,
        scheduled=MEETING_SCHEDULED,
        held=MEETING_HELD,
    )


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["GET", "POST"])
@assure_quality
def add_to_agenda(meeting_id: int) -> ResponseReturnValue:
    found = meetings.meeting_for_council(meeting_id)
    form = forms.AgendaForm()
    done = handle_post(
        form,
        lambda: meetings.add_to_agenda(current_user, found, form.heading.data, form.text.data),
        to=meeting_url(found.id),
        message="Added to the agenda",
    )
    return done or render_template("quality/meetings/agenda.html", form=form, meeting=found)


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@assure_quality
def record_minutes(meeting_id: int) -> ResponseReturnValue:
    found = meetings.meeting_for_council(meeting_id)
    form = forms.MinutesForm()
    done = handle_post(
        form,
        lambda: meetings.record_minutes(current_user, found, form.typed(), form.seen),
        to=meeting_url(found.id),
        message="The minutes have been published to the provider",
    )
    if done:
        return done
    form.show_version(found)
    return render_template("quality/meetings/minutes.html", form=form, meeting=found)


@bp.route("/meetings/<int:meeting_id>/actions/new", methods=["GET", "POST"])
@assure_quality
def agree_action(meeting_id: int) -> ResponseReturnValue:
    found = meetings.meeting_for_council(meeting_id)
    form = forms.AgreedActionForm()
    done = handle_post(
        form,
        lambda: meetings.agree_action(
            current_user,
            found,
            title=form.title.data,
            owner=form.owner.data,
            due_on=form.due_on.data,
            detail=form.detail.data or "",
        ),
        to=meeting_url(found.id) + "#actions",
        message="The action has been added to the provider's action plan",
    )
    return done or render_template("quality/meetings/action.html", form=form, meeting=found)


@bp.route("/organisations/<int:organisation_id>/meetings")
@requires_org_role()
def provider_meetings(organisation: Organisation) -> ResponseReturnValue:
    return render_template(
        "quality/meetings/provider_list.html",
        organisation=organisation,
        meetings=meetings.meetings_of(organisation.id),
        scheduled=MEETING_SCHEDULED,
    )
