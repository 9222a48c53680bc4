"""The competitions' forms. Pages whose fields depend on the competition (a quote's answers, an
evaluator's scores) read them from the request, and the service checks them: those pages show
their errors through `portal.core.PageErrors`."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from flask import current_app
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from portal.capacity.models import NEEDS
from portal.competitions import personal_data
from portal.competitions.models import AGE_BANDS, LOCAL_PREFERENCES, PRICE_BASES
from portal.competitions.services.common import REASON_LIMIT, Details
from portal.core.forms import (
    BaseForm,
    DateInputField,
    DateRequired,
    OnceOnlyForm,
    VersionedForm,
    long_text_field,
    max_length,
    radio_field,
    required,
    submit,
)
from portal.core.time import LONDON

_TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?", re.IGNORECASE)


def parse_time(text: str) -> time | None:
    """'12pm', '5:30pm', '17:30' or '9am' as a time; None if it is none of these."""
    match = _TIME.fullmatch((text or "").strip())
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if minute > 59:
        return None
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif hour > 23 or match[2] is None:
        return None
    return time(hour, minute)


class TimeOfDay:
    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, _form, field) -> None:
        if parse_time(field.data or "") is None:
            raise ValidationError(f"{self.what} must be a real time, like 12pm, 5:30pm or 17:30")


def _time_field(label: str, what: str, missing: str | None) -> StringField:
    """A time of day, as people write it; `missing` is the error when it is left out (None:
    optional)."""
    return StringField(
        label,
        validators=[required(missing) if missing else Optional(), TimeOfDay(what)],
        widget=GovTextInput(),
        description="UK time. For example, 12pm, 5:30pm or 17:30",
    )


def _choices(options: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options.items()]


def _reason_field(label: str, hint: str = "") -> TextAreaField:
    return long_text_field(
        label, missing="Enter a reason", limit=REASON_LIMIT, what="Reason", hint=hint
    )


def _whole_number(
    label: str, low: int, high: int, missing: str | None = None, *, what: str = "", hint: str = ""
) -> IntegerField:
    """A whole number from `low` to `high`; `missing` is the error when it is left out (None:
    optional), `what` names it in the error for one out of range (the label when not given)."""
    return IntegerField(
        label,
        validators=[
            required(missing) if missing else Optional(),
            NumberRange(
                low, high, message=f"{what or label} must be a whole number from {low} to {high}"
            ),
        ],
        widget=GovTextInput(),
        description=hint,
    )


def _text_area(
    label: str, missing: str | None, limit: int, *, what: str = "", hint: str = ""
) -> TextAreaField:
    """Text over several lines in a plain box (see `long_text_field`)."""
    return long_text_field(
        label, missing=missing, limit=limit, what=what or label, hint=hint, counted=False
    )


def _deadline(day_field, time_field) -> datetime:
    """A deadline's day and time fields as one moment, London time."""
    return datetime.combine(day_field.data, parse_time(time_field.data), tzinfo=LONDON)


class DetailsForm(OnceOnlyForm, VersionedForm):
    """What every competition says: the lot, the work and the deadlines."""

    lot = SelectField(
        "Type of service", choices=[], widget=GovSelect(), validate_choice=True, coerce=str
    )
    title = StringField(
        "Title",
        validators=[required("Enter a title"), max_length(200, "Title")],
        widget=GovTextInput(),
    )
    description = _text_area(
        "Description",
        "Enter a description",
        10000,
        hint="What the council is buying and why.",
    )
    requirements = _text_area(
        "Requirements",
        "Enter the requirements",
        10000,
        hint="What the provider must do, and any standards they must meet.",
    )
    price_basis = radio_field(
        "How should providers give their price?",
        PRICE_BASES,
        missing="Select how providers should give their price",
    )
    planned_units = _whole_number(
        "How many hours, days or placements will the council buy?",
        1,
        100000,
        what="Number to buy",
        hint=(
            "Only for a price per hour, per day or per placement: leave it blank for a total "
            "price. The award is published with its value: the winning price times this number."
        ),
    )
    clarification_date = DateInputField(
        "Deadline for questions",
        what="Questions deadline",
        validators=[DateRequired("Enter the deadline for questions")],
        description="For example, 26 2 2027. Providers can ask questions until then.",
    )
    clarification_time = _time_field(
        "Time questions close", "Time questions close", "Enter the time questions close"
    )
    submission_date = DateInputField(
        "Deadline for quotes",
        what="Quotes deadline",
        validators=[DateRequired("Enter the deadline for quotes")],
        description="For example, 5 3 2027. Quotes are sealed until then.",
    )
    submission_time = _time_field(
        "Time quotes close", "Time quotes close", "Enter the time quotes close"
    )

    def with_lots(self, lots) -> DetailsForm:
        # The council's area by name: "the borough" leaves a provider guessing which one.
        area = current_app.config["COUNCIL_AREA"]
        if "local_preference" in self:  # a placement request has no local preference
            self.local_preference.choices = [
                (value, label.format(area=area)) for value, label in LOCAL_PREFERENCES.items()
            ]
            self.local_weight.label.text = f"Weight for providers based in {area} (optional)"
            self.local_weight.description = (
                f"Only if you give marks to providers based in {area}. Out of 100."
            )
        self.lot.choices = [SelectChoice("", "Choose a type of service")] + [
            SelectChoice(str(lot.id), lot.name) for lot in lots
        ]
        return self

    def validate_lot(self, field) -> None:
        if not field.data:
            raise ValidationError("Select the type of service")

    def details(self, kind: str) -> Details:
        return Details(
            kind=kind,
            lot_id=int(self.lot.data),
            title=self.title.data,
            description=self.description.data,
            requirements=self.requirements.data,
            price_basis=self.price_basis.data,
            planned_units=self.planned_units.data,
            clarification_deadline=_deadline(self.clarification_date, self.clarification_time),
            submission_deadline=_deadline(self.submission_date, self.submission_time),
            **self.weights(),
            **self.placement_details(),
        )

    def weights(self) -> dict:
        """A placement request's weights are the published method's (the service sets them)."""
        return {
            "quality_weight": 0,
            "price_weight": 0,
            "local_preference": "none",
            "local_weight": 0,
        }

    def placement_details(self) -> dict:
        return {}


