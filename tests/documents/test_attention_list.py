"""The reviewers' list of documents needing attention: which current versions are on it, the
most urgent first, 50 to a page, each page in the same number of queries however long the list.

Documents are made directly in the database here: the list is about dates and states, which
uploading sixty files would not show any better (tests/documents/test_expiry.py uploads)."""

from __future__ import annotations

import itertools

from portal.core.db import db
from portal.core.time import utcnow
from portal.documents.models import (
    CLEAN,
    NOT_SCANNED,
    PENDING,
    REJECTED,
    Document,
    DocumentVersion,
    StoredFile,
)
from tests.documents.helpers import in_days
from tests.support import factories
from tests.support.pages import page_text, page_title, soup
from tests.support.queries import queries_for

_keys = itertools.count()


def add_document(organisation, title: str, *versions: dict) -> None:
    """A document with a version for each dict of the version's dates and its file's state."""
    document = Document(organisation_id=organisation.id, kind="other", title=title)
    for number, details in enumerate(versions or ({},), start=1):
        details = dict(details)
        stored = StoredFile(
            organisation_id=organisation.id,
            object_key=f"org/{organisation.id}/{next(_keys)}",
            original_filename="document.pdf",
            content_type="application/pdf",
            size_bytes=1000,
            sha256="0" * 64,
            scan_state=details.pop("scan_state", CLEAN),
            removed_reason=details.pop("removed_reason", None),
        )
        if stored.removed_reason:
            stored.removed_at = utcnow()
        document.versions.append(DocumentVersion(number=number, file=stored, **details))
    db.session.add(document)
    db.session.commit()


def listed(response) -> list[tuple[str, str]]:
    """(document, status) for each row of the list."""
    return [
        (
            row.select_one("td:nth-of-type(2) a").get_text(strip=True),
            row.select_one("td:nth-of-type(4)").get_text(strip=True),
        )
        for row in soup(response).select("tbody tr")
    ]


def test_current_versions_needing_attention_are_listed_most_urgent_first(
    reviewer_client, organisation
):
    add_document(organisation, "In date", {"expiry_date": in_days(200)})
    add_document(organisation, "Replaced", {"expiry_date": in_days(-5)}, {})
    add_document(organisation, "Not soon", {"expiry_date": in_days(61)})
    add_document(organisation, "Unscanned", {"scan_state": NOT_SCANNED})
    add_document(organisation, "Overdue", {"review_date": in_days(-1)})
    add_document(organisation, "Soon", {"expiry_date": in_days(60)})
    add_document(organisation, "Waiting", {"scan_state": PENDING})
    add_document(organisation, "Expired", {"expiry_date": in_days(-1)})
    add_document(organisation, "Deleted", {"removed_reason": "retention"})
    add_document(organisation, "Missing", {"removed_reason": "missing"})
    add_document(organisation, "Virus", {"scan_state": REJECTED, "removed_reason": "virus"})
    add_document(
        organisation, "Waiting and expired", {"scan_state": PENDING, "expiry_date": in_days(-1)}
    )
    add_document(organisation, "Expired long ago", {"expiry_date": in_days(-400)}, {})
    add_document(organisation, "Expired now", {}, {"expiry_date": in_days(-1)})

    response = reviewer_client.get("/documents/attention")

    assert listed(response) == [
        ("Expired", "Expired"),
        ("Missing", "File missing"),
        ("Virus", "Virus found"),
        ("Waiting and expired", "Expired"),
        ("Expired now", "Expired"),
        ("Soon", "Expires soon"),
        ("Overdue", "Review overdue"),
        ("Waiting", "Waiting for virus check"),
        ("Unscanned", "Not scanned"),
        ("Deleted", "File deleted"),
    ]
    assert "10 documents." in page_text(response)
    assert soup(response).select_one(".govuk-pagination") is None


def _providers_with_an_expired_document(count: int, start: int = 0) -> None:
    owner = factories.make_user(f"owner{start}@example.org")
    for number in range(start, start + count):
        organisation = factories.make_organisation(owner, legal_name=f"Provider {number:03}")
        add_document(organisation, f"Insurance {number:03}", {"expiry_date": in_days(-1)})


def test_fifty_to_a_page_each_in_the_same_number_of_queries(app, reviewer_client):
    _providers_with_an_expired_document(3)
    queries_for_a_short_list = queries_for(app, reviewer_client, "/documents/attention")
    _providers_with_an_expired_document(57, start=3)

    first = reviewer_client.get("/documents/attention")
    second = reviewer_client.get("/documents/attention?page=2")

    assert [title for title, _status in listed(first)] == [
        f"Insurance {number:03}" for number in range(50)
    ]
    assert [title for title, _status in listed(second)] == [
        f"Insurance {number:03}" for number in range(50, 60)
    ]
    assert "Showing 1 to 50 of 60 documents." in page_text(first)
    assert "Showing 51 to 60 of 60 documents." in page_text(second)
    assert page_title(second).startswith("Documents needing attention (page 2 of 2)")
    assert soup(first).select_one(".govuk-pagination__next a")["href"] == (
        "/documents/attention?page=2"
    )
    assert soup(second).select_one(".govuk-pagination__prev a")["href"] == (
        "/documents/attention?page=1"
    )
    for url in ("/documents/attention", "/documents/attention?page=2"):
        assert queries_for(app, reviewer_client, url) == queries_for_a_short_list


def test_a_page_past_the_end_shows_the_last_and_nonsense_the_first(app, reviewer_client):
    _providers_with_an_expired_document(51)

    past_the_end = reviewer_client.get("/documents/attention?page=7")
    nonsense = reviewer_client.get("/documents/attention?page=two")

    assert listed(past_the_end) == [("Insurance 050", "Expired")]
    assert len(listed(nonsense)) == 50
