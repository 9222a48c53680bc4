"""The outcome catalogue (/admin/outcomes): admins add, change, reorder, retire and reinstate
the outcomes a contract on each lot may pay for. A blueprint of its own, as the longest URL
prefix names the package (README: URL prefixes)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.contracts import forms
from portal.contracts.models import OutcomeDefinition
from portal.contracts.services import catalogue
from portal.core.form_posts import handle_post
from portal.core.forms import new_submission_id
from portal.core.permissions import requires
from portal.lots.models import Lot

bp = Blueprint("outcome_catalogue", __name__, url_prefix="/admin/outcomes")
admins = requires("manage_outcome_catalogue")


def _list_url(definition: OutcomeDefinition | None = None) -> str:
    anchor = f"lot-{definition.lot_id}" if definition else None
    return url_for("outcome_catalogue.index", _anchor=anchor)


@bp.route("")
@admins
def index() -> ResponseReturnValue:
    return render_template(
        "contracts/catalogue.html",
        lots=catalogue.catalogue(),
        new_submission_id=new_submission_id,
    )


@bp.route("/lots/<int:lot_id>/add", methods=["GET", "POST"])
@admins
def add(lot_id: int) -> ResponseReturnValue:
    lot = catalogue.get_lot(lot_id)
    return _definition_page(
        lot,
        None,
        lambda title, description: catalogue.add_definition(
            current_user, lot.id, title, description
        ),
        lambda added: f"‘{added.title}’ has been added to {lot.name}",
    )


@bp.route("/<int:definition_id>/change", methods=["GET", "POST"])
@admins
def change(definition_id: int) -> ResponseReturnValue:
    definition = catalogue.get_definition(definition_id)
    return _definition_page(
        definition.lot,
        definition,
        lambda title, description: catalogue.change_definition(
            current_user, definition, title, description
        ),
        lambda changed: f"‘{changed.title}’ has been saved",
    )


def _definition_page(
    lot: Lot,
    definition: OutcomeDefinition | None,
    save: Callable[[str | None, str | None], OutcomeDefinition],
    message: Callable[[OutcomeDefinition], str],
) -> ResponseReturnValue:
    """The outcome's form, to add one to `lot` (no `definition` yet) or change `definition`:
    `save` the title and description typed, then back to the lot in the catalogue."""
    form = forms.DefinitionForm()
    form.show_values(definition, "title", "description")
    done = handle_post(
        form,
        lambda: save(form.title.data, form.description.data),
        to=_list_url,
        message=message,
    )
    return done or render_template(
        "contracts/catalogue_form.html", form=form, lot=lot, definition=definition
    )


@bp.route("/<int:definition_id>/move", methods=["POST"])
@admins
def move(definition_id: int) -> ResponseReturnValue:
    definition = catalogue.get_definition(definition_id)
    form = forms.ConfirmForm()
    done = handle_post(
        form,
        lambda: catalogue.move_definition(current_user, definition, form.direction.data),
        to=_list_url(definition),
        message=f"‘{definition.title}’ has been moved {form.direction.data}",
    )
    for message in [error for errors in form.errors.values() for error in errors]:
        flash(message)
    return done or redirect(_list_url(definition))


def _retire_or_reinstate(definition_id: int, *, retire: bool) -> ResponseReturnValue:
    definition = catalogue.get_definition(definition_id)
    form = forms.ConfirmForm()
    form.submit.label.text = "Retire outcome" if retire else "Offer it again"
    act = catalogue.retire_definition if retire else catalogue.reinstate_definition
    done = handle_post(
        form,
        lambda: act(current_user, definition),
        to=_list_url(definition),
        message=f"‘{definition.title}’ has been "
        + ("retired" if retire else "offered to new contracts again"),
        field="submit",
    )
    return done or render_template(
        "contracts/catalogue_retire.html", form=form, definition=definition, retire=retire
    )


@bp.route("/<int:definition_id>/retire", methods=["GET", "POST"])
@admins
def retire(definition_id: int) -> ResponseReturnValue:
    return _retire_or_reinstate(definition_id, retire=True)


@bp.route("/<int:definition_id>/reinstate", methods=["GET", "POST"])
@admins
def reinstate(definition_id: int) -> ResponseReturnValue:
    return _retire_or_reinstate(definition_id, retire=False)