class MiniCompetitionForm(DetailsForm):
    quality_weight = _whole_number(
        "Quality weight",
        0,
        100,
        "Enter the quality weight",
        hint="Out of 100. The quality questions' weights must add up to this.",
    )
    price_weight = _whole_number(
        "Price weight", 0, 100, "Enter the price weight", hint="Out of 100."
    )
    local_preference = radio_field(
        "Local preference",
        LOCAL_PREFERENCES,
        missing="Select a local preference",
        default="none",
    )
    local_weight = _whole_number(
        "Weight for local providers (optional)",
        0,
        100,
        what="Local weight",
        hint="Only if you give marks to local providers. Out of 100.",
    )
    submit = submit("Save draft")

    def weights(self) -> dict:
        return {
            "quality_weight": self.quality_weight.data,
            "price_weight": self.price_weight.data,
            "local_preference": self.local_preference.data,
            "local_weight": self.local_weight.data or 0,
        }


class NoPersonalData:
    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, _form, field) -> None:
        problem = personal_data.problem_in(field.data, self.what)
        if problem:
            raise ValidationError(problem)


class PlacementRequestForm(DetailsForm):
    reference_code = StringField(
        "Council reference code",
        validators=[required("Enter the council reference code")],
        widget=GovTextInput(),
        description="Like SEND-0421. Never the child's name or initials.",
    )
    age_band = SelectField(
        "Age band",
        choices=_choices({"": "Choose an age band", **AGE_BANDS}),
        validators=[required("Select the age band")],
        widget=GovSelect(),
    )
    needs_summary = TextAreaField(
        "Summary of needs",
        validators=[
            required("Enter a summary of the child's needs"),
            max_length(5000, "Summary of needs"),
            NoPersonalData("Summary of needs"),
        ],
        widget=GovTextArea(),
        description=(
            "Describe needs, not the child: no name, date of birth, address or school name."
        ),
    )
    hours_per_week = _whole_number("Hours a week", 1, 60, "Enter the hours a week")
    start_date = DateInputField(
        "Start date", what="Start date", validators=[DateRequired("Enter the start date")]
    )
    area = StringField(
        "Area",
        validators=[required("Enter the area")],
        widget=GovTextInput(),
        description="The postcode district only, like DY1. Never a full postcode.",
    )
    # Checked by the service (placement_problems), like the rest of a placement's details.
    needs = SelectMultipleField(
        "Needs",
        choices=_choices(NEEDS),
        widget=GovCheckboxesInput(),
        validate_choice=False,
        description="Select all that apply. Used to find providers with matching capacity.",
    )
    limit_to_capacity = radio_field(
        "Who should be invited?",
        {
            "no": "Every eligible provider on the framework for this service",
            "yes": "Only providers with matching capacity, confirmed in the last 30 days",
        },
        missing="Select who should be invited",
        default="no",
    )
    capacity_limit_reason = TextAreaField(
        "Why invite only providers with matching capacity? (if you do)",
        widget=GovTextArea(),
        description="Recorded with the invitation list. Never name the child.",
    )
    submit = submit("Save draft")

    def validate_reference_code(self, field) -> None:
        field.data = (field.data or "").upper()
        problem = personal_data.reference_code_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_area(self, field) -> None:
        field.data = (field.data or "").upper().strip()
        problem = personal_data.area_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_title(self, field) -> None:
        NoPersonalData("Title")(self, field)

    def validate_description(self, field) -> None:
        NoPersonalData("Description")(self, field)

    def validate_requirements(self, field) -> None:
        NoPersonalData("Requirements")(self, field)

    def placement_details(self) -> dict:
        return {
            "reference_code": self.reference_code.data,
            "age_band": self.age_band.data,
            "needs_summary": self.needs_summary.data,
            "hours_per_week": self.hours_per_week.data,
            "start_date": self.start_date.data,
            "area": self.area.data,
            "needs": list(self.needs.data or []),
            "capacity_limit_reason": (
                self.capacity_limit_reason.data or ""
                if self.limit_to_capacity.data == "yes"
                else None
            ),
        }


