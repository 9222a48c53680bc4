"""A control character in any field of a reviewer's forms is refused with a clear message and
changes nothing (PostgreSQL refuses NUL in text: run this on PostgreSQL too)."""

import pytest

from portal.applications.models import Application
from portal.core.db import db
from tests.core.test_bad_values import REFUSED_FIELD, REFUSED_PAGE, _form_on
from tests.reviews.test_decisions import start_review
from tests.support.pages import page_errors, page_h1


@pytest.mark.parametrize("page", ["return", "approve", "reject", "note", "questions/phone/comment"])
def test_every_review_form_refuses_control_characters(reviewer_client, submitted, page):
    start_review(reviewer_client, submitted)  # in review
    url = f"/reviews/{submitted}/{page}"
    fields = _form_on(reviewer_client.get(url), url)
    assert fields

    for confirm in ({}, {"confirm": ["yes"]}):
        response = reviewer_client.post(url, data={**fields, **confirm})
        if response.status_code == 400:
            assert page_h1(response) == REFUSED_PAGE
        else:
            errors = page_errors(response)
            assert errors and all(REFUSED_FIELD in m for m in errors.values()), errors
    db.session.expire_all()
    assert db.session.get(Application, submitted).status == "in_review"
