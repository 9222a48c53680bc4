"""Admins define the KPIs (/admin/kpis): what each measures, its unit, targets and the lots
it applies to, from the month it takes effect."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import ADMIN
from portal.core.permissions import requires_staff_role
from portal.core.submissions import previous_result, remember_result
from portal.kpi_returns import definitions, forms, months
from portal.kpi_returns.models import UNIT_LABELS
from portal.kpi_returns.views.shared import bp
from portal.lots.services import list_lots

admins = requires_staff_role(ADMIN)


@bp.route("/admin/kpis")
@admins
def kpis():
    on = months.current_day()
    catalogue = definitions.Catalogue()
    rows = [
        (kpi, definitions.in_force(kpi, months.first_of(on)), kpi.versions[-1])
        for kpi in catalogue.kpis
    ]
    return render_template("kpi_returns/admin/kpis.html", rows=rows, unit_labels=UNIT_LABELS)


@bp.route("/admin/kpis/<int:kpi_id>")
@admins
def kpi(kpi_id: int):
    found = definitions.get_kpi(kpi_id)
    return render_template(
        "kpi_returns/admin/kpi.html",
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
    if form.validate_on_submit():
        done = previous_result(form.submission_id.data)
        if done:
            return redirect(done)
        try:
            saved = definitions.save_definition(
                current_user, kpi, None, _details(form), months.current_day()
            )
        except definitions.DefinitionError as error:
            for field, message in error.errors.items():
                form.add_error(field, message)
        else:
            url = url_for("kpi_returns.kpi", kpi_id=saved.id)
            remember_result(form.submission_id.data, url)
            flash(f"{form.name.data} has been saved", "success")
            return redirect(url)
    return render_template("kpi_returns/admin/definition.html", form=form, kpi=kpi)


@bp.route("/admin/kpis/new", methods=["GET", "POST"])
@admins
def new_kpi():
    return _save_definition()


@bp.route("/admin/kpis/<int:kpi_id>/change", methods=["GET", "POST"])
@admins
def change_kpi(kpi_id: int):
    return _save_definition(definitions.get_kpi(kpi_id))
