"""Call-off contracts, one blueprint for both sides, one module per stage: the contract itself
(`contracts`, with the commissioner's pages for it in `council`), delivery and statements
(`delivery`), outcomes (`outcomes`) and the council's reports (`reports`)."""

from portal.contracts.views import contracts, council, delivery, outcomes, reports
from portal.contracts.views.shared import bp

__all__ = ["bp", "contracts", "council", "delivery", "outcomes", "reports"]
