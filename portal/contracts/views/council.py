"""The commissioner's pages for a contract: a direct call-off, completing and sending a draft
made from an award, recording acceptance on paper, variations and termination."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.contracts import forms
from portal.contracts.models import (
    ACTIVE,
    CHANGE_RATE,
    CHANGE_VOLUME,
    DIRECT_GROUNDS,
    DRAFT,
    EXTEND,
    UNIT_NAMES,
    VARIATION_KINDS,
    Contract,
)
from portal.contracts.services import agreeing, making, reading
from portal.contracts.services.common import teams
from portal.contracts.views.contracts import show_url
from portal.contracts.views.shared import bp
from portal.core.form_posts import handle_post
from portal.core.money import format_pence
from portal.core.permissions import requires

manage = requires("manage_contracts")


@bp.route("/new", methods=["GET", "POST"])
@manage
def new() -> ResponseReturnValue:
    """A direct call-off, made and sent to the provider at once."""
    form = forms.DirectCallOffForm().with_choices(
        making.organisations_to_choose(), making.lots_to_choose(), list(teams())
    )
    if request.method == "GET":
        form.prefill(request.args)
    done = handle_post(
        form,
        lambda: making.make_direct_call_off(
            current_user, form.terms(), form.ground.data, form.ground_detail.data
        ),
        to=lambda contract: show_url(contract.id),
        message=lambda contract: (
            f"Contract {contract.reference} has been sent to the provider to accept"
        ),
    )
    return done or render_template("contracts/new.html", form=form, grounds=DIRECT_GROUNDS)


@bp.route("/<int:contract_id>/complete", methods=["GET", "POST"])
@manage
def complete(contract_id: int) -> ResponseReturnValue:
    """Complete a draft made from an award and send it to the provider."""
    contract = reading.contract_for_council(contract_id)
    if not making.is_waiting_to_be_sent(contract):
        abort(404)
    form = forms.CompleteForm().with_teams(list(teams()))
    if request.method == "GET":
        form.lock_version.data = str(contract.lock_version)
        form.team.data = contract.team
        form.held_back_percent.data = str(contract.held_back_percent)
        form.placement_reference.data = contract.placement_reference or ""
    done = handle_post(
        form,
        lambda: making.complete_and_send(current_user, contract, form.completion(), form.seen),
        to=show_url(contract.id),
        message=f"Contract {contract.reference} has been sent to the provider to accept",
    )
    return done or render_template(
        "contracts/complete.html", form=form, contract=contract, unit_names=UNIT_NAMES
    )


@bp.route("/<int:contract_id>/record-acceptance", methods=["GET", "POST"])
@manage
def record_acceptance(contract_id: int) -> ResponseReturnValue:
    """Record that the provider accepted the contract on paper, with why."""
    contract = reading.contract_for_council(contract_id)
    if contract.status != DRAFT and request.method == "GET":
        abort(404)
    form = _reason_form(contract, "Record acceptance")
    done = handle_post(
        form,
        lambda: agreeing.record_paper_acceptance(
            current_user, contract, form.reason.data, form.seen
        ),
        to=show_url(contract.id),
        message=f"Contract {contract.reference} is active: accepted on paper",
    )
    return done or render_template(
        "contracts/reason.html",
        form=form,
        contract=contract,
        heading="Record acceptance on paper",
        hint="Why the provider accepted the contract on paper rather than in the portal. "
        "The contract becomes active now.",
    )


@bp.route("/<int:contract_id>/terminate", methods=["GET", "POST"])
@manage
def terminate(contract_id: int) -> ResponseReturnValue:
    """End the contract early, or withdraw a draft, with why."""
    contract = reading.contract_for_council(contract_id)
    if contract.status not in (DRAFT, ACTIVE) and request.method == "GET":
        abort(404)
    withdraw = contract.status == DRAFT
    what = "Withdraw the contract" if withdraw else "Terminate the contract"
    form = _reason_form(contract, what)
    done = handle_post(
        form,
        lambda: agreeing.terminate(current_user, contract, form.reason.data, form.seen),
        to=show_url(contract.id),
        message=f"Contract {contract.reference} has been "
        + ("withdrawn" if withdraw else "terminated"),
    )
    return done or render_template(
        "contracts/reason.html",
        form=form,
        contract=contract,
        heading=what,
        hint=(
            "Why the contract is withdrawn before the provider accepts it"
            if withdraw
            else "Why the contract ends early"
        )
        + ". The provider can read it.",
    )


def _reason_form(contract: Contract, button: str) -> forms.ReasonForm:
    form = forms.ReasonForm()
    form.submit.label.text = button
    form.show_version(contract)
    return form


KINDS = {
    EXTEND: VARIATION_KINDS[EXTEND],
    CHANGE_VOLUME: "Change the volume",
    CHANGE_RATE: "Change the rate",
}


@bp.route("/<int:contract_id>/variations/new", methods=["GET", "POST"])
@manage
def vary(contract_id: int) -> ResponseReturnValue:
    """A variation: extend, change the volume or change the rate (`kind` in the query)."""
    contract = reading.contract_for_council(contract_id)
    kind = request.args.get("kind") or ""
    if kind not in KINDS or (contract.status != ACTIVE and request.method == "GET"):
        abort(404)
    form = forms.VariationForm()
    form.show_version(contract)
    done = handle_post(
        form,
        lambda: agreeing.vary(
            current_user,
            contract,
            agreeing.Variation(
                kind=kind,
                end_on=form.new_end_on(),
                planned_units=form.new_planned_units(),
                rate_pence=form.new_rate_pence(),
                reason=form.reason.data,
            ),
            form.seen,
        ),
        to=show_url(contract.id),
        message=lambda version: (
            f"Contract {contract.reference} has been varied: version {version.number}, "
            f"worth {format_pence(version.total_pence)}"
        ),
        # A refusal about the whole contract (changed meanwhile) goes by the button: the page
        # shows only the one value this kind of variation changes.
        field=lambda name: name or "submit",
    )
    return done or render_template(
        "contracts/vary.html",
        form=form,
        contract=contract,
        kind=kind,
        kinds=KINDS,
        unit_names=UNIT_NAMES,
    )
