"""Template filters and globals shared by every page."""

from __future__ import annotations

from datetime import date

import jinja2
from flask import Flask

from portal.core import time


class Template(jinja2.Template):
    """Jinja's Template, with a cheaper check when one template imports another.

    Every `{% from "...macro.html" import govukButton %}` (base.html has a dozen, and most
    GOV.UK macros import govukAttributes each time they are called) asks whether the
    importing page has globals the macro template lacks; if not, the macro template's cached
    module is reused. Jinja works that out by testing each of the page's globals against a
    ChainMap one at a time in Python, which cost more than the rest of a simple page's
    render. Here the same question is answered with one C-level set difference: the answer,
    and so what is rendered, is exactly Jinja's.
    """

    def _get_default_module(self, ctx: jinja2.runtime.Context | None = None):
        if ctx is not None:
            maps = getattr(self.globals, "maps", (self.globals,))
            if not ctx.globals_keys.difference(*maps):
                ctx = None  # nothing new to pass: Jinja would reuse the cached module
        return super()._get_default_module(ctx)


def format_iso_date(value: str | None) -> str:
    """A date kept as ISO text in a frozen snapshot ("2027-03-03"), as people read it."""
    return time.format_date(date.fromisoformat(value)) if value else ""


def init_app(app: Flask) -> None:
    app.jinja_env.template_class = Template
    app.jinja_env.filters["date"] = time.format_date
    app.jinja_env.filters["datetime"] = time.format_datetime
    app.jinja_env.filters["iso_date"] = format_iso_date
    app.jinja_env.globals.update(
        council_name=app.config["COUNCIL_NAME"],
        service_name=app.config["SERVICE_NAME"],
        demo_mode=app.config["DEMO_MODE"],
    )
