"""The pages the benchmark measures: one entry per page, in the order they are reported.

A page is measured once its route (`rule`, exactly as in the app's url_map) exists; until then
it is reported as "not built yet", never with a figure. To measure a new page, add a Page here:
who opens it (`role`: "public", "provider", "reviewer", "commissioner" or "admin"), its route
and how to build its address for one signed-in person from what the seed made for them
(bench/seed/, SeedResult: a provider has organisation_id and application_id, a reviewer
application_id, an admin organisation_id).

Budgets (issue 18), CPU per request at 10x: provider pages and forms 4 ms; detail pages (review
page, competition page, results, a provider's returns) and lists (queue, documents,
competitions, opportunities, public providers) 6 ms; the KPI dashboard and reports 10 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

Person = dict[str, Any]

# The audit exports are measured up to yesterday: every export records an event of its own in
# the organisation's log (as a real one would), and without an end date each measured request,
# and each of the load run's thousands, would lengthen what the next one exports.
_YESTERDAY = date.today() - timedelta(days=1)
_TO_YESTERDAY = "".join(
    f"&date_to={part}" for part in (_YESTERDAY.day, _YESTERDAY.month, _YESTERDAY.year)
)

PAGE_MS, DETAIL_MS, LIST_MS, REPORT_MS = 4.0, 6.0, 6.0, 10.0
# Being signed in may cost this much more than the same page opened anonymously.
SIGNED_IN_OVERHEAD_MS = 0.5


@dataclass(frozen=True)
class Post:
    """A form posted again and again, as someone saving the same page would.

    `fields` are sent every time (the CSRF token is added). `changing` is a field given a new
    value on every post (its prefix, the person's number and a counter), so every post is a
    real change and a real write. When `version_field` is set, the form carries the version of
    what it changes (optimistic locking): the load script keeps each person's version, adding
    one after each save and reading it back from the page if a save is refused.
    """

    fields: dict[str, str]
    changing: tuple[str, str]
    version_field: str | None = None


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    rule: str
    path: Callable[[Person], str]
    post: Post | None = None
    expect: int = 200
    # CPU per request allowed (the portal's Python plus PostgreSQL's), in milliseconds, at 10x.
    budget_ms: float = 4.0
    # What the figure means, for the report.
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return "POST" if self.post else "GET"


QUESTION_RULE = "/applications/<int:application_id>/<slug:section>/<slug:page>"


def _question(person: Person) -> str:
    return f"/applications/{person['application_id']}/about/identity"


PAGES: list[Page] = [
    Page("Start page", "public", "/", lambda _p: "/"),
    Page("Provider home", "provider", "/home", lambda _p: "/home"),
    Page("Reviewer's home", "reviewer", "/home", lambda _p: "/home"),
    Page("Commissioner's home", "commissioner", "/home", lambda _p: "/home"),
    Page(
        "Documents needing attention (first page)",
        "reviewer",
        "/documents/attention",
        lambda _p: "/documents/attention",
        budget_ms=LIST_MS,
        note="The reviewers' list of current versions expired, expiring, due for review or not "
        "plainly clean, most urgent first: about 18,000 at 10x, 50 to a page",
    ),
    Page(
        "Application task list",
        "provider",
        "/applications/<int:application_id>",
        lambda p: f"/applications/{p['application_id']}",
    ),
    Page("Question page (GET)", "provider", QUESTION_RULE, _question),
    Page(
        "Question page (POST)",
        "provider",
        QUESTION_RULE,
        _question,
        post=Post(
            fields={"trading_name": "", "legal_form": "company", "action": "continue"},
            changing=("legal_name", "Bench Answer Ltd "),
            version_field="section_version",
        ),
        expect=302,
        note="Save and continue with a changed answer: a real write, then the redirect",
    ),
    Page(
        "Documents list",
        "provider",
        "/documents/organisations/<int:organisation_id>",
        lambda p: f"/documents/organisations/{p['organisation_id']}",
        budget_ms=LIST_MS,
    ),
    # Issue 6, reviews: measured as soon as these routes exist.
    Page(
        "Reviewers' queue (first page)",
        "reviewer",
        "/reviews",
        lambda _p: "/reviews",
        budget_ms=LIST_MS,
    ),
    Page(
        "Review page",
        "reviewer",
        "/reviews/<int:application_id>",
        lambda p: f"/reviews/{p['application_id']}",
        budget_ms=DETAIL_MS,
    ),
    Page(
        "Public providers list", "public", "/providers", lambda _p: "/providers", budget_ms=LIST_MS
    ),
    # Issue 7, competitions (seeded by bench/seed/competitions.py). The same route
    # gives council staff every competition and a provider the ones it was invited to.
    Page(
        "Competitions list",
        "commissioner",
        "/competitions",
        lambda _p: "/competitions",
        budget_ms=LIST_MS,
    ),
    Page(
        "Opportunities list",
        "provider",
        "/competitions",
        lambda _p: "/competitions",
        note="The provider's side of /competitions: what its organisation was invited to",
        budget_ms=LIST_MS,
    ),
    Page(
        "Competition page (20 bidders)",
        "commissioner",
        "/competitions/<int:competition_id>",
        lambda p: f"/competitions/{p['competition_id']}",
        note="After the deadline, evaluation complete: panel, counts and questions answered",
        budget_ms=DETAIL_MS,
    ),
    Page(
        "Competition results (20 ranked)",
        "commissioner",
        "/competitions/<int:competition_id>/results",
        lambda p: f"/competitions/{p['competition_id']}/results",
        note="Twenty quotes scored and ranked by the published rules",
        budget_ms=DETAIL_MS,
    ),
    # Issue 8, KPI returns (seeded by bench/seed/kpi_returns.py). The dashboard's
    # first page is 50 providers (PER_PAGE); `months=24` is its longest period.
    Page(
        "KPI dashboard (50 providers x 24 months)",
        "commissioner",
        "/kpi-returns/dashboard",
        lambda _p: "/kpi-returns/dashboard?months=24",
        note="Where each of the first 50 providers' returns stands for each of 24 months",
        budget_ms=REPORT_MS,
    ),
    Page(
        "Provider's KPI returns",
        "provider",
        "/kpi-returns/organisations/<int:organisation_id>",
        lambda p: f"/kpi-returns/organisations/{p['organisation_id']}",
        note="Every month the organisation owes (up to 24), open questions and escalations",
        budget_ms=DETAIL_MS,
    ),
    # Issue 16, call-off contracts (seeded by bench/seed/contracts.py: 2,400 contracts and about
    # 50,000 months of delivery and statements at 1x). The council's list and a provider's
    # contract page are measured once their routes exist; the spend report covers the current
    # financial year, every lot and team.
    Page(
        "Contracts list (council)",
        "commissioner",
        "/contracts",
        lambda _p: "/contracts",
        note="The first page of every contract, newest first",
        budget_ms=LIST_MS,
    ),
    Page(
        "Provider's contract page",
        "provider",
        "/contracts/<int:contract_id>",
        lambda p: f"/contracts/{p['contract_id']}",
        note="An active contract of the provider's with up to 24 months of delivery",
        budget_ms=DETAIL_MS,
    ),
    Page(
        "Spend report (financial year)",
        "commissioner",
        "/contracts/reports",
        lambda _p: "/contracts/reports",
        note="Committed and approved spend by month, lot and team; shares; outcomes; time to start",
        budget_ms=REPORT_MS,
    ),
    # Issue 17, referrals (seeded by bench/seed/referrals.py: 1,200 referrals at 1x, three
    # years of them): the time-to-place figures count every started referral.
    Page(
        "Referrals dashboard (time to place)",
        "commissioner",
        "/referrals/dashboard",
        lambda _p: "/referrals/dashboard",
        note="School days to start by lot, team and urgency over every placed referral; the "
        "open ones waiting longest",
        budget_ms=REPORT_MS,
    ),
    Page(
        "Referrals list (council)",
        "commissioner",
        "/referrals",
        lambda _p: "/referrals?status=open",
        note="The first page of open referrals, newest first",
        budget_ms=LIST_MS,
    ),
    # Issue 20, the audit log (administrators; sign-ins seeded by bench/seed_audit.py). Every
    # reading and export writes an event of its own, as it would for a real administrator.
    # Issue 18's budgets by kind: the log is a list, its exports are reports.
    Page(
        "Audit log (first page)",
        "admin",
        "/admin/audit",
        lambda _p: "/admin/audit",
        budget_ms=LIST_MS,
    ),
    Page(
        "Audit log, one organisation",
        "admin",
        "/admin/audit",
        lambda p: f"/admin/audit?organisation_id={p['organisation_id']}",
        budget_ms=LIST_MS,
        note="The newest 50 events about one provider: its applications, returns, decisions",
    ),
    Page(
        "Audit export, one organisation (CSV)",
        "admin",
        "/admin/audit/export",
        lambda p: f"/admin/audit/export?organisation_id={p['organisation_id']}{_TO_YESTERDAY}",
        budget_ms=REPORT_MS,
        note="Every event about one provider up to yesterday, streamed as CSV",
    ),
    Page(
        "Audit export, one organisation (XLSX)",
        "admin",
        "/admin/audit/export-xlsx",
        lambda p: f"/admin/audit/export-xlsx?organisation_id={p['organisation_id']}{_TO_YESTERDAY}",
        budget_ms=REPORT_MS,
        note="The same events as a spreadsheet",
    ),
    Page(
        "Reviewers' providers list",
        "reviewer",
        "/reviews/providers",
        lambda _p: "/reviews/providers",
        budget_ms=LIST_MS,
        note="The first 50 providers with an admission: their lots, documents' standing, DBS "
        "register, last KPI return and open escalations",
    ),
    Page(
        "Provider record page",
        "reviewer",
        "/reviews/providers/<int:organisation_id>",
        lambda p: f"/reviews/providers/{p['organisation_id']}",
        budget_ms=DETAIL_MS,
        note="One provider's whole record: admissions, documents, DBS flags, KPI trend, "
        "escalations, visits, meetings, actions, contracts, and its risk worked out live",
    ),
    Page(
        "Review meetings calendar",
        "reviewer",
        "/quality/meetings",
        lambda _p: "/quality/meetings",
        budget_ms=LIST_MS,
        note="Meetings due and overdue for every provider, by their kept risk ratings",
    ),
    # Issue 17, capacity (seeded by bench/seed/capacity.py).
    Page(
        "Capacity search (SEMH, confirmed)",
        "commissioner",
        "/capacity/search",
        lambda _p: "/capacity/search?needs=semh&confirmed_only=yes",
        note="Confirmed capacity supporting SEMH, most places first: the first page of 50",
        budget_ms=LIST_MS,
    ),
    Page(
        "Provider's capacity",
        "provider",
        "/capacity/organisations/<int:organisation_id>",
        lambda p: f"/capacity/organisations/{p['organisation_id']}",
        note="Each lot the provider is on, with what it published there",
        budget_ms=PAGE_MS,
    ),
]


# The overhead of being signed in: one page anyone can open, with no database work of its own,
# opened by the same provider signed in and by an anonymous visitor.
TRIVIAL = Page(
    "How call-offs are made (trivial page)",
    "provider",
    "/providers/how-call-offs-are-made",
    lambda _p: "/providers/how-call-offs-are-made",
)


def built(page: Page, rules: set[str]) -> bool:
    return page.rule in rules


def similar_rules(page: Page, rules: set[str]) -> list[str]:
    """Routes under the same first path segment: a hint when a page's rule has moved."""
    head = "/" + page.rule.strip("/").split("/", 1)[0]
    return sorted(r for r in rules if r == head or r.startswith(head + "/")) if head != "/" else []
