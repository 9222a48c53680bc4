"""The DBS staff register: list with flags, add, change, remove, certificate copies, CSV import
and export; and the council's list of registers."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.core import exports
from portal.core.exports import csv_download
from portal.core.form_posts import handle_post
from portal.core.pagination import page_number
from portal.core.permissions import (
    requires_org_member_or_staff,
    requires_org_role,
    requires_sign_in,
)
from portal.core.time import today
from portal.core.words import possessive
from portal.documents import files, uploads
from portal.documents.uploads import upload_form
from portal.organisations.choosing import into_own_organisation
from portal.staff_checks import forms, services

bp = Blueprint("staff_checks", __name__, url_prefix="/staff-checks")
uploads.show_size_error_on_the_form(bp)


def _register_url(organisation) -> str:
    return url_for("staff_checks.register", organisation_id=organisation.id)


@bp.route("")
@requires_sign_in
def index():
    """Council staff see every register; a provider goes to their own."""
    if current_user.is_staff:
        return render_template(
            "staff_checks/index.html",
            page=services.registers(today(), page_number(request.args.get("page"))),
        )
    return into_own_organisation(
        "staff_checks.register",
        heading="DBS staff register",
        lead="Choose the organisation whose register you want to see.",
    )


@bp.route("/import-template")
@requires_sign_in
def import_template():
    return csv_download(services.template_csv(), "staff-register-template.csv")


@bp.route("/organisations/<int:organisation_id>")
@requires_org_member_or_staff
def register(organisation):
    on = today()
    checks = services.checks_of(organisation)
    return render_template(
        "staff_checks/register.html",
        organisation=organisation,
        rows=[(check, services.flags(check, on)) for check in checks],
        people_to_add=services.people_to_add(organisation) if g.membership else [],
    )


@exports.csv_and_xlsx(bp, "/organisations/<int:organisation_id>/export")
@requires_org_member_or_staff
def export(organisation, spreadsheet: bool) -> Response:
    return exports.export(
        services.export_rows(organisation),
        f"staff-register-{organisation.id}",
        spreadsheet=spreadsheet,
        sheet_name="Staff register",
    )


@bp.route("/organisations/<int:organisation_id>/add", methods=["GET", "POST"])
@requires_org_role()
def add(organisation):
    form = forms.StaffCheckForm()
    filled = []
    if request.method == "GET" and "name" in request.args:
        # Someone the application names: their name, role and check start the form.
        filled = form.fill_in(services.person_to_add(organisation, request.args["name"]))
    done = handle_post(
        form,
        lambda: services.add_check(current_user, organisation, form.details()),
        to=_register_url(organisation),
        message=lambda check: f"{check.full_name} has been added to the register",
    )
    return done or render_template(
        "staff_checks/edit.html", form=form, organisation=organisation, filled=filled
    )


@bp.route("/organisations/<int:organisation_id>/<int:staff_check_id>/edit", methods=["GET", "POST"])
@requires_org_role()
def edit(organisation, staff_check_id: int):
    check = services.get_check(organisation, staff_check_id)
    if request.method == "GET":
        form = forms.StaffCheckForm(data=forms.StaffCheckForm.answers_of(check))
    else:
        form = forms.StaffCheckForm()
    done = handle_post(
        form,
        lambda: services.update_check(current_user, check, form.details()),
        to=_register_url(organisation),
        message=f"{possessive(check.full_name)} record has been saved",
    )
    return done or render_template(
        "staff_checks/edit.html", form=form, organisation=organisation, check=check
    )


@bp.route(
    "/organisations/<int:organisation_id>/<int:staff_check_id>/delete", methods=["GET", "POST"]
)
@requires_org_role()
def delete(organisation, staff_check_id: int):
    check = services.get_check(organisation, staff_check_id)
    form = forms.DeleteStaffCheckForm()
    done = handle_post(
        form,
        lambda: services.delete_check(current_user, check),
        to=_register_url(organisation),
        message=f"{check.full_name} has been removed from the register",
    )
    return done or render_template(
        "staff_checks/delete.html", form=form, organisation=organisation, check=check
    )


@bp.route(
    "/organisations/<int:organisation_id>/<int:staff_check_id>/certificate-copy",
    methods=["GET", "POST"],
)
@requires_org_role()
def upload_copy(organisation, staff_check_id: int):
    check = services.get_check(organisation, staff_check_id)
    form = upload_form(forms.FileForm)
    done = not uploads.upload_was_too_large() and handle_post(
        form,
        lambda: services.upload_certificate_copy(current_user, check, form.file.data),
        to=_register_url(organisation),
        message=f"A copy of {possessive(check.full_name)} certificate has been uploaded",
        field="file",
    )
    return done or render_template(
        "staff_checks/upload_copy.html", form=form, organisation=organisation, check=check
    )


@bp.route("/organisations/<int:organisation_id>/<int:staff_check_id>/certificate-copy/download")
@requires_org_member_or_staff
def download_copy(organisation, staff_check_id: int):
    check = services.get_check(organisation, staff_check_id)
    copy = check.certificate_copy
    if copy is None:
        abort(404)
    return files.redirect_to_download(
        lambda: files.download_url(
            current_user, copy, object_type="staff_check", object_id=check.id
        )
    )


@bp.route("/organisations/<int:organisation_id>/<int:staff_check_id>/certificate-number")
@requires_org_member_or_staff
def certificate_number(organisation, staff_check_id: int):
    """Council staff only (members see the last 4 digits): the whole number, audited."""
    if g.membership is not None:
        abort(403)
    check = services.get_check(organisation, staff_check_id)
    return render_template(
        "staff_checks/certificate_number.html",
        organisation=organisation,
        check=check,
        number=services.reveal_certificate_number(current_user, check),
    )


@bp.route("/organisations/<int:organisation_id>/import", methods=["GET", "POST"])
@requires_org_role()
def import_register(organisation):
    form = upload_form(forms.FileForm)
    problems = []

    def import_file() -> int:
        try:
            return services.import_csv(current_user, organisation, form.file.data)
        except services.ImportRefused as refused:
            problems.extend(refused.problems)
            raise

    done = not uploads.upload_was_too_large() and handle_post(
        form,
        import_file,
        to=_register_url(organisation),
        message=lambda added: f"{added} {'person has' if added == 1 else 'people have'} been added",
        field="file",
    )
    return done or render_template(
        "staff_checks/import.html", form=form, organisation=organisation, problems=problems
    )
