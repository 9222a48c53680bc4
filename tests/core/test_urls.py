"""UrlPattern gives the address url_for gives, for any id, having called url_for once."""

from __future__ import annotations

import pytest
from flask import url_for

from portal.core.urls import MAX_ID, UrlPattern


@pytest.mark.parametrize(
    ("endpoint", "name", "values"),
    [
        ("kpi_returns.staff_return", "return_id", {}),
        ("kpi_returns.provider", "organisation_id", {}),
        ("competitions.attachment", "competition_attachment_id", {"competition_id": 7}),
        ("competitions.attachment", "competition_id", {"competition_attachment_id": 7}),
    ],
)
def test_the_pattern_gives_url_fors_address(app, endpoint, name, values):
    with app.test_request_context():
        pattern = UrlPattern(endpoint, name, **values)
        for value in (1, 7, 10, 2147, MAX_ID):
            assert pattern(value) == url_for(endpoint, **values, **{name: value})


def test_an_address_it_cannot_tell_apart_is_refused(app):
    with app.test_request_context(), pytest.raises(ValueError, match="not an <int:...> part"):
        UrlPattern("competitions.attachment", "competition_attachment_id", competition_id=MAX_ID)


@pytest.mark.parametrize(
    ("endpoint", "names", "values"),
    [
        ("documents.show", ("organisation_id", "document_id"), {}),
        ("documents.show", ("document_id", "organisation_id"), {}),
        ("competitions.attachment", ("competition_attachment_id", "competition_id"), {}),
        ("kpi_returns.provider", ("organisation_id",), {"months": 12}),
    ],
)
def test_the_pattern_of_several_ids_gives_url_fors_address(app, endpoint, names, values):
    with app.test_request_context():
        pattern = UrlPattern(endpoint, *names, **values)
        for pair in [(1, 2), (7, 7), (10, 2147), (MAX_ID, 1), (3, MAX_ID - 1)]:
            ids = pair[: len(names)]
            assert pattern(*ids) == url_for(
                endpoint, **values, **dict(zip(names, ids, strict=True))
            )


def test_an_id_given_twice_in_the_address_is_refused(app):
    with app.test_request_context(), pytest.raises(ValueError, match="not an <int:...> part"):
        UrlPattern("documents.show", "organisation_id", document_id=MAX_ID)
