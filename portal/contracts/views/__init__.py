"""Call-off contracts, one blueprint for both sides, one module per stage: the contract itself
(`contracts`), delivery and statements (`delivery`), outcomes (`outcomes`) and the council's
reports (`reports`)."""

from portal.contracts.views import delivery  # noqa: F401 (its routes join bp)
from portal.contracts.views.shared import bp

__all__ = ["bp"]
