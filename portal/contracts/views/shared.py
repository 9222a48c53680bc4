"""The contracts blueprint, at /contracts."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contracts", __name__, url_prefix="/contracts")
