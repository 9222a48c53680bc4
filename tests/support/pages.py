"""Reading pages as a user would: the heading, the error summary, field values, links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from weakref import WeakKeyDictionary

import lxml.html
from bs4 import BeautifulSoup

# Each response parsed once: a test reads several things from one page (its heading, its errors,
# each field's value), and parsing was a fifth of the suite's CPU, most of it the same page again.
# A response's body does not change once it is returned, and no test changes a parsed page.
_parsed: WeakKeyDictionary = WeakKeyDictionary()
_trees: WeakKeyDictionary = WeakKeyDictionary()


def soup(response) -> BeautifulSoup:
    """The page as Beautiful Soup, for a test that looks for something of its own."""
    parsed = _parsed.get(response)
    if parsed is None:
        parsed = _parsed[response] = BeautifulSoup(response.get_data(as_text=True), "lxml")
    return parsed


# The readers below walk lxml's tree of the page rather than Beautiful Soup's: both come from
# the same parser (libxml2), but Beautiful Soup builds a Python object for every element and
# string of the page, which cost a tenth of the suite's CPU for the few things these read. They
# give what Beautiful Soup's get_text gave, character for character: the page's strings in
# order, without those of scripts, styles, templates and comments.
def _tree(response) -> lxml.html.HtmlElement:
    tree = _trees.get(response)
    if tree is None:
        # lxml refuses an empty document, which Beautiful Soup read as a page with no text.
        html = response.get_data(as_text=True) or "<html></html>"
        tree = _trees[response] = lxml.html.document_fromstring(html)
    return tree


# Strings Beautiful Soup's get_text leaves out, by the element they are in.
_NOT_TEXT = frozenset({"script", "style", "template", "rt", "rp"})


def _strings(element) -> Iterator[str]:
    """The text of `element` in document order, as Beautiful Soup's get_text finds it: a
    comment's text is not shown (lxml gives comments a function as their tag)."""
    if not isinstance(element.tag, str) or element.tag in _NOT_TEXT:
        return
    if element.text:
        yield element.text
    for child in element:
        yield from _strings(child)
        if child.tail:
            yield child.tail


def _text(element, separator: str = " ") -> str:
    """Beautiful Soup's `get_text(separator, strip=True)`."""
    return separator.join(s for s in (s.strip() for s in _strings(element)) if s)


def _with_class(name: str) -> str:
    """An XPath test for an element with `name` among its classes, as CSS's `.name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_ERROR_SUMMARY = f"//*[{_with_class('govuk-error-summary')}]"
_ERROR_LINKS = f".//*[{_with_class('govuk-error-summary__list')}]//a"
_BANNERS = f"//*[{_with_class('govuk-notification-banner')}]"


def page_h1(response) -> str:
    return _text(_tree(response).find(".//h1"))


def page_title(response) -> str:
    return _text(_tree(response).find(".//title"), "")


def page_errors(response) -> dict[str, str]:
    """The error summary as {field id: message}; {} when there is none."""
    summaries = _tree(response).xpath(_ERROR_SUMMARY)
    if not summaries:
        return {}
    return {
        link.attrib["href"].lstrip("#"): _text(link) for link in summaries[0].xpath(_ERROR_LINKS)
    }


def field_value(response, name: str) -> str | None:
    fields = _tree(response).xpath("//*[@name = $name]", name=name)
    if not fields:
        return None
    if fields[0].tag == "textarea":
        return "".join(_strings(fields[0]))
    return fields[0].get("value")


def page_text(response) -> str:
    return re.sub(r"\s+", " ", _text(_tree(response)))


def banner_text(response) -> str:
    return " ".join(_text(banner) for banner in _tree(response).xpath(_BANNERS))
