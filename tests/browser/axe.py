"""Accessibility checks with axe-core, and a guard that every page a test loads was checked."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import Flask, send_file
from playwright.sync_api import Page

from portal.config import PROJECT_ROOT
from portal.core.permissions import public

AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Where the browser tests' servers serve it (`serve_axe`).
AXE_PATH = "/test-only/axe.min.js"
# WCAG 2.2 AA, which public sector websites must meet, and axe's best practices.
RULESETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# WCAG 2.5.3 (label in name), which axe ships as experimental and leaves off unless asked: a
# control whose accessible name does not contain its visible words cannot be used by voice.
EXPERIMENTAL_RULES = ["label-content-name-mismatch"]

# Runs first in every document the tab loads. The browser keeps the record (in the tab's session
# storage), so it cannot race with Playwright's events: a page still pending when the next loads
# was never checked.
_TRACK_DOCUMENTS = """
if (window === window.top && location.protocol.startsWith('http')) {
  const pending = sessionStorage.getItem('axe-pending');
  if (pending) {
    const missed = JSON.parse(sessionStorage.getItem('axe-missed') || '[]');
    sessionStorage.setItem('axe-missed', JSON.stringify([...missed, pending]));
  }
  sessionStorage.setItem('axe-pending', location.href);
}
"""


def serve_axe(app: Flask) -> None:
    """Serve axe-core from `app`, an app the browser tests serve: a script the browser fetches
    from an address it may cache is compiled once and its compiled code kept, where the same
    500 KB added inline to every page was sent and compiled each time (about 30 ms against 70
    a page, over about 470 pages). Being the page's own origin, it also passes the portal's
    Content Security Policy, which the tabs therefore keep."""

    @public
    def axe_script():
        response = send_file(AXE_SCRIPT, mimetype="text/javascript", max_age=3600)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    app.add_url_rule(AXE_PATH, "test_only_axe_script", axe_script)


def check_accessibility(page: Page) -> None:
    """Run axe-core on the page as it is now and fail, naming each violation, if it finds any."""
    # A click that navigates returns once the new document is committed, which can be before it
    # has a <head> to add axe to: wait for it to finish loading, so every caller is safe.
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=urljoin(page.url, AXE_PATH))
    # Only the violations come back: the whole result also lists every rule that passed or did
    # not apply (about 90 rules' descriptions and links), which the browser, Playwright's
    # driver and Python would otherwise pass along and parse for every page.
    violations = page.evaluate(
        """([rulesets, experimental]) => axe.run(document, {
             runOnly: rulesets,
             rules: Object.fromEntries(experimental.map(rule => [rule, {enabled: true}])),
             resultTypes: ['violations'],
           }).then(results => results.violations)""",
        [RULESETS, EXPERIMENTAL_RULES],
    )
    violations = _without_known_exceptions(violations)
    assert not violations, _describe(page.url, violations)
    page.evaluate("sessionStorage.removeItem('axe-pending')")


def track_checks(page: Page) -> None:
    """Record each page `page` loads, for `unchecked_pages`."""
    page.add_init_script(_TRACK_DOCUMENTS)


def unchecked_pages(page: Page) -> list[str]:
    """The URLs of pages loaded since `track_checks` that `check_accessibility` never saw."""
    return page.evaluate(
        """location.protocol.startsWith('http')
          ? [...JSON.parse(sessionStorage.getItem('axe-missed') || '[]'),
             sessionStorage.getItem('axe-pending')].filter(Boolean)
          : []"""
    )


def _without_known_exceptions(violations: list[dict]) -> list[dict]:
    """Drop only the Design System's known exception: GOV.UK Frontend puts aria-expanded on a
    radio that reveals a conditional question, which axe's aria-allowed-attr rule refuses. The
    Design System keeps it on purpose because some screen readers announce it
    (alphagov/govuk-frontend#979), so we keep it too and accept exactly that, nothing wider."""
    kept = []
    for violation in violations:
        if violation["id"] == "aria-allowed-attr":
            nodes = [node for node in violation["nodes"] if not _is_revealing_radio(node)]
            if not nodes:
                continue
            violation = violation | {"nodes": nodes}
        kept.append(violation)
    return kept


def _is_revealing_radio(node: dict) -> bool:
    html = node["html"]
    return (
        "govuk-radios__input" in html
        and "aria-controls=" in html
        and "aria-expanded" in node["failureSummary"]
        and all("aria-expanded" in check["message"] for check in node["any"] + node["all"])
    )


def _describe(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} accessibility problem(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  at {' '.join(map(str, node['target']))}")
            lines.extend(f"    {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)
