"""Admin pages for lots: the list, adding, changing, reordering, closing, reopening, deleting."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.core.forms import new_submission_id
from portal.core.permissions import requires
from portal.core.submissions import previous_result, remember_result
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
    form = forms.LotForm()
    if form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            lot = services.add_lot(current_user, form.name.data, form.description.data)
        except services.LotError as error:
            form.add_error(error.field, error.message)
        else:
            return _done(form, f"{lot.name} has been added and is open to applications")
    return render_template("lots/form.html", form=form, lot=None)


@bp.route("/<int:lot_id>/change", methods=["GET", "POST"])
@requires("manage_lots")
def change(lot_id: int):
    lot = services.get_lot(lot_id)
    form = forms.LotForm()
    if not form.is_submitted():
        form.name.data, form.description.data = lot.name, lot.description
    if form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            services.change_lot(current_user, lot.id, form.name.data, form.description.data)
        except services.LotError as error:
            form.add_error(error.field, error.message)
        else:
            return _done(form, f"{lot.name} has been saved")
    return render_template("lots/form.html", form=form, lot=lot)


@bp.route("/<int:lot_id>/move", methods=["POST"])
@requires("manage_lots")
def move(lot_id: int):
    lot = services.get_lot(lot_id)
    form = forms.MoveForm()
    if form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            services.move_lot(current_user, lot.id, form.direction.data)
        except services.LotError as error:
            flash(error.message)
        else:
            return _done(form, f"{lot.name} has been moved {form.direction.data}")
    return redirect(url_for(LIST))


def _confirm(lot_id: int, template: str, change, button: str, message: str):
    """A page asking an admin to confirm `change` to a lot, and the change. A second POST of the
    same page, or one from a page opened before someone else made the change, is told so."""
    form = forms.ConfirmForm()
    form.submit.label.text = button
    if form.validate_on_submit():
        # Before the lot is loaded: a second click on Delete finds it gone, and must still be
        # sent where the first click led.
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        lot = services.get_lot(lot_id)
        try:
            change(current_user, lot.id)
        except services.LotError as error:
            flash(error.message)
            return redirect(url_for(LIST))
        return _done(form, message.format(name=lot.name))
    return render_template(template, form=form, lot=services.get_lot(lot_id))


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


def _done(form, message: str):
    url = url_for(LIST)
    remember_result(form.submission_id.data, url)
    flash(message, "success")
    return redirect(url)