# What a new placement request may start with, given in its address (a referral's page links to
# it so): only these, and only what parses; the commissioner checks it all before saving.
PREFILLED = ("lot", "title", "reference_code", "age_band", "needs_summary", "area")


def placement_prefill(args) -> dict:
    details = {name: args.get(name) for name in PREFILLED}
    details["needs"] = args.getlist("needs") or None
    try:
        details["start_date"] = date.fromisoformat(args.get("start_date") or "")
    except ValueError:
        details["start_date"] = None
    return details


class QuestionForm(OnceOnlyForm):
    text = _text_area("Question", "Enter the question", 2000)
    weight = _whole_number(
        "Weight",
        1,
        100,
        "Enter the weight",
        hint="Out of 100. All the questions' weights must add up to the quality weight.",
    )
    word_limit = _whole_number("Word limit", 10, 5000, "Enter the word limit")
    submit = submit("Add question")


class ConfirmForm(OnceOnlyForm, VersionedForm):
    submit = submit()


class ReasonForm(OnceOnlyForm, VersionedForm):
    reason = _reason_field("Reason")
    submit = submit()


class ExtensionForm(OnceOnlyForm, VersionedForm):
    """A later deadline for quotes (and, while questions are open, for questions), with why."""

    submission_date = DateInputField(
        "New deadline for quotes",
        what="New quotes deadline",
        validators=[DateRequired("Enter the new deadline for quotes")],
        description="It must be later than the current deadline. For example, 12 3 2027.",
    )
    submission_time = _time_field(
        "Time quotes close", "Time quotes close", "Enter the time quotes close"
    )
    clarification_date = DateInputField(
        "New deadline for questions (optional)",
        what="New questions deadline",
        validators=[Optional()],
        description="Leave it blank to keep the current deadline for questions.",
    )
    clarification_time = _time_field(
        "Time questions close (optional)", "Time questions close", None
    )
    reason = _reason_field("Reason for the extension")
    submit = submit("Extend the deadline")

    def validate_clarification_time(self, field) -> None:
        if self.clarification_date.data and not field.data:
            raise ValidationError("Enter the time questions close")

    def validate_clarification_date(self, field) -> None:
        if self.clarification_time.data and not field.data:
            raise ValidationError("Enter the new deadline for questions")

    def deadlines(self) -> tuple[datetime, datetime | None]:
        """The new deadline for quotes, and for questions when one was given (London time)."""
        quotes = _deadline(self.submission_date, self.submission_time)
        if not self.clarification_date.data:
            return quotes, None
        return quotes, _deadline(self.clarification_date, self.clarification_time)


class AnswerForm(OnceOnlyForm):
    published_question = _text_area(
        "Question as it will be published",
        "Enter the question",
        REASON_LIMIT,
        what="Question",
        hint="Reword it if it could identify who asked. The asker is never named.",
    )
    answer = _text_area("Answer", "Enter your answer", 10000)
    submit = submit("Publish answer to all invited providers")


class AskForm(OnceOnlyForm):
    question = long_text_field(
        "Your question",
        missing="Enter your question",
        limit=REASON_LIMIT,
        what="Question",
        hint="The council will publish the question and its answer to every provider it invited, "
        "without saying who asked.",
    )
    submit = submit("Send question")


class DeclarationForm(OnceOnlyForm):
    has_conflict = radio_field(
        "Do you have a conflict of interest with any of these providers?",
        {"no": "No", "yes": "Yes"},
        missing="Select yes if you have a conflict of interest",
    )
    detail = _text_area(
        "Describe the conflict (if you have one)",
        None,
        REASON_LIMIT,
        what="Description",
        hint="You will take no part in evaluating this competition.",
    )
    submit = submit("Make declaration")


class AwardForm(OnceOnlyForm, VersionedForm):
    winner = radio_field(
        "Who wins?",
        [],
        missing="Choose the winning quote",
        validate_choice=False,
    )
    reason = _text_area(
        "Reason (if not the top-ranked quote)",
        None,
        REASON_LIMIT,
        what="Reason",
        hint="Needed when the winner is not the top-ranked quote. Every bidder sees it.",
    )
    standstill = radio_field(
        "Wait for a standstill period before confirming the award?",
        {"yes": "Yes, 8 working days", "no": "No, confirm the award now"},
        missing="Select whether to wait for a standstill period",
    )
    submit = submit("Award")


class EvaluatorsForm(BaseForm):
    """Read from the request: the staff chosen (checkboxes) and the lead (radios)."""

    submit = submit("Save evaluators")
