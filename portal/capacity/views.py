"""Capacity, at /capacity: a provider's own capacity per lot, and the council's search."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("capacity", __name__, url_prefix="/capacity")
