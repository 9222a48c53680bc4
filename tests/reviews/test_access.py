"""Who reaches the reviewers' pages for a submitted application (the permission matrix asks with
a draft, which the council never sees), and the emails a submission sends the reviewers."""

from __future__ import annotations

from tests.reviews.test_decisions import start_review
from tests.support.emails import emails_to

PAGES = [
    ("GET", ""),
    ("GET", "/{id}"),
    ("GET", "/{id}/approve"),
    ("GET", "/{id}/return"),
    ("GET", "/{id}/reject"),
    ("GET", "/{id}/note"),
    ("GET", "/{id}/questions/phone/comment"),
    ("POST", "/{id}/start"),
    ("POST", "/{id}/approve"),
    ("POST", "/{id}/assign"),
    ("POST", "/{id}/confirm-approval"),
]


def _status(client, method: str, path: str, application_id: int) -> int:
    url = "/reviews" + path.format(id=application_id)
    return client.open(url, method=method, data={}).status_code


def test_providers_get_404_and_commissioners_403_on_every_reviewer_page(
    provider_client, other_provider_client, commissioner_client, submitted
):
    for method, path in PAGES:
        assert _status(provider_client, method, path, submitted) == 404, path
        assert _status(other_provider_client, method, path, submitted) == 404, path
        assert _status(commissioner_client, method, path, submitted) == 403, path


def test_reviewers_and_admins_read_a_submitted_application(
    reviewer_client, admin_client, submitted
):
    start_review(reviewer_client, submitted)  # the decision pages open once a review starts
    for client in (reviewer_client, admin_client):
        for method, path in PAGES:
            if method == "GET":
                assert _status(client, method, path, submitted) == 200, path


def test_a_draft_is_not_there_for_the_council(reviewer_client, draft):
    assert reviewer_client.get(f"/reviews/{draft}").status_code == 404


def test_a_first_submission_emails_every_reviewer(reviewer, second_reviewer, submitted):
    for user in (reviewer, second_reviewer):
        (email,) = emails_to(user.email)
        assert email.subject.startswith("New application to review (FLSF-")
        assert f"/reviews/{submitted}" in email.body
