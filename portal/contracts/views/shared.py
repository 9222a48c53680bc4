"""The contracts blueprint, at /contracts."""

from __future__ import annotations

from flask import Blueprint

from portal.contracts.models import DIRECT_GROUNDS
from portal.contracts.views.list_rows import STATUS_COLOURS, contract_rows
from portal.core.money import format_pence

bp = Blueprint("contracts", __name__, url_prefix="/contracts")
# Money in whole pence, as pages show it: "£1,250.50".
bp.add_app_template_filter(format_pence, "pence")
# The contracts tables' rows (templates/contracts/_macros.html's contracts_table).
bp.add_app_template_global(contract_rows, "contract_rows")
# Each status's tag colour, for status_tag there.
bp.record_once(
    lambda state: state.app.jinja_env.globals.update(contract_status_colours=STATUS_COLOURS)
)
# The grounds for a direct call-off, for the public page about call-offs (one list, here).
bp.add_app_template_global(lambda: DIRECT_GROUNDS, "direct_call_off_grounds")
