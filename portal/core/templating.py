"""Template filters and globals shared by every page."""

from __future__ import annotations

from datetime import date

from flask import Flask

from portal.core import time


def format_iso_date(value: str | None) -> str:
    """A date kept as ISO text in a frozen snapshot ("2027-03-03"), as people read it."""
    return time.format_date(date.fromisoformat(value)) if value else ""


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = time.format_date
    app.jinja_env.filters["datetime"] = time.format_datetime
    app.jinja_env.filters["iso_date"] = format_iso_date
    app.jinja_env.globals.update(
        council_name=app.config["COUNCIL_NAME"],
        service_name=app.config["SERVICE_NAME"],
        demo_mode=app.config["DEMO_MODE"],
    )
