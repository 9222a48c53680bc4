"""Admissions' public pages: the list of providers on the framework and how call-offs are made.
Council staff see and change admissions under /reviews/providers (portal/reviews/views/)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from portal.admissions import public_list
from portal.admissions.public_rows import rows_html
from portal.core.pagination import page_number
from portal.core.permissions import public
from portal.lots.services import list_lots

bp = Blueprint("admissions", __name__)


@bp.route("/providers")
@public
def providers():
    lots = list_lots()
    filters = public_list.PublicFilters.from_args(request.args, lots)
    results = public_list.public_providers(filters, page_number(request.args.get("page")))
    return render_template(
        "admissions/public_providers.html",
        lots=lots,
        filters=filters,
        results=results,
        provider_rows=rows_html(results.items, current_app.config["COUNCIL_AREA"]),
    )


@bp.route("/providers/how-call-offs-are-made")
@public
def how_call_offs_are_made():
    return render_template("admissions/how_call_offs_are_made.html")
