"""Referrals, at /referrals: the council's referrals and time to place, and the public page
about the pathway."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
