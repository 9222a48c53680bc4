"""Quality, one blueprint for both sides, one module per part."""

from portal.quality.views import meetings, risk
from portal.quality.views.shared import bp

__all__ = ["bp", "meetings", "risk"]
