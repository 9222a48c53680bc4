"""The app's settings changed for a while, so the demo can make something happen as it would
have (a scanner away, a mail relay that refuses), with the warnings expected kept quiet."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app

_ABSENT = object()


@contextmanager
def settings_for_a_while(
    quiet: logging.Logger | None = None, quiet_below: int = logging.CRITICAL, **settings: Any
) -> Iterator[None]:
    """Run the block with these app settings, and with `quiet` telling of nothing below
    `quiet_below`; both are put back as they were afterwards, even after an error."""
    config = current_app.config
    saved = {name: config.get(name, _ABSENT) for name in settings}
    level = quiet.level if quiet else logging.NOTSET
    config.update(settings)
    if quiet:
        quiet.setLevel(quiet_below)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is _ABSENT:
                config.pop(name, None)
            else:
                config[name] = value
        if quiet:
            quiet.setLevel(level)
