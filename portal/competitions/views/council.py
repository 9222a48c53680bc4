"""The council's pages: commissioners draft, publish, answer questions, award and cancel;
evaluators declare, score and moderate. Quotes are sealed by the service layer
(evaluating._unsealed), whatever page asks."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.competitions import clock, forms, scoring
from portal.competitions.models import DRAFT, KINDS, PLACEMENT_REQUEST, PUBLISHED
from portal.competitions.services import (
    awarding,
    clarifications,
    common,
    drafting,
    evaluating,
    quoting,
)
from portal.competitions.views.shared import _show_url, _version, bp
from portal.core.form_posts import handle_button, handle_post
from portal.core.forms import PageErrors, new_submission_id
from portal.core.numbers import whole_number
from portal.core.pagination import page_number
from portal.core.permissions import requires
from portal.core.time import LONDON
from portal.documents import files, uploads

manage = requires("manage_competitions")
council = requires("read_competitions")


def _competition_in(competition_id: int, status: str):
    """The competition, for a page that belongs to one stage of it (`status`): at any other
    stage the page is not found."""
    competition = common.get_competition(competition_id)
    if competition.status != status:
        abort(404)
    return competition


# Drafting ---------------------------------------------------------------------------------------


def _details_form(kind: str, **kwargs):
    form_class = (
        forms.PlacementRequestForm if kind == PLACEMENT_REQUEST else forms.MiniCompetitionForm
    )
    return form_class(**kwargs).with_lots(drafting.lots())


@bp.route("/new", methods=["GET", "POST"])
@manage
def create():
    kind = request.args.get("kind")
    if kind not in KINDS:
        return render_template("competitions/choose_kind.html", kinds=KINDS)
    form = _details_form(kind)
    if request.method == "GET" and kind == PLACEMENT_REQUEST:
        form.fill_in(forms.placement_prefill(request.args))
    done = handle_post(
        form,
        lambda: drafting.create_competition(current_user, form.details(kind)),
        to=lambda competition: _show_url(competition.id),
        message=lambda competition: (
            f"{competition.kind_label} {competition.reference} saved as a draft"
        ),
        field=_field_for,
    )
    return done or render_template(
        "competitions/details.html", form=form, kind=kind, competition=None
    )


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
    competition = _competition_in(competition_id, DRAFT)
    if request.method == "GET":
        form = _details_form(competition.kind, obj=competition, formdata=None)
        _fill(form, competition)
    else:
        form = _details_form(competition.kind)
    done = handle_post(
        form,
        lambda: drafting.update_competition(
            current_user,
            competition,
            form.details(competition.kind),
            form.seen,
        ),
        to=_show_url(competition.id),
        message="Your changes have been saved",
        field=_field_for,
    )
    return done or render_template(
        "competitions/details.html", form=form, kind=competition.kind, competition=competition
    )


def _fill(form, competition) -> None:
    form.lock_version.data = str(competition.lock_version)
    if competition.is_placement:
        form.limit_to_capacity.data = "yes" if competition.capacity_limit_reason else "no"
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
    competition = common.get_competition(competition_id)
    if competition.status != DRAFT or competition.is_placement:
        abort(404)
    form = forms.QuestionForm()
    done = handle_post(
        form,
        lambda: drafting.add_question(
            current_user, competition, form.text.data, form.weight.data, form.word_limit.data
        ),
        to=_show_url(competition.id),
        message="Question added",
    )
    return done or render_template(
        "competitions/question.html", form=form, competition=competition, heading="Add a question"
    )


@bp.route("/<int:competition_id>/questions/<int:question_id>/remove", methods=["POST"])
@manage
def remove_question(competition_id: int, question_id: int):
    competition = common.get_competition(competition_id)
    return handle_button(
        lambda: drafting.remove_question(current_user, competition, question_id),
        _show_url(competition.id),
        message="Question removed",
    )


@bp.route("/<int:competition_id>/attachments/new", methods=["GET", "POST"])
@manage
def attach(competition_id: int):
    """Attach a file the invited providers will read (a specification, say) to a draft."""
    competition = _competition_in(competition_id, DRAFT)
    errors = PageErrors()
    if uploads.upload_was_too_large():
        errors.add_error("file", uploads.too_large_message())
        return _attach_page(competition, errors, 413)
    if request.method == "POST":
        uploads.read_upload()
    done = handle_post(
        errors,
        lambda: drafting.attach_to_competition(
            current_user, competition, request.files.get("file")
        ),
        to=_show_url(competition.id),
        message=lambda attachment: f"‘{attachment.file.original_filename}’ has been attached",
        field="file",
    )
    return done or _attach_page(competition, errors)


def _attach_page(competition, errors: PageErrors, status: int = 200):
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
    competition = common.get_competition(competition_id)
    return handle_button(
        lambda: drafting.remove_from_competition(
            current_user, competition, competition_attachment_id
        ),
        _show_url(competition.id),
        message="The file has been removed",
    )


@bp.route("/<int:competition_id>/evaluators", methods=["GET", "POST"])
@manage
def evaluators(competition_id: int):
    competition = common.get_competition(competition_id)
    staff = drafting.staff_who_can_evaluate()
    current = drafting.evaluators_of(competition)
    errors = PageErrors()
    chosen = [e.user_id for e in current]
    lead = next((e.user_id for e in current if e.is_lead), None)
    if request.method == "POST":
        chosen = [n for n in map(whole_number, request.form.getlist("evaluators")) if n]
        lead = _version(request.form.get("lead"))
    done = handle_post(
        errors,
        lambda: drafting.set_evaluators(current_user, competition, chosen, lead),
        to=_show_url(competition.id),
        message="Evaluators saved",
    )
    if done:
        return done
    return render_template(
        "competitions/evaluators.html",
        competition=competition,
        staff=staff,
        chosen=chosen,
        lead=lead,
        form=errors,
    )


# Publishing, clarifications and cancelling ------------------------------------------------------


def _confirm(competition, form, heading: str, template: str, action, done: str, **context):
    """A confirmation page for `action(competition, form)`, run once on a valid POST."""
    posted = handle_post(
        form,
        action,
        to=_show_url(competition.id),
        message=done,
        field=lambda name: name if name in form else None,
    )
    if posted:
        return posted
    if request.method == "GET" and "lock_version" in form:
        form.lock_version.data = str(competition.lock_version)
    return render_template(template, form=form, competition=competition, heading=heading, **context)


@bp.route("/<int:competition_id>/publish", methods=["GET", "POST"])
@manage
def publish(competition_id: int):
    competition = _competition_in(competition_id, DRAFT)
    form = forms.ConfirmForm()
    form.submit.label.text = "Publish and invite providers"
    return _confirm(
        competition,
        form,
        f"Publish {competition.reference}?",
        "competitions/publish.html",
        lambda: drafting.publish(current_user, competition, form.seen),
        f"{competition.kind_label} published: the providers have been invited",
        invitable=drafting.invitable(competition),
        deadline=clock.format_deadline,
    )


@bp.route("/<int:competition_id>/cancel", methods=["GET", "POST"])
@manage
def cancel(competition_id: int):
    competition = common.get_competition(competition_id)
    form = forms.ReasonForm()
    form.submit.label.text = f"Cancel {competition.kind_label.lower()}"
    form.reason.description = "Every provider invited will get an email with your reason."
    return _confirm(
        competition,
        form,
        f"Cancel {competition.reference}?",
        "competitions/confirm.html",
        lambda: drafting.cancel(current_user, competition, form.reason.data, form.seen),
        f"{competition.reference} has been cancelled",
    )


@bp.route("/<int:competition_id>/extend-deadline", methods=["GET", "POST"])
@manage
def extend_deadline(competition_id: int):
    competition = _competition_in(competition_id, PUBLISHED)
    form = forms.ExtensionForm()
    form.reason.description = "Every provider invited will get an email with your reason."
    return _confirm(
        competition,
        form,
        f"Extend the deadline for {competition.reference}",
        "competitions/extend_deadline.html",
        lambda: drafting.extend_deadline(
            current_user,
            competition,
            *form.deadlines(),
            form.reason.data,
            form.seen,
        ),
        "The deadline has been extended and every provider invited has been emailed",
        deadline=clock.format_deadline,
    )


@bp.route(
    "/<int:competition_id>/clarifications/<int:clarification_id>/answer", methods=["GET", "POST"]
)
@manage
def answer(competition_id: int, clarification_id: int):
    competition = common.get_competition(competition_id)
    clarification = clarifications.get_clarification(competition, clarification_id)
    form = forms.AnswerForm()
    if request.method == "GET":
        form.published_question.data = clarification.question
    return _confirm(
        competition,
        form,
        "Answer a question",
        "competitions/answer.html",
        lambda: clarifications.answer_clarification(
            current_user, competition, clarification, form.published_question.data, form.answer.data
        ),
        "Answer published to every invited provider",
        clarification=clarification,
    )


@bp.route("/<int:competition_id>/invitees")
@council
def invitees(competition_id: int):
    competition = common.get_competition(competition_id)
    return render_template(
        "competitions/invitees.html",
        competition=competition,
        page=drafting.invitees(competition, page_number(request.args.get("page"))),
    )


# Evaluation -------------------------------------------------------------------------------------


@bp.route("/<int:competition_id>/declaration", methods=["GET", "POST"])
@council
def declaration(competition_id: int):
    competition = common.get_competition(competition_id)
    names = evaluating.bidder_names(competition)
    evaluator = evaluating.evaluator_for(current_user, competition)
    form = forms.DeclarationForm()
    if evaluator.declared_at is not None:
        return redirect(url_for("competitions.evaluation", competition_id=competition.id))
    done = handle_post(
        form,
        lambda: evaluating.declare(
            current_user, competition, form.has_conflict.data == "yes", form.detail.data
        ),
        to=url_for("competitions.evaluation", competition_id=competition.id),
    )
    return done or render_template(
        "competitions/declaration.html", form=form, competition=competition, names=names
    )


@bp.route("/<int:competition_id>/evaluation")
@council
def evaluation(competition_id: int):
    competition = common.get_competition(competition_id)
    evaluating.bidder_names(competition)  # 404 before the deadline
    evaluator = evaluating.evaluator_for(current_user, competition)
    if evaluator.declared_at is None:
        return redirect(url_for("competitions.declaration", competition_id=competition.id))
    quotes = evaluating.bidders(competition) if evaluator.can_score else []
    return render_template(
        "competitions/evaluation.html",
        competition=competition,
        evaluator=evaluator,
        quotes=quotes,
        mine=evaluating.scores_by(evaluator) if evaluator.can_score else {},
        questions=quoting.text_questions(competition),
        panel=evaluating.panel(competition),
    )


def _entries(questions) -> dict[int, tuple[str, str]]:
    return {
        q.id: (request.form.get(f"score_{q.id}", ""), request.form.get(f"comment_{q.id}", ""))
        for q in questions
    }


@bp.route("/<int:competition_id>/quotes/<int:quote_id>/score", methods=["GET", "POST"])
@council
def score(competition_id: int, quote_id: int):
    competition = common.get_competition(competition_id)
    quote = evaluating.get_quote_for_evaluator(current_user, competition, quote_id)
    evaluator = evaluating.evaluator_for(current_user, competition)
    questions = quoting.text_questions(competition)
    mine = evaluating.scores_by(evaluator)
    saved = {}
    for question in questions:
        existing = mine.get((quote.id, question.id))
        saved[question.id] = (existing.score, existing.comment) if existing else None
    return _scores_page(
        "competitions/score.html",
        competition,
        quote,
        saved,
        lambda: evaluating.save_scores(current_user, competition, quote, _entries(questions)),
        f"Scores for {quote.organisation.display_name} saved",
        questions=questions,
        bands=scoring.DISTANCE_BANDS,
        locked=evaluator.scores_submitted_at is not None or competition.moderation_closed_at,
    )


def _scores_page(template, competition, quote, saved, act, message, **shown):
    """An evaluator's scores, or the panel's agreed ones, for one quote: each question's box
    filled with `saved` (question id -> (score, comment), or None), `act` saving what was sent."""
    values = {}
    for question_id, entry in saved.items():
        values[f"score_{question_id}"] = str(entry[0]) if entry else ""
        values[f"comment_{question_id}"] = entry[1] if entry else ""
    errors = PageErrors()
    done = handle_post(
        errors,
        act,
        to=url_for("competitions.evaluation", competition_id=competition.id),
        message=message,
    )
    if done:
        return done
    return render_template(
        template,
        competition=competition,
        quote=quote,
        version=evaluating.latest_version(quote),
        values=request.form if request.method == "POST" else values,
        form=errors,
        descriptors=scoring.SCORE_DESCRIPTORS,
        price=common.format_price,
        **shown,
    )


@bp.route("/<int:competition_id>/quotes/<int:quote_id>/files/<int:attachment_id>")
@council
def council_download(competition_id: int, quote_id: int, attachment_id: int):
    competition = common.get_competition(competition_id)
    return files.redirect_to_download(
        lambda: evaluating.council_download(current_user, competition, quote_id, attachment_id)
    )


@bp.route("/<int:competition_id>/evaluation/submit", methods=["POST"])
@council
def submit_scores(competition_id: int):
    return _evaluation_button(
        competition_id, evaluating.submit_scores, "Your scores have been submitted"
    )


def _evaluation_button(competition_id: int, act, message: str):
    """A button on the evaluation page that `act`s on the whole competition, then goes back
    there (with the refusal, if the service refuses)."""
    competition = common.get_competition(competition_id)
    return handle_button(
        lambda: act(current_user, competition),
        url_for("competitions.evaluation", competition_id=competition.id),
        message=message,
    )


@bp.route("/<int:competition_id>/quotes/<int:quote_id>/moderate", methods=["GET", "POST"])
@council
def moderate(competition_id: int, quote_id: int):
    competition = common.get_competition(competition_id)
    quote = evaluating.get_quote_for_evaluator(current_user, competition, quote_id)
    try:
        rows = evaluating.moderation_of(current_user, competition, quote)
    except common.CompetitionError as error:
        flash(error.message)
        return redirect(url_for("competitions.evaluation", competition_id=competition.id))
    saved = {
        row.question.id: (row.agreed.score, row.agreed.rationale) if row.agreed else None
        for row in rows
    }
    return _scores_page(
        "competitions/moderate.html",
        competition,
        quote,
        saved,
        lambda: evaluating.moderate(
            current_user, competition, quote, _entries([row.question for row in rows])
        ),
        f"Agreed scores for {quote.organisation.display_name} saved",
        rows=rows,
        locked=competition.moderation_closed_at is not None,
    )


@bp.route("/<int:competition_id>/moderation/close", methods=["POST"])
@council
def close_moderation(competition_id: int):
    return _evaluation_button(
        competition_id, evaluating.close_moderation, "Moderation closed: evaluation is complete"
    )


# Results and award ------------------------------------------------------------------------------


@bp.route("/<int:competition_id>/results")
@manage
def results(competition_id: int):
    competition = common.get_competition(competition_id, attachments=False)
    ranked = awarding.standings(competition)
    return render_template(
        "competitions/results.html",
        competition=competition,
        ranked=ranked,
        shown=scoring.shown,
        price=common.format_price,
        complete=awarding.evaluation_complete(competition),
    )


@bp.route("/<int:competition_id>/award", methods=["GET", "POST"])
@manage
def award(competition_id: int):
    competition = common.get_competition(competition_id)
    ranked = awarding.ranking(competition)
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
        lambda: awarding.award(
            current_user,
            competition,
            _version(form.winner.data) or 0,
            form.reason.data,
            form.standstill.data == "yes",
            form.seen,
        ),
        "Awarded: every bidder has been sent their assessment summary",
        ranked=ranked,
    )


@bp.route("/<int:competition_id>/confirm-award", methods=["POST"])
@manage
def confirm_award(competition_id: int):
    competition = common.get_competition(competition_id)
    return handle_button(
        lambda: awarding.confirm_award(current_user, competition, None),
        _show_url(competition.id),
        message="The award has been confirmed",
    )
