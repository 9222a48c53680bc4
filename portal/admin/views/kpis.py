"""Admins define the KPIs (/admin/kpis): what each measures, its unit, targets and the lots
it applies to, from the month it takes effect."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.admin import forms
from portal.admin.views.shared import bp
from portal.core.form_posts import handle_post
from portal.core.permissions import requires
from portal.kpi_returns import definitions, months
from portal.kpi_returns.models import UNIT_LABELS
from portal.lots.services import list_lots

admins = requires("manage_kpis")


@bp.route("/kpis")
@admins
def kpis():
    on = months.current_day()
    catalogue = definitions.Catalogue()
    rows = [
        (kpi, definitions.in_force(kpi, months.first_of(on)), kpi.versions[-1])
        for kpi in catalogue.kpis
    ]
    return render_template("admin/kpis.html", rows=rows, unit_labels=UNIT_LABELS)


@bp.route("/kpis/<int:kpi_id>")
@admins
def kpi(kpi_id: int):
    found = definitions.get_kpi(kpi_id)
    return render_template(
        "admin/kpi.html",
        kpi=found,
        unit_labels=UNIT_LABELS,
        current=definitions.in_force(found, months.first_of(months.current_day())),
    )


def _definition_form(kpi=None) -> forms.DefinitionForm:
    on = months.current_day()
    form = forms.DefinitionForm()
    form.lot_ids.choices = [SelectChoice(lot.id, lot.name) for lot in list_lots()]
    start = months.first_of(on)
    form.effective_from.choices = [
        SelectChoice(months.iso_month(month), months.month_name(month))
        for month in (months.add_months(start, ahead) for ahead in range(13))
    ]
    if request.method == "GET" and kpi is not None:
        latest = kpi.versions[-1]
        form.name.data = latest.name
        form.description.data = latest.description
        form.unit.data = latest.unit
        form.direction.data = "higher" if latest.higher_is_better else "lower"
        form.required_kpi.data = "yes" if latest.is_required else "no"
        form.active.data = "yes" if latest.is_active else "no"
        for name in ("target", "good_from", "approaching_from", "requires_improvement_from"):
            value = getattr(latest, name)
            form[name].data = "" if value is None else f"{value:g}"
        form.lot_ids.data = [lot.id for lot in latest.lots]
    return form


def _details(form: forms.DefinitionForm) -> definitions.DefinitionDetails:
    return definitions.DefinitionDetails(
        name=form.name.data,
        description=form.description.data or "",
        unit=form.unit.data,
        higher_is_better=form.direction.data == "higher",
        is_required=form.required_kpi.data == "yes",
        is_active=form.active.data != "no",
        target=form.target.number,
        good_from=form.good_from.number,
        approaching_from=form.approaching_from.number,
        requires_improvement_from=form.requires_improvement_from.number,
        lot_ids=list(form.lot_ids.data or []),
        effective_from=months.parse_month(form.effective_from.data),
    )


def _save_definition(kpi=None):
    form = _definition_form(kpi)
    done = handle_post(
        form,
        lambda: definitions.save_definition(
            current_user, kpi, None, _details(form), months.current_day()
        ),
        to=lambda saved: url_for("admin.kpi", kpi_id=saved.id),
        message=f"{form.name.data} has been saved",
    )
    return done or render_template("admin/kpi_definition.html", form=form, kpi=kpi)


@bp.route("/kpis/new", methods=["GET", "POST"])
@admins
def new_kpi():
    return _save_definition()


@bp.route("/kpis/<int:kpi_id>/change", methods=["GET", "POST"])
@admins
def change_kpi(kpi_id: int):
    return _save_definition(definitions.get_kpi(kpi_id))
