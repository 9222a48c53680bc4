"""The provider's email on a resubmission says it is one: the same words as the first
submission's told the organisation nothing new."""

from tests.applications import journey
from tests.reviews.test_decisions import decide, start_review
from tests.support.emails import emails_to
from tests.support.pages import page_errors


def test_a_resubmission_email_says_it_is_a_resubmission(
    reviewer_client, provider_client, provider, submitted
):
    [first] = [e for e in emails_to(provider.email) if "received" in e.subject]
    assert "resubmi" not in first.body.lower()
    start_review(reviewer_client, submitted)
    assert decide(reviewer_client, submitted, "return", {"reason": "Check it"}).status_code == 302

    resubmitted = journey.submit(provider_client, submitted)

    assert resubmitted.status_code == 302, page_errors(resubmitted)
    [again] = [e for e in emails_to(provider.email) if "received" in e.subject and e != first]
    reference = first.subject.split("(")[1].rstrip(")")
    assert again.subject == f"We have received your changed application ({reference})"
    assert "has resubmitted Organisation A Ltd's application" in again.body
    assert f"This is a resubmission: your reference number stays {reference}." in again.body
