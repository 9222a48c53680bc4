"""Mini-competitions and placement requests, one blueprint for both sides: the pages both open
(`shared`), the council's (`council`) and the provider's (`provider`)."""

from portal.competitions.views import council, provider  # noqa: F401 (their routes join bp)
from portal.competitions.views.shared import bp

__all__ = ["bp"]
