"""Quality, one blueprint for both sides, one module per part: the /quality page (`index`),
visits and their findings (`visits`), the action plan (`actions`), review meetings
(`meetings`) and the published risk rule (`risk`)."""

from portal.quality.views import actions, index, meetings, risk, visits
from portal.quality.views.shared import bp

__all__ = ["actions", "bp", "index", "meetings", "risk", "visits"]
