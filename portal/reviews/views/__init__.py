"""The reviewers' pages, one blueprint at /reviews: applications in review (`applications`) and
the providers on the framework with their admissions (`providers`)."""

from portal.reviews.views import applications, providers  # noqa: F401 (their routes join bp)
from portal.reviews.views.shared import bp

__all__ = ["bp"]
