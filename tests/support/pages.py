"""Reading pages as a user would: the heading, the error summary, field values, links."""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from bs4 import BeautifulSoup

# Each response parsed once: a test reads several things from one page (its heading, its errors,
# each field's value), and parsing was a fifth of the suite's CPU, most of it the same page again.
# A response's body does not change once it is returned, and no test changes a parsed page.
_parsed: WeakKeyDictionary = WeakKeyDictionary()


def soup(response) -> BeautifulSoup:
    parsed = _parsed.get(response)
    if parsed is None:
        parsed = _parsed[response] = BeautifulSoup(response.get_data(as_text=True), "lxml")
    return parsed


def page_h1(response) -> str:
    return soup(response).h1.get_text(" ", strip=True)


def page_title(response) -> str:
    return soup(response).title.get_text(strip=True)


def page_errors(response) -> dict[str, str]:
    """The error summary as {field id: message}; {} when there is none."""
    summary = soup(response).select_one(".govuk-error-summary")
    if summary is None:
        return {}
    return {
        link["href"].lstrip("#"): link.get_text(" ", strip=True)
        for link in summary.select(".govuk-error-summary__list a")
    }


def field_value(response, name: str) -> str | None:
    field = soup(response).find(attrs={"name": name})
    if field is None:
        return None
    if field.name == "textarea":
        return field.get_text()
    return field.get("value")


def page_text(response) -> str:
    return re.sub(r"\s+", " ", soup(response).get_text(" ", strip=True))


def banner_text(response) -> str:
    banners = soup(response).select(".govuk-notification-banner")
    return " ".join(b.get_text(" ", strip=True) for b in banners)
