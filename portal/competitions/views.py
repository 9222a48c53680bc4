"""Mini-competitions and placement requests, for both sides: commissioners draft, publish,
answer questions, award and cancel; evaluators declare, score and moderate; providers quote.
Quotes are sealed by the service layer (services._unsealed), whatever page asks."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import ADMIN, COMMISSIONER
from portal.competitions import forms, ocds, scoring, services
from portal.competitions.models import (
    DISTANCE_BAND,
    DRAFT,
    KINDS,
    PLACEMENT_REQUEST,
    PUBLISHED,
)
from portal.core.forms import new_submission_id
from portal.core.numbers import whole_number
from portal.core.pagination import page_number
from portal.core.permissions import (
    public,
    requires_provider,
    requires_sign_in,
    requires_staff_role,
)
from portal.core.submissions import previous_result, remember_result
from portal.core.time import LONDON
from portal.documents import files, uploads
from portal.documents.uploads import UploadRefused

bp = Blueprint("competitions", __name__, url_prefix="/competitions")
uploads.show_size_error_on_the_form(bp)

manage = requires_staff_role(COMMISSIONER, ADMIN, hide=True)
council = requires_staff_role(hide=True)


def _version(value: str | None) -> int | None:
    return whole_number(value)


def _show(competition_id: int):
    return redirect(url_for("competitions.show", competition_id=competition_id))


# Both sides ----------------------------------------------------------------------------------


@bp.route("")
@requires_sign_in
def index():
    number = page_number(request.args.get("page"))
    if current_user.is_staff:
        page = services.competitions_for_staff(number)
        return render_template(
            "competitions/index_staff.html",
            page=page,
            counts=services.counts(page.items),
            at=services.now(),
            stage=services.stage,
            can_manage=current_user.role in services.MANAGERS,
        )
    return render_template(
        "competitions/opportunities.html", page=services.opportunities_for(current_user, number)
    )


@bp.route("/<int:competition_id>")
@requires_sign_in
def show(competition_id: int):
    if not current_user.is_staff:
        view = services.get_opportunity(current_user, competition_id)
        return render_template(
            "competitions/show_provider.html",
            view=view,
            stage=services.stage(view.competition, view.at),
            clarifications=services.answered_clarifications(view.competition),
            is_open=services.is_open(view.competition, view.at),
            questions_open=services.questions_open(view.competition, view.at),
            deadline=services.format_deadline,
            winner=services.winner_name(view.competition),
        )
    competition = services.get_competition(competition_id)
    at = services.now()
    return render_template(
        "competitions/show_staff.html",
        competition=competition,
        at=at,
        stage=services.stage(competition, at),
        count=services.counts([competition])[competition.id],
        clarifications=services.clarifications_of(competition),
        panel=services.panel(competition),
        me=services.evaluator_or_none(current_user, competition),
        sealed=services.is_sealed(competition, at),
        problems=services.publish_problems(competition, at) if competition.status == DRAFT else [],
        can_manage=current_user.role in services.MANAGERS,
        deadline=services.format_deadline,
        winner=services.winner_name(competition),
        complete=services.evaluation_complete(competition),
    )


@bp.route("/<int:competition_id>/release-package")
@public
def release_package(competition_id: int):
    """The OCDS 1.1 release package: every release about a published competition (tender,
    amendments, award, cancellation), at a stable address."""
    return _open_data(ocds.release_package(competition_id))


@bp.route("/<int:competition_id>/record-package")
@public
def record_package(competition_id: int):
    """The OCDS 1.1 record package: the competition's ocid with each of its releases."""
    return _open_data(ocds.record_package(competition_id))


