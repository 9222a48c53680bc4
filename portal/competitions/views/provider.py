"""The provider's pages: ask a question, write, submit, withdraw or decline a quote, and read
the assessment summary once the competition is awarded."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.competitions import clock, forms, scoring
from portal.competitions.models import DISTANCE_BAND
from portal.competitions.services import awarding, clarifications, common, quoting
from portal.competitions.views.shared import _show_url, _version, bp
from portal.core.form_posts import handle_button, handle_post
from portal.core.forms import PageErrors, new_submission_id
from portal.core.permissions import requires_provider
from portal.documents import files, uploads


@bp.route("/<int:competition_id>/ask", methods=["GET", "POST"])
@requires_provider
def ask(competition_id: int):
    view = quoting.get_opportunity(current_user, competition_id, acting=True)
    form = forms.AskForm()
    done = handle_post(
        form,
        lambda: clarifications.ask_clarification(current_user, view, form.question.data),
        to=_show_url(competition_id),
        message="Your question has been sent to the council",
        field=lambda name: name or "question",
    )
    return done or render_template(
        "competitions/ask.html", form=form, competition=view.competition, heading="Ask a question"
    )


def _the_whole_form(_name: str | None) -> None:
    """A refusal of the quote as a whole, whatever part of it the service names."""
    return None


def _answers(competition) -> dict[str, str]:
    return {q.key: request.form.get(f"answer_{q.key}", "") for q in competition.questions}


def _quote_page(view, values: dict, errors: PageErrors, status: int = 200):
    return (
        render_template(
            "competitions/quote.html",
            view=view,
            competition=view.competition,
            values=values,
            form=errors,
            bands=scoring.DISTANCE_BANDS,
            price=common.format_price,
            deadline=clock.format_deadline,
            is_open=clock.is_open(view.competition, view.at),
            DISTANCE_BAND=DISTANCE_BAND,
            word_count=quoting.word_count,
            submission_id=new_submission_id(),
        ),
        status,
    )


def _saved_values(view) -> dict:
    quote = view.quote
    values = {f"answer_{k}": v for k, v in ((quote.answers if quote else {}) or {}).items()}
    if quote and quote.price_pence is not None:
        values["price"] = common.format_price(quote.price_pence).removeprefix("£")
    values["lock_version"] = str(quote.lock_version) if quote else ""
    return values


@bp.route("/<int:competition_id>/quote", methods=["GET", "POST"])
@requires_provider
def quote(competition_id: int):
    view = quoting.get_opportunity(current_user, competition_id, acting=True)
    errors = PageErrors()
    if request.method == "POST":
        try:
            quoting.save_quote(
                current_user,
                view,
                _answers(view.competition),
                request.form.get("price", ""),
                _version(request.form.get("lock_version")),
            )
        except common.CompetitionError as error:
            errors.add_error(error.field, error.message)
            values = request.form.to_dict()
            if isinstance(error, common.QuoteChanged):
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
    view = quoting.get_opportunity(current_user, competition_id, acting=True)
    errors = PageErrors()
    if uploads.upload_was_too_large():
        errors.add_error("file", uploads.too_large_message())
        return _quote_page(view, _saved_values(view), errors, 413)
    uploads.read_upload()
    done = handle_post(
        errors,
        lambda: quoting.attach_file(current_user, view, request.files.get("file")),
        to=url_for("competitions.quote", competition_id=competition_id),
        message=lambda attachment: f"‘{attachment.file.original_filename}’ has been attached",
        field="file",
    )
    return done or _quote_page(view, _saved_values(view), errors)


@bp.route("/<int:competition_id>/quote/files/<int:attachment_id>/remove", methods=["POST"])
@requires_provider
def remove_file(competition_id: int, attachment_id: int):
    view = quoting.get_opportunity(current_user, competition_id, acting=True)
    return handle_button(
        lambda: quoting.remove_attachment(current_user, view, attachment_id),
        url_for("competitions.quote", competition_id=competition_id),
        message="The file has been removed from your quote",
    )


@bp.route("/<int:competition_id>/quote/files/<int:attachment_id>")
@requires_provider
def provider_download(competition_id: int, attachment_id: int):
    view = quoting.get_opportunity(current_user, competition_id)
    return files.redirect_to_download(
        lambda: quoting.provider_download(current_user, view, attachment_id)
    )


@bp.route("/<int:competition_id>/quote/submit", methods=["GET", "POST"])
@requires_provider
def submit_quote(competition_id: int):
    view = quoting.get_opportunity(current_user, competition_id, acting=True)
    form = _confirm_form(view, "Submit quote")
    done = handle_post(
        form,
        lambda: quoting.submit_quote(current_user, view, form.seen),
        to=_show_url(competition_id),
        message=lambda version: (
            f"Your quote has been submitted (version {version.number}). You "
            f"can change it until {clock.format_deadline(view.competition.submission_deadline)}"
        ),
        field=_the_whole_form,
    )
    return done or render_template(
        "competitions/submit_quote.html",
        form=form,
        view=view,
        competition=view.competition,
        problems=quoting.submission_problems(view),
        price=common.format_price,
        bands=scoring.DISTANCE_BANDS,
        deadline=clock.format_deadline,
        DISTANCE_BAND=DISTANCE_BAND,
        is_open=clock.is_open(view.competition, view.at),
    )


@bp.route("/<int:competition_id>/quote/withdraw", methods=["GET", "POST"])
@requires_provider
def withdraw(competition_id: int):
    view = quoting.get_opportunity(current_user, competition_id, acting=True)
    form = _confirm_form(view, "Withdraw quote")
    done = handle_post(
        form,
        lambda: quoting.withdraw_quote(current_user, view, form.seen),
        to=_show_url(competition_id),
        message="Your quote has been withdrawn. You can submit it again before the deadline",
        field=_the_whole_form,
    )
    return done or render_template(
        "competitions/confirm.html",
        form=form,
        competition=view.competition,
        heading="Withdraw your quote?",
    )


@bp.route("/<int:competition_id>/decline", methods=["GET", "POST"])
@requires_provider
def decline(competition_id: int):
    view = quoting.get_opportunity(current_user, competition_id, acting=True)
    form = forms.ReasonForm()
    form.submit.label.text = "Tell the council you will not quote"
    form.reason.label.text = "Why are you not quoting?"
    form.reason.description = (
        "For example, you have no capacity or the work is too far away. This helps the council "
        "plan future call-offs."
    )
    done = handle_post(
        form,
        lambda: quoting.decline(current_user, view, form.reason.data),
        to=_show_url(competition_id),
        message="You have told the council you will not quote",
        field="reason",
    )
    return done or render_template(
        "competitions/confirm.html",
        form=form,
        competition=view.competition,
        heading="Decline to quote",
    )


@bp.route("/<int:competition_id>/assessment")
@requires_provider
def assessment(competition_id: int):
    view = quoting.get_opportunity(current_user, competition_id)
    return render_template(
        "competitions/assessment.html",
        competition=view.competition,
        summary=awarding.assessment_for(view),
        winner=awarding.winner_name(view.competition),
    )


def _confirm_form(view, label: str) -> forms.ConfirmForm:
    """A yes-or-no page about the provider's quote, carrying the version of it they saw."""
    form = forms.ConfirmForm()
    form.submit.label.text = label
    if request.method == "GET" and view.quote is not None:
        form.lock_version.data = str(view.quote.lock_version)
    return form
