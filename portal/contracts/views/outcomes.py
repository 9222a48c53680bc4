"""A contract's outcomes: the section of the contract page (`outcome_section`, for
templates/contracts/_outcomes.html), a page of its own for both sides, naming them
(commissioners), the provider's evidence and the commissioner's decision."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.contracts import forms
from portal.contracts.models import Contract, ContractOutcome
from portal.contracts.services import catalogue, outcomes
from portal.contracts.views.shared import bp
from portal.core.form_posts import handle_post
from portal.core.money import format_pence
from portal.core.permissions import requires, requires_provider, requires_sign_in

commissioners = requires("manage_contracts")
bp.app_template_filter("pence")(format_pence)


@bp.app_template_global("outcome_section")
def outcome_section(contract: Contract) -> outcomes.OutcomeSection:
    """The outcomes part of the contract page, for the person signed in."""
    return outcomes.outcome_section(current_user, contract)


def _outcomes_url(contract: Contract) -> str:
    return url_for("contracts.outcomes", contract_id=contract.id)


@bp.route("/<int:contract_id>/outcomes", endpoint="outcomes")
@requires_sign_in
def outcomes_page(contract_id: int) -> ResponseReturnValue:
    contract = outcomes.contract_for_user(current_user, contract_id)
    return render_template("contracts/outcomes.html", contract=contract)


def _rows_of(named: list[ContractOutcome]) -> list[dict[str, Any]]:
    return [
        {
            "definition": str(outcome.definition_id),
            "baseline": outcome.baseline,
            "target": outcome.target,
            "review_on": outcome.review_on,
            "share": str(outcome.share_percent),
        }
        for outcome in named
    ]


@bp.route("/<int:contract_id>/outcomes/change", methods=["GET", "POST"])
@commissioners
def name_outcomes(contract_id: int) -> ResponseReturnValue:
    contract = outcomes.contract_for_user(current_user, contract_id)
    named = outcomes.outcomes_of(contract)
    if not outcomes.is_open_to_naming(contract, named):
        # Nothing to fill in: the page says why (a form sent from an older page changes nothing).
        return render_template("contracts/outcomes_name.html", contract=contract, closed=True)
    form = forms.OutcomesForm()
    offered = catalogue.offered(contract.lot_id)
    # A retired outcome the contract already names stays choosable on it.
    kept = [o.definition for o in named if o.definition.retired_at is not None]
    form.set_choices([(str(d.id), d.title) for d in [*offered, *kept]])
    if not form.is_submitted():
        form.fill(_rows_of(named))
        form.lock_version.data = str(contract.lock_version)
    done = handle_post(
        form,
        lambda: outcomes.name_outcomes(current_user, contract, form.rows(), form.seen),
        to=_outcomes_url(contract),
        message="The contract's outcomes have been saved",
    )
    return done or render_template(
        "contracts/outcomes_name.html",
        form=form,
        contract=contract,
        closed=False,
        max_outcomes=outcomes.MAX_OUTCOMES,
    )


@bp.route("/<int:contract_id>/outcomes/<int:outcome_id>/evidence", methods=["GET", "POST"])
@requires_provider
def give_evidence(contract_id: int, outcome_id: int) -> ResponseReturnValue:
    contract = outcomes.contract_for_user(current_user, contract_id)
    outcome = outcomes.outcome_of(contract, outcome_id)
    choices = outcomes.evidence_choices(contract)
    form = forms.EvidenceForm()
    form.document_id.choices = [SelectChoice(str(d.id), d.title) for d in choices]
    if not form.is_submitted():
        form.lock_version.data = str(outcome.lock_version)
        form.progress.data = outcome.progress
        if outcome.evidence_document_id:
            form.document_id.data = str(outcome.evidence_document_id)
    done = handle_post(
        form,
        lambda: outcomes.give_evidence(
            current_user,
            contract,
            outcome,
            progress=form.progress.data,
            document_id=form.document,
            seen=form.seen,
        ),
        to=_outcomes_url(contract),
        message="Your evidence has been sent to the council",
    )
    return done or render_template(
        "contracts/outcome_evidence.html",
        form=form,
        contract=contract,
        outcome=outcome,
        choices=choices,
        open=outcomes.is_open_to_evidence(contract, outcome),
    )


@bp.route("/<int:contract_id>/outcomes/<int:outcome_id>/decision", methods=["GET", "POST"])
@commissioners
def decide_outcome(contract_id: int, outcome_id: int) -> ResponseReturnValue:
    contract = outcomes.contract_for_user(current_user, contract_id)
    outcome = outcomes.outcome_of(contract, outcome_id)
    form = forms.DecisionForm()
    form.show_version(outcome)
    done = handle_post(
        form,
        lambda: outcomes.decide_outcome(
            current_user,
            contract,
            outcome,
            decision=form.decision.data,
            percent=form.percent.data,
            reason=form.reason.data,
            seen=form.seen,
        ),
        to=_outcomes_url(contract),
        message=lambda decided: (
            f"The outcome has been decided: {outcomes.DECISIONS[decided.status].lower()}"
        ),
    )
    section = outcomes.outcome_section(current_user, contract)
    return done or render_template(
        "contracts/outcome_decision.html",
        form=form,
        contract=contract,
        outcome=outcome,
        section=section,
        evidence=section.evidence.get(outcome.evidence_document_id or 0),
        money_rule=outcomes.MONEY_RULE,
    )