def _open_data(package: dict) -> Response:
    return Response(
        json.dumps(package, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Access-Control-Allow-Origin": "*"},
    )


# Commissioners: drafting ---------------------------------------------------------------------


def _details_form(kind: str, **kwargs):
    form_class = (
        forms.PlacementRequestForm if kind == PLACEMENT_REQUEST else forms.MiniCompetitionForm
    )
    return form_class(**kwargs).with_lots(services.lots())


@bp.route("/new", methods=["GET", "POST"])
@manage
def create():
    kind = request.args.get("kind")
    if kind not in KINDS:
        return render_template("competitions/choose_kind.html", kinds=KINDS)
    form = _details_form(kind)
    if form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            competition = services.create_competition(current_user, form.details(kind))
        except services.CompetitionError as error:
            form.add_error(_field_for(error.field), error.message)
        else:
            url = url_for("competitions.show", competition_id=competition.id)
            remember_result(form.submission_id.data, url)
            flash(f"{competition.kind_label} {competition.reference} saved as a draft", "success")
            return redirect(url)
    return render_template("competitions/details.html", form=form, kind=kind, competition=None)


# Service errors name the deadline; the form asks for its date and its time separately.
_FIELDS = {
    "clarification_deadline": "clarification_date",
    "submission_deadline": "submission_date",
}


def _field_for(name: str | None) -> str | None:
    return _FIELDS.get(name or "", name)


@bp.route("/<int:competition_id>/edit", methods=["GET", "POST"])
@manage
def edit(competition_id: int):
    competition = services.get_competition(competition_id)
    if competition.status != DRAFT:
        abort(404)
    if request.method == "GET":
        form = _details_form(competition.kind, obj=competition, formdata=None)
        _fill(form, competition)
    else:
        form = _details_form(competition.kind)
    if form.validate_on_submit():
        try:
            services.update_competition(
                current_user,
                competition,
                form.details(competition.kind),
                _version(form.lock_version.data),
            )
        except services.CompetitionError as error:
            form.add_error(_field_for(error.field), error.message)
        else:
            flash("Your changes have been saved", "success")
            return _show(competition.id)
    return render_template(
        "competitions/details.html", form=form, kind=competition.kind, competition=competition
    )


def _fill(form, competition) -> None:
    form.lock_version.data = str(competition.lock_version)
    form.lot.data = str(competition.lot_id)
    for prefix, moment in (
        ("clarification", competition.clarification_deadline),
        ("submission", competition.submission_deadline),
    ):
        local = moment.astimezone(LONDON)
        getattr(form, f"{prefix}_date").data = local.date()
        getattr(form, f"{prefix}_time").data = f"{local:%H:%M}"


@bp.route("/<int:competition_id>/questions/new", methods=["GET", "POST"])
@manage
def add_question(competition_id: int):
    competition = services.get_competition(competition_id)
    if competition.status != DRAFT or competition.is_placement:
        abort(404)
    form = forms.QuestionForm()
    if form.validate_on_submit():
        url = url_for("competitions.show", competition_id=competition.id)
        if previous_result(form.submission_id.data):
            return redirect(url)
        services.add_question(
            current_user, competition, form.text.data, form.weight.data, form.word_limit.data
        )
        remember_result(form.submission_id.data, url)
        flash("Question added", "success")
        return redirect(url)
    return render_template(
        "competitions/question.html", form=form, competition=competition, heading="Add a question"
    )


@bp.route("/<int:competition_id>/questions/<int:question_id>/remove", methods=["POST"])
@manage
def remove_question(competition_id: int, question_id: int):
    competition = services.get_competition(competition_id)
    try:
        services.remove_question(current_user, competition, question_id)
    except services.CompetitionError as error:
        flash(error.message)
    else:
        flash("Question removed", "success")
    return _show(competition.id)


@bp.route("/<int:competition_id>/attachments/new", methods=["GET", "POST"])
@manage
def attach(competition_id: int):
    """Attach a file the invited providers will read (a specification, say) to a draft."""
    competition = services.get_competition(competition_id)
    if competition.status != DRAFT:
        abort(404)
    errors = forms.PageErrors()
    if uploads.upload_was_too_large():
        errors.add("file", uploads.too_large_message())
        return _attach_page(competition, errors, 413)
    if request.method == "POST":
        uploads.read_upload()
        submission_id = request.form.get("submission_id")
        url = url_for("competitions.show", competition_id=competition.id)
        if previous_result(submission_id):
            return redirect(url)
        try:
            attachment = services.attach_to_competition(
                current_user, competition, request.files.get("file")
            )
        except UploadRefused as error:
            errors.add("file", error.message)
        except files.StoreUnavailable:
            errors.add("file", files.STORE_DOWN_MESSAGE)
        except services.CompetitionError as error:
            errors.add("file", error.message)
        else:
            remember_result(submission_id, url)
            flash(f"‘{attachment.file.original_filename}’ has been attached", "success")
            return redirect(url)
    return _attach_page(competition, errors)


def _attach_page(competition, errors: forms.PageErrors, status: int = 200):
    return (
        render_template(
            "competitions/attach.html",
            competition=competition,
            form=errors,
            submission_id=new_submission_id(),
        ),
        status,
    )


@bp.route(
    "/<int:competition_id>/attachments/<int:competition_attachment_id>/remove", methods=["POST"]
)
@manage
def remove_attachment(competition_id: int, competition_attachment_id: int):
    competition = services.get_competition(competition_id)
    try:
        services.remove_from_competition(current_user, competition, competition_attachment_id)
    except services.CompetitionError as error:
        flash(error.message)
    else:
        flash("The file has been removed", "success")
    return _show(competition.id)


@bp.route("/<int:competition_id>/attachments/<int:competition_attachment_id>")
@requires_sign_in
def attachment(competition_id: int, competition_attachment_id: int):
    """One of the competition's files: for council staff, and for members of an invited
    organisation (404 for anyone else)."""
    if current_user.is_staff:
        competition = services.get_competition(competition_id)
    else:
        competition = services.get_opportunity(current_user, competition_id).competition
    try:
        url = services.competition_download(current_user, competition, competition_attachment_id)
    except files.FileNotAvailable:
        abort(404)
    response = redirect(url)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:competition_id>/evaluators", methods=["GET", "POST"])
@manage
def evaluators(competition_id: int):
    competition = services.get_competition(competition_id)
    staff = services.staff_who_can_evaluate()
    current = services.evaluators_of(competition)
    errors = forms.PageErrors()
    chosen = [e.user_id for e in current]
    lead = next((e.user_id for e in current if e.is_lead), None)
    if request.method == "POST":
        chosen = [n for n in map(whole_number, request.form.getlist("evaluators")) if n]
        lead = _version(request.form.get("lead"))
        try:
            services.set_evaluators(current_user, competition, chosen, lead)
        except services.CompetitionError as error:
            errors.add(error.field, error.message)
        else:
            flash("Evaluators saved", "success")
            return _show(competition.id)
    return render_template(
        "competitions/evaluators.html",
        competition=competition,
        staff=staff,
        chosen=chosen,
        lead=lead,
        form=errors,
    )


def _confirm(competition, form, heading: str, template: str, action, done: str, **context):
    """A confirmation page for `action(competition, form)`, run once on a valid POST."""
    if form.validate_on_submit():
        url = url_for("competitions.show", competition_id=competition.id)
        if previous_result(form.submission_id.data):
            return redirect(url)
        try:
            action()
        except services.CompetitionError as error:
            form.add_error(error.field if error.field in form else None, error.message)
        else:
            remember_result(form.submission_id.data, url)
            flash(done, "success")
            return redirect(url)
    if request.method == "GET" and "lock_version" in form:
        form.lock_version.data = str(competition.lock_version)
    return render_template(template, form=form, competition=competition, heading=heading, **context)


@bp.route("/<int:competition_id>/publish", methods=["GET", "POST"])
@manage
def publish(competition_id: int):
    competition = services.get_competition(competition_id)
    if competition.status != DRAFT:
        abort(404)
    form = forms.ConfirmForm()
    form.submit.label.text = "Publish and invite providers"
    return _confirm(
        competition,
        form,
        f"Publish {competition.reference}?",
        "competitions/publish.html",
        lambda: services.publish(current_user, competition, _version(form.lock_version.data)),
        f"{competition.kind_label} published: the providers have been invited",
        invitable=services.invitable(competition),
        deadline=services.format_deadline,
    )


@bp.route("/<int:competition_id>/cancel", methods=["GET", "POST"])
@manage
def cancel(competition_id: int):
    competition = services.get_competition(competition_id)
    form = forms.ReasonForm()
    form.submit.label.text = f"Cancel {competition.kind_label.lower()}"
    form.reason.description = "Every provider invited will get an email with your reason."
    return _confirm(
        competition,
        form,
        f"Cancel {competition.reference}?",
        "competitions/confirm.html",
        lambda: services.cancel(
            current_user, competition, form.reason.data, _version(form.lock_version.data)
        ),
        f"{competition.reference} has been cancelled",
    )


@bp.route("/<int:competition_id>/extend-deadline", methods=["GET", "POST"])
@manage
def extend_deadline(competition_id: int):
    competition = services.get_competition(competition_id)
    if competition.status != PUBLISHED:
        abort(404)
    form = forms.ExtensionForm()
    form.reason.description = "Every provider invited will get an email with your reason."
    return _confirm(
        competition,
        form,
        f"Extend the deadline for {competition.reference}",
        "competitions/extend_deadline.html",
        lambda: services.extend_deadline(
            current_user,
            competition,
            *form.deadlines(),
            form.reason.data,
            _version(form.lock_version.data),
        ),
        "The deadline has been extended and every provider invited has been emailed",
        deadline=services.format_deadline,
    )


@bp.route(
    "/<int:competition_id>/clarifications/<int:clarification_id>/answer", methods=["GET", "POST"]
)
@manage
def answer(competition_id: int, clarification_id: int):
    competition = services.get_competition(competition_id)
    clarification = services.get_clarification(competition, clarification_id)
    form = forms.AnswerForm()
    if request.method == "GET":
        form.published_question.data = clarification.question
    return _confirm(
        competition,
        form,
        "Answer a question",
        "competitions/answer.html",
        lambda: services.answer_clarification(
            current_user, competition, clarification, form.published_question.data, form.answer.data
        ),
        "Answer published to every invited provider",
        clarification=clarification,
    )


@bp.route("/<int:competition_id>/invitees")
@council
def invitees(competition_id: int):
    competition = services.get_competition(competition_id)
    return render_template(
        "competitions/invitees.html",
        competition=competition,
        page=services.invitees(competition, page_number(request.args.get("page"))),
    )


# Evaluation ----------------------------------------------------------------------------------


@bp.route("/<int:competition_id>/declaration", methods=["GET", "POST"])
@council
def declaration(competition_id: int):
    competition = services.get_competition(competition_id)
    names = services.bidder_names(competition)
    evaluator = services.evaluator_for(current_user, competition)
    form = forms.DeclarationForm()
    if evaluator.declared_at is not None:
        return redirect(url_for("competitions.evaluation", competition_id=competition.id))
    if form.validate_on_submit():
        try:
            services.declare(
                current_user, competition, form.has_conflict.data == "yes", form.detail.data
            )
        except services.CompetitionError as error:
            form.add_error(error.field, error.message)
        else:
            return redirect(url_for("competitions.evaluation", competition_id=competition.id))
    return render_template(
        "competitions/declaration.html", form=form, competition=competition, names=names
    )


@bp.route("/<int:competition_id>/evaluation")
@council
def evaluation(competition_id: int):
    competition = services.get_competition(competition_id)
    services.bidder_names(competition)  # 404 before the deadline
    evaluator = services.evaluator_for(current_user, competition)
    if evaluator.declared_at is None:
        return redirect(url_for("competitions.declaration", competition_id=competition.id))
    quotes = services.bidders(competition) if evaluator.can_score else []
    return render_template(
        "competitions/evaluation.html",
        competition=competition,
        evaluator=evaluator,
        quotes=quotes,
        mine=services.scores_by(evaluator) if evaluator.can_score else {},
        questions=services.text_questions(competition),
        panel=services.panel(competition),
    )


def _entries(questions) -> dict[int, tuple[str, str]]:
    return {
        q.id: (request.form.get(f"score_{q.id}", ""), request.form.get(f"comment_{q.id}", ""))
        for q in questions
    }


@bp.route("/<int:competition_id>/quotes/<int:quote_id>/score", methods=["GET", "POST"])
@council
def score(competition_id: int, quote_id: int):
    competition = services.get_competition(competition_id)
    quote = services.get_quote_for_evaluator(current_user, competition, quote_id)
    evaluator = services.evaluator_for(current_user, competition)
    questions = services.text_questions(competition)
    mine = services.scores_by(evaluator)
    values = {}
    for question in questions:
        existing = mine.get((quote.id, question.id))
        values[f"score_{question.id}"] = str(existing.score) if existing else ""
        values[f"comment_{question.id}"] = existing.comment if existing else ""
    errors = forms.PageErrors()
    if request.method == "POST":
        values = request.form
        try:
            services.save_scores(current_user, competition, quote, _entries(questions))
        except services.CompetitionError as error:
            errors.add(error.field, error.message)
        else:
            flash(f"Scores for {quote.organisation.display_name} saved", "success")
            return redirect(url_for("competitions.evaluation", competition_id=competition.id))
    return render_template(
        "competitions/score.html",
        competition=competition,
        quote=quote,
        version=services.latest_version(quote),
        questions=questions,
        values=values,
        form=errors,
        descriptors=scoring.SCORE_DESCRIPTORS,
        bands=scoring.DISTANCE_BANDS,
        price=services.format_price,
        locked=evaluator.scores_submitted_at is not None or competition.moderation_closed_at,
    )


@bp.route("/<int:competition_id>/quotes/<int:quote_id>/files/<int:attachment_id>")
@council
def council_download(competition_id: int, quote_id: int, attachment_id: int):
    competition = services.get_competition(competition_id)
    try:
        url = services.council_download(current_user, competition, quote_id, attachment_id)
    except files.FileNotAvailable:
        abort(404)
    response = redirect(url)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:competition_id>/evaluation/submit", methods=["POST"])
@council
def submit_scores(competition_id: int):
    competition = services.get_competition(competition_id)
    try:
        services.submit_scores(current_user, competition)
    except services.CompetitionError as error:
        flash(error.message)
    else:
        flash("Your scores have been submitted", "success")
    return redirect(url_for("competitions.evaluation", competition_id=competition.id))


@bp.route("/<int:competition_id>/quotes/<int:quote_id>/moderate", methods=["GET", "POST"])
@council
def moderate(competition_id: int, quote_id: int):
    competition = services.get_competition(competition_id)
    quote = services.get_quote_for_evaluator(current_user, competition, quote_id)
    try:
        rows = services.moderation_of(current_user, competition, quote)
    except services.CompetitionError as error:
        flash(error.message)
        return redirect(url_for("competitions.evaluation", competition_id=competition.id))
    values = {}
    for row in rows:
        values[f"score_{row.question.id}"] = str(row.agreed.score) if row.agreed else ""
        values[f"comment_{row.question.id}"] = row.agreed.rationale if row.agreed else ""
    errors = forms.PageErrors()
    if request.method == "POST":
        values = request.form
        try:
            services.moderate(
                current_user, competition, quote, _entries([row.question for row in rows])
            )
        except services.CompetitionError as error:
            errors.add(error.field, error.message)
        else:
            flash(f"Agreed scores for {quote.organisation.display_name} saved", "success")
            return redirect(url_for("competitions.evaluation", competition_id=competition.id))
    return render_template(
        "competitions/moderate.html",
        competition=competition,
        quote=quote,
        version=services.latest_version(quote),
        rows=rows,
        values=values,
        form=errors,
        descriptors=scoring.SCORE_DESCRIPTORS,
        price=services.format_price,
        locked=competition.moderation_closed_at is not None,
    )


@bp.route("/<int:competition_id>/moderation/close", methods=["POST"])
@council
def close_moderation(competition_id: int):
    competition = services.get_competition(competition_id)
    try:
        services.close_moderation(current_user, competition)
    except services.CompetitionError as error:
        flash(error.message)
    else:
        flash("Moderation closed: evaluation is complete", "success")
    return redirect(url_for("competitions.evaluation", competition_id=competition.id))


# Results and award ---------------------------------------------------------------------------


@bp.route("/<int:competition_id>/results")
@manage
def results(competition_id: int):
    competition = services.get_competition(competition_id)
    ranked = services.ranking(competition)
    return render_template(
        "competitions/results.html",
        competition=competition,
        ranked=ranked,
        shown=scoring.shown,
        price=services.format_price,
        complete=services.evaluation_complete(competition),
    )


@bp.route("/<int:competition_id>/award", methods=["GET", "POST"])
@manage
def award(competition_id: int):
    competition = services.get_competition(competition_id)
    ranked = services.ranking(competition)
    # Once awarded the page is gone; a choice sent from it is answered with whose award it was.
    if not ranked or (competition.status != "published" and request.method == "GET"):
        abort(404)
    form = forms.AwardForm()
    form.winner.choices = [
        SelectChoice(
            str(r.quote.id),
            f"{r.name}: rank {r.result.rank}, {scoring.shown(r.result.total)} marks",
        )
        for r in ranked
    ]
    if request.method == "GET":
        form.winner.data = str(ranked[0].quote.id)
    return _confirm(
        competition,
        form,
        f"Award {competition.reference}",
        "competitions/award.html",
        lambda: services.award(
            current_user,
            competition,
            _version(form.winner.data) or 0,
            form.reason.data,
            form.standstill.data == "yes",
            _version(form.lock_version.data),
        ),
        "Awarded: every bidder has been sent their assessment summary",
        ranked=ranked,
    )


@bp.route("/<int:competition_id>/confirm-award", methods=["POST"])
@manage
def confirm_award(competition_id: int):
    competition = services.get_competition(competition_id)
    try:
        services.confirm_award(current_user, competition, None)
    except services.CompetitionError as error:
        flash(error.message)
    else:
        flash("The award has been confirmed", "success")
    return _show(competition.id)


# Providers -----------------------------------------------------------------------------------


@bp.route("/<int:competition_id>/ask", methods=["GET", "POST"])
@requires_provider
def ask(competition_id: int):
    view = services.get_opportunity(current_user, competition_id, acting=True)
    form = forms.AskForm()
    if form.validate_on_submit():
        url = url_for("competitions.show", competition_id=competition_id)
        if previous_result(form.submission_id.data):
            return redirect(url)
        try:
            services.ask_clarification(current_user, view, form.question.data)
        except services.CompetitionError as error:
            form.add_error(error.field or "question", error.message)
        else:
            remember_result(form.submission_id.data, url)
            flash("Your question has been sent to the council", "success")
            return redirect(url)
    return render_template(
        "competitions/ask.html", form=form, competition=view.competition, heading="Ask a question"
    )


def _answers(competition) -> dict[str, str]:
    return {q.key: request.form.get(f"answer_{q.key}", "") for q in competition.questions}


def _quote_page(view, values: dict, errors: forms.PageErrors, status: int = 200):
    return (
        render_template(
            "competitions/quote.html",
            view=view,
            competition=view.competition,
            values=values,
            form=errors,
            bands=scoring.DISTANCE_BANDS,
            price=services.format_price,
            deadline=services.format_deadline,
            is_open=services.is_open(view.competition, view.at),
            DISTANCE_BAND=DISTANCE_BAND,
            word_count=services.word_count,
            submission_id=new_submission_id(),
        ),
        status,
    )


def _saved_values(view) -> dict:
    quote = view.quote
    values = {f"answer_{k}": v for k, v in ((quote.answers if quote else {}) or {}).items()}
    if quote and quote.price_pence is not None:
        values["price"] = services.format_price(quote.price_pence).removeprefix("£")
    values["lock_version"] = str(quote.lock_version) if quote else ""
    return values


@bp.route("/<int:competition_id>/quote", methods=["GET", "POST"])
@requires_provider
def quote(competition_id: int):
    view = services.get_opportunity(current_user, competition_id, acting=True)
    errors = forms.PageErrors()
    if request.method == "POST":
        try:
            services.save_quote(
                current_user,
                view,
                _answers(view.competition),
                request.form.get("price", ""),
                _version(request.form.get("lock_version")),
            )
        except services.CompetitionError as error:
            errors.add(error.field, error.message)
            values = request.form.to_dict()
            if isinstance(error, services.QuoteChanged):
                # What they typed stays in the boxes, now against the version that is saved:
                # saving again, having checked, replaces it rather than meeting this refusal.
                values["lock_version"] = str(view.quote.lock_version)
            return _quote_page(view, values, errors)
        if request.form.get("action") == "check":
            return redirect(url_for("competitions.submit_quote", competition_id=competition_id))
        flash("Your quote has been saved. It has not been submitted", "success")
        return redirect(url_for("competitions.quote", competition_id=competition_id))
    return _quote_page(view, _saved_values(view), errors)


@bp.route("/<int:competition_id>/quote/files", methods=["POST"])
@requires_provider
def upload(competition_id: int):
    view = services.get_opportunity(current_user, competition_id, acting=True)
    errors = forms.PageErrors()
    if uploads.upload_was_too_large():
        errors.add("file", uploads.too_large_message())
        return _quote_page(view, _saved_values(view), errors, 413)
    uploads.read_upload()
    submission_id = request.form.get("submission_id")
    url = url_for("competitions.quote", competition_id=competition_id)
    if previous_result(submission_id):
        return redirect(url)
    try:
        attachment = services.attach_file(current_user, view, request.files.get("file"))
    except UploadRefused as error:
        errors.add("file", error.message)
    except files.StoreUnavailable:
        errors.add("file", files.STORE_DOWN_MESSAGE)
    except services.CompetitionError as error:
        errors.add("file", error.message)
    else:
        remember_result(submission_id, url)
        flash(f"‘{attachment.file.original_filename}’ has been attached", "success")
        return redirect(url)
    return _quote_page(view, _saved_values(view), errors)


@bp.route("/<int:competition_id>/quote/files/<int:attachment_id>/remove", methods=["POST"])
@requires_provider
def remove_file(competition_id: int, attachment_id: int):
    view = services.get_opportunity(current_user, competition_id, acting=True)
    try:
        services.remove_attachment(current_user, view, attachment_id)
    except services.CompetitionError as error:
        flash(error.message)
    else:
        flash("The file has been removed from your quote", "success")
    return redirect(url_for("competitions.quote", competition_id=competition_id))


@bp.route("/<int:competition_id>/quote/files/<int:attachment_id>")
@requires_provider
def provider_download(competition_id: int, attachment_id: int):
    view = services.get_opportunity(current_user, competition_id)
    try:
        url = services.provider_download(current_user, view, attachment_id)
    except files.FileNotAvailable:
        abort(404)
    response = redirect(url)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:competition_id>/quote/submit", methods=["GET", "POST"])
@requires_provider
def submit_quote(competition_id: int):
    view = services.get_opportunity(current_user, competition_id, acting=True)
    form = forms.ConfirmForm()
    form.submit.label.text = "Submit quote"
    if form.validate_on_submit():
        url = url_for("competitions.show", competition_id=competition_id)
        if previous_result(form.submission_id.data):
            return redirect(url)
        try:
            version = services.submit_quote(current_user, view, _version(form.lock_version.data))
        except services.CompetitionError as error:
            form.add_error(None, error.message)
        else:
            remember_result(form.submission_id.data, url)
            flash(
                f"Your quote has been submitted (version {version.number}). You can change it "
                f"until {services.format_deadline(view.competition.submission_deadline)}",
                "success",
            )
            return redirect(url)
    if request.method == "GET" and view.quote is not None:
        form.lock_version.data = str(view.quote.lock_version)
    return render_template(
        "competitions/submit_quote.html",
        form=form,
        view=view,
        competition=view.competition,
        problems=services.submission_problems(view),
        price=services.format_price,
        bands=scoring.DISTANCE_BANDS,
        deadline=services.format_deadline,
        DISTANCE_BAND=DISTANCE_BAND,
        is_open=services.is_open(view.competition, view.at),
    )


@bp.route("/<int:competition_id>/quote/withdraw", methods=["GET", "POST"])
@requires_provider
def withdraw(competition_id: int):
    view = services.get_opportunity(current_user, competition_id, acting=True)
    form = forms.ConfirmForm()
    form.submit.label.text = "Withdraw quote"
    if form.validate_on_submit():
        try:
            services.withdraw_quote(current_user, view, _version(form.lock_version.data))
        except services.CompetitionError as error:
            form.add_error(None, error.message)
        else:
            flash(
                "Your quote has been withdrawn. You can submit it again before the deadline",
                "success",
            )
            return redirect(url_for("competitions.show", competition_id=competition_id))
    if request.method == "GET" and view.quote is not None:
        form.lock_version.data = str(view.quote.lock_version)
    return render_template(
        "competitions/confirm.html",
        form=form,
        competition=view.competition,
        heading="Withdraw your quote?",
    )


@bp.route("/<int:competition_id>/decline", methods=["GET", "POST"])
@requires_provider
def decline(competition_id: int):
    view = services.get_opportunity(current_user, competition_id, acting=True)
    form = forms.ReasonForm()
    form.submit.label.text = "Tell the council you will not quote"
    form.reason.label.text = "Why are you not quoting?"
    form.reason.description = (
        "For example, you have no capacity or the work is too far away. This helps the council "
        "plan future call-offs."
    )
    if form.validate_on_submit():
        try:
            services.decline(current_user, view, form.reason.data)
        except services.CompetitionError as error:
            form.add_error("reason", error.message)
        else:
            flash("You have told the council you will not quote", "success")
            return redirect(url_for("competitions.show", competition_id=competition_id))
    return render_template(
        "competitions/confirm.html",
        form=form,
        competition=view.competition,
        heading="Decline to quote",
    )


@bp.route("/<int:competition_id>/assessment")
@requires_provider
def assessment(competition_id: int):
    view = services.get_opportunity(current_user, competition_id)
    return render_template(
        "competitions/assessment.html",
        competition=view.competition,
        summary=services.assessment_for(view),
        winner=services.winner_name(view.competition),
    )
