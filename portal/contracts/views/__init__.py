"""Call-off contracts, one blueprint for both sides, one module per stage: the contract itself
(`contracts`), delivery and statements (`delivery`), outcomes (`outcomes`) and the council's
reports (`reports`)."""

from portal.contracts.views import reports  # noqa: F401 - its routes on the blueprint
from portal.contracts.views.shared import bp

__all__ = ["bp"]
