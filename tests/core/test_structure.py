"""The sizes the code keeps (README, "Layout"): no module in portal/ over 800 lines, and no
route handler over 40 lines. A module that outgrows one sitting is split along its seams; a
handler that long is doing a service's work."""

from __future__ import annotations

import inspect
from pathlib import Path

import portal

MODULE_LINES = 800
HANDLER_LINES = 40
PORTAL = Path(portal.__file__).parent


def test_no_module_is_over_800_lines():
    too_long = {
        str(path.relative_to(PORTAL.parent)): lines
        for path in PORTAL.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    }
    assert too_long == {}


def test_no_route_handler_is_over_40_lines(app):
    too_long = {}
    for endpoint, view in app.view_functions.items():
        handler = inspect.unwrap(view)
        if not inspect.getsourcefile(handler).startswith(str(PORTAL)):
            continue  # Flask's own (static files)
        source = inspect.getsourcelines(handler)[0]
        # From its `def`: the route and permission decorators above it do not count.
        lines = len(source) - next(
            number for number, line in enumerate(source) if line.lstrip().startswith("def ")
        )
        if lines > HANDLER_LINES:
            too_long[endpoint] = lines
    assert too_long == {}
