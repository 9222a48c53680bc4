"""The quality blueprint, at /quality: the council's visits, meetings and actions, and a
provider's findings, actions and meetings."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("quality", __name__, url_prefix="/quality")
