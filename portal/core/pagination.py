"""Long lists, a page at a time, with the GOV.UK pagination component's links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import request, url_for

from portal.core.numbers import whole_number

PER_PAGE = 50


def page_number(value: str | None) -> int:
    """The page asked for in the query string: 1 for anything that is not a positive number."""
    return whole_number(value) or 1


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, which page it is and how many items there are in all."""

    items: Sequence[Any]
    number: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_item(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_item(self) -> int:
        return min(self.number * self.per_page, self.total)

    def numbers(self) -> list[int | None]:
        """The page numbers to link to: the first, the last and those either side of this one,
        None where some are left out (the Design System's ellipsis)."""
        shown = sorted(
            {1, self.pages, *range(max(1, self.number - 1), min(self.pages, self.number + 1) + 1)}
        )
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers

    def govuk_params(self) -> dict[str, Any]:
        """Parameters for govukPagination, linking to the same page of results with the same
        query string (filters and search) and another page number."""
        params: dict[str, Any] = {
            "items": [
                {"ellipsis": True}
                if number is None
                else {"number": number, "href": _url(number), "current": number == self.number}
                for number in self.numbers()
            ]
        }
        if self.number > 1:
            params["previous"] = {"href": _url(self.number - 1)}
        if self.number < self.pages:
            params["next"] = {"href": _url(self.number + 1)}
        return params


def offset_of(number: int, total: int, per_page: int = PER_PAGE) -> tuple[int, int]:
    """The page to show (a number past the end shows the last page) and its first row."""
    last = max(1, -(-total // per_page))
    number = min(number, last)
    return number, (number - 1) * per_page


def rows_and_total(
    number: int,
    read: Callable[[int], Sequence[Any]],
    count: Callable[[], int],
    per_page: int = PER_PAGE,
) -> tuple[Sequence[Any], int, int]:
    """Page `number` of a list whose page's statement carries how many there are in all on
    each row, in a column named `total` (a scalar subquery: a statement of its own for the
    count cost a list about as much of the database's CPU as its page). `read(first)` reads the
    page from its first row; `count()` counts alone, asked only when a page past the end comes
    back empty (it has no row to carry the total), and then the last page is read. Returns the
    rows, the page's number (the last for one past the end) and the total."""
    first = (number - 1) * per_page
    rows = read(first)
    if rows:
        return rows, number, rows[0].total
    total = count() if first else 0
    number, first = offset_of(number, total, per_page)
    if total:
        rows = read(first)
    return rows, number, total


def _url(number: int) -> str:
    args: dict[str, Any] = request.args.to_dict(flat=False)
    args["page"] = [str(number)]
    assert request.endpoint is not None  # a page of results is always a route's
    return url_for(request.endpoint, **(request.view_args or {}), **args)
