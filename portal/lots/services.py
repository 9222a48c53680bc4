"""Lots: the framework's types of service."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.core.db import db
from portal.lots.models import Lot

# The lots the framework started with (DESIGN.md); admins can change them later.
STARTING_LOTS = (
    "Alternative Provision",
    "Online tuition",
    "In-person tuition",
    "Mentoring",
    "Post-16 provision",
    "Supported internships",
    "Education other than at school (EOTAS)",
    "Therapeutic support",
    "Personal budgets support",
    "Emotionally-based school avoidance (EBSA) support",
    "Robotics and STEM",
    "SEMH mentoring",
    "Creative therapeutic provision",
)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def ensure_starting_lots() -> int:
    """Create any starting lot that is missing; returns how many were created."""
    existing = set(db.session.scalars(select(Lot.name)))
    created = 0
    for position, name in enumerate(STARTING_LOTS, start=1):
        if name not in existing:
            db.session.add(Lot(name=name, slug=slugify(name), position=position))
            created += 1
    db.session.flush()
    return created


def list_lots() -> list[Lot]:
    return list(db.session.scalars(select(Lot).order_by(Lot.position, Lot.name)))
