"""Admin pages for lots: the list, adding, changing, reordering, closing, reopening, deleting."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from portal.core.form_posts import handle_button, handle_post
from portal.core.forms import new_submission_id
from portal.core.permissions import requires
from portal.lots import forms, services

bp = Blueprint("lots", __name__, url_prefix="/admin/lots")
LIST = "lots.list_lots"


@bp.route("")
@requires("manage_lots")
def list_lots():
    return render_template(
        "lots/list.html", rows=services.lots_for_admin(), new_submission_id=new_submission_id
    )


@bp.route("/add", methods=["GET", "POST"])
@requires("manage_lots")
def add():
    return _lot_page(
        None,
        lambda name, description: services.add_lot(current_user, name, description),
        lambda lot: f"{lot.name} has been added and is open to applications",
    )


@bp.route("/<int:lot_id>/change", methods=["GET", "POST"])
@requires("manage_lots")
def change(lot_id: int):
    lot = services.get_lot(lot_id)
    return _lot_page(
        lot,
        lambda name, description: services.change_lot(current_user, lot.id, name, description),
        f"{lot.name} has been saved",
    )


def _lot_page(lot, save, message):
    """The lot's form, to add one (no `lot` yet) or change `lot`: `save` the name and
    description typed, then back to the list."""
    form = forms.LotForm()
    form.show_values(lot, "name", "description")
    done = handle_post(
        form,
        lambda: save(form.name.data, form.description.data),
        to=url_for(LIST),
        message=message,
    )
    return done or render_template("lots/form.html", form=form, lot=lot)


@bp.route("/<int:lot_id>/move", methods=["POST"])
@requires("manage_lots")
def move(lot_id: int):
    lot = services.get_lot(lot_id)
    form = forms.MoveForm()
    return handle_button(
        lambda: services.move_lot(current_user, lot.id, form.direction.data),
        url_for(LIST),
        message=f"{lot.name} has been moved {form.direction.data}",
        form=form,
    )


def _confirm(lot_id: int, template: str, change, button: str, message: str):
    """A page asking an admin to confirm `change` to a lot, and the change. A second POST of the
    same page, or one from a page opened before someone else made the change, is told so."""
    form = forms.ConfirmForm()
    form.submit.label.text = button

    def act():
        # Loaded only once the form's id is claimed: a second click on Delete finds the lot
        # gone, and must still be sent where the first click led.
        lot = services.get_lot(lot_id)
        change(current_user, lot.id)
        return lot

    done = handle_post(
        form,
        act,
        to=url_for(LIST),
        message=lambda lot: message.format(name=lot.name),
        refused_to=url_for(LIST),
    )
    return done or render_template(template, form=form, lot=services.get_lot(lot_id))


@bp.route("/<int:lot_id>/close", methods=["GET", "POST"])
@requires("manage_lots")
def close(lot_id: int):
    return _confirm(
        lot_id,
        "lots/close.html",
        services.close_lot,
        "Close to new applications",
        "{name} is closed to new applications",
    )


@bp.route("/<int:lot_id>/reopen", methods=["GET", "POST"])
@requires("manage_lots")
def reopen(lot_id: int):
    return _confirm(
        lot_id,
        "lots/reopen.html",
        services.reopen_lot,
        "Reopen",
        "{name} is open to applications again",
    )


@bp.route("/<int:lot_id>/delete", methods=["GET", "POST"])
@requires("manage_lots")
def delete(lot_id: int):
    return _confirm(
        lot_id, "lots/delete.html", services.delete_lot, "Delete lot", "{name} has been deleted"
    )
