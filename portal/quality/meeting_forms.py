"""The review meetings' forms: scheduling, adding to the agenda, the minutes, an agreed action
and a comment. The services judge the values (dates, lengths), so each has one message."""

from __future__ import annotations

from wtforms import StringField, TextAreaField

from portal.core.forms import (
    DateInputField,
    DateRequired,
    OnceOnlyForm,
    VersionedForm,
    long_text_field,
    optional_text_field,
    submit,
    text_field,
)
from portal.quality.services.actions import DETAIL_LIMIT, OWNER_LIMIT, TITLE_LIMIT
from portal.quality.services.meetings import (
    AGENDA_TEXT_LIMIT,
    ATTENDEES_LIMIT,
    COMMENT_LIMIT,
    HEADING_LIMIT,
    MINUTES_LIMIT,
    Minutes,
)


class ScheduleForm(OnceOnlyForm):
    meets_on = DateInputField(
        "Date of the meeting",
        what="Date of the meeting",
        validators=[DateRequired("Enter the date of the meeting")],
        description="For example, 27 3 2027",
    )
    submit = submit("Schedule the meeting")


class AgendaForm(OnceOnlyForm):
    heading = optional_text_field("Heading (optional)", limit=HEADING_LIMIT)
    text: TextAreaField = long_text_field(
        "What to discuss",
        missing="Enter what to discuss",
        limit=AGENDA_TEXT_LIMIT,
        what="What to discuss",
        hint="One point a line.",
    )
    submit = submit("Add to the agenda")


class MinutesForm(OnceOnlyForm, VersionedForm):
    """The minutes, against the meeting's version the page showed: minutes recorded meanwhile by
    someone else are not overwritten."""

    held_on = DateInputField(
        "Date the meeting was held",
        what="Date the meeting was held",
        validators=[DateRequired("Enter the date the meeting was held")],
    )
    attendees: TextAreaField = long_text_field(
        "Who attended",
        missing="Enter who attended",
        limit=ATTENDEES_LIMIT,
        what="Who attended",
        hint="Their names and roles, one a line.",
    )
    minutes: TextAreaField = long_text_field(
        "Minutes",
        missing="Enter the minutes",
        limit=MINUTES_LIMIT,
        what="The minutes",
        hint="The provider's members will read these.",
    )
    submit = submit("Publish the minutes")

    def typed(self) -> Minutes:
        return Minutes(self.held_on.data, self.attendees.data, self.minutes.data)


class AgreedActionForm(OnceOnlyForm):
    title: StringField = text_field(
        "What must be done", missing="Enter what must be done", limit=TITLE_LIMIT
    )
    owner: StringField = text_field(
        "Who at the provider will do it",
        missing="Enter who at the provider will do it",
        limit=OWNER_LIMIT,
    )
    due_on = DateInputField(
        "Due by",
        what="Due by",
        validators=[DateRequired("Enter the date it is due by")],
    )
    detail: TextAreaField = long_text_field(
        "Detail (optional)", missing=None, limit=DETAIL_LIMIT, what="The detail"
    )
    submit = submit("Add the action")


class CommentForm(OnceOnlyForm):
    body: TextAreaField = long_text_field(
        "Your comment",
        missing="Enter your comment",
        limit=COMMENT_LIMIT,
        what="Your comment",
    )
    submit = submit("Add your comment")
