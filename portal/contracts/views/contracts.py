"""The contract's pages for both sides: the list (a provider's own organisations' contracts, or
the council's with its filters), a contract's page (terms, versions, status; a provider sees
only its own), the provider's acceptance, and the open data."""

from __future__ import annotations

import json

from flask import Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.contracts import forms, ocds
from portal.contracts.models import DIRECT_GROUNDS, UNIT_NAMES, VARIATION_KINDS, Contract
from portal.contracts.services import agreeing, making, reading
from portal.contracts.services.common import teams
from portal.contracts.views import delivery_rows
from portal.contracts.views.shared import bp
from portal.core.form_posts import handle_post
from portal.core.forms import VersionedForm
from portal.core.pagination import page_number
from portal.core.permissions import can, public, requires_provider, requires_sign_in
from portal.core.time import today
from portal.lots.services import lot_choices

# The contract page's delivery rows (templates/contracts/_delivery.html), written in Python.
bp.add_app_template_global(delivery_rows.delivery_rows, "delivery_rows")


def show_url(contract_id: int) -> str:
    return url_for("contracts.show", contract_id=contract_id)


@bp.route("")
@requires_sign_in
def index() -> ResponseReturnValue:
    number = page_number(request.args.get("page"))
    if not current_user.is_staff:
        return render_template(
            "contracts/index_provider.html",
            page=reading.contracts_for_provider(current_user, number),
        )
    if not can(current_user, "read_contracts"):
        abort(403)
    lots, team_names = lot_choices(), list(teams())
    filters = reading.Filters.from_args(request.args, lots, team_names)
    return render_template(
        "contracts/index_staff.html",
        page=reading.contracts_for_staff(filters, number),
        filters=filters,
        lots=lots,
        teams=team_names,
        statuses=reading.STATUS_FILTERS,
    )


@bp.route("/<int:contract_id>")
@requires_sign_in
def show(contract_id: int) -> ResponseReturnValue:
    if current_user.is_staff:
        if not can(current_user, "read_contracts"):
            abort(403)
        contract = reading.contract_for_council(contract_id)
    else:
        contract = reading.contract_for_member(current_user, contract_id)
    return _page(contract)


def _page(contract: Contract, accept_form: VersionedForm | None = None) -> str:
    form = accept_form or forms.AcceptForm()
    form.lock_version.data = str(contract.lock_version)
    return render_template(
        "contracts/show.html",
        contract=contract,
        status=agreeing.shown_status(contract, today()),
        to_send=making.is_waiting_to_be_sent(contract),
        accept_form=form,
        form=form,
        grounds=DIRECT_GROUNDS,
        unit_names=UNIT_NAMES,
        variation_kinds=VARIATION_KINDS,
        viewer_is_staff=current_user.is_staff,
    )


@bp.route("/<int:contract_id>/accept", methods=["POST"])
@requires_provider
def accept(contract_id: int) -> ResponseReturnValue:
    """The provider accepts the contract it was sent: one click, with the page's version."""
    contract = reading.contract_for_member(current_user, contract_id)
    form = forms.AcceptForm()
    done = handle_post(
        form,
        lambda: agreeing.accept(current_user, contract, form.seen),
        to=show_url(contract.id),
        message=f"You have accepted contract {contract.reference}. It is now active",
        field="submit",
    )
    return done or _page(contract, form)


@bp.route("/<int:contract_id>/release-package")
@public
def release_package(contract_id: int) -> ResponseReturnValue:
    """The OCDS 1.1 release package: every release about the contract as first published."""
    return Response(
        json.dumps(ocds.release_package(contract_id), indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Access-Control-Allow-Origin": "*"},
    )
