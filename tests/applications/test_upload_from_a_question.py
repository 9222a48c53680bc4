"""An upload started from an evidence question ("Upload a new ...") comes back to that question
with the new document chosen, rather than leaving the provider on the document's page. The
way back is checked: only the organisation's own application question pages that ask for the
kind uploaded, never another site."""

from urllib.parse import quote

import pytest
from sqlalchemy import select

from portal.core.db import db
from portal.documents.models import Document
from tests.applications.helpers import CONTENT, page_url, publish, save, start
from tests.documents import corpus
from tests.documents.helpers import FIELDS, date_parts, in_days, post_file
from tests.support.pages import page_errors, page_text, soup

EVIDENCE = CONTENT / "evidence.yaml"
SECTION, PAGE, QUESTION = "safeguarding", "policy", "safeguarding_document"


@pytest.fixture
def draft(provider_client, organisation, admin) -> int:
    publish(EVIDENCE, admin)
    return start(provider_client, organisation)


def _upload_at(client, url: str, kind: str = "safeguarding_policy"):
    return post_file(client, url, FIELDS[kind](), "policy.pdf", corpus.GOOD["policy.pdf"]())


def _only_document() -> Document:
    db.session.rollback()
    [document] = db.session.scalars(select(Document)).all()
    return document


def test_an_upload_from_the_question_returns_to_it_with_the_document_chosen(provider_client, draft):
    question = provider_client.get(page_url(draft, SECTION, PAGE))
    link = soup(question).find("a", string="Upload a new safeguarding and child protection policy")
    form = provider_client.get(link["href"])
    assert soup(form).select_one(".govuk-back-link")["href"] == (
        f"{page_url(draft, SECTION, PAGE)}#{QUESTION}"
    )
    action = soup(form).select_one("form[enctype]")["action"]

    response = _upload_at(provider_client, action)

    version = _only_document().current
    assert response.status_code == 302, page_errors(response)
    assert response.location == (
        f"{page_url(draft, SECTION, PAGE)}?document={version.id}#{QUESTION}"
    )
    back = provider_client.get(response.location)
    assert "has been uploaded and chosen below" in page_text(back)
    chosen = soup(back).select_one(f"input[name='{QUESTION}'][checked]")
    assert chosen["value"] == str(version.id)


# Ways back that must not be followed: the upload ends on the document's own page.
REFUSED = [
    "https://attacker.example/applications/1/safeguarding/policy",
    "//attacker.example/applications/1/safeguarding/policy",
    "/\\attacker.example",
    "javascript:alert(1)",
    "/documents",  # on this site, but not a question page
    "{draft_page}?next=https://attacker.example",  # the question page with more on it
    "{other_page}",  # another organisation's application
    "/applications/{draft}/about/identity",  # a page that asks for no document
]


def test_only_the_organisations_own_question_page_is_a_way_back(
    provider_client, other_provider_client, other_organisation, organisation, draft
):
    other = start(other_provider_client, other_organisation)
    own = page_url(draft, SECTION, PAGE)
    cases = [(own, True)] + [
        (r.format(draft=draft, draft_page=own, other_page=page_url(other, SECTION, PAGE)), False)
        for r in REFUSED
    ]
    for return_to, followed in cases:
        url = (
            f"/documents/organisations/{organisation.id}/upload?kind=safeguarding_policy"
            f"&return_to={quote(return_to, safe='')}&question={QUESTION}"
        )
        form = provider_client.get(url)
        assert ("return_to" in soup(form).select_one("form[enctype]")["action"]) is followed

        response = _upload_at(provider_client, url)

        assert response.status_code == 302, page_errors(response)
        db.session.rollback()
        document = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
        on_its_page = f"/documents/organisations/{organisation.id}/{document.id}"
        assert (response.location != on_its_page) is followed, return_to


def test_a_way_back_to_a_question_for_another_kind_is_ignored(provider_client, organisation, draft):
    url = (
        f"/documents/organisations/{organisation.id}/upload?kind=insurance_certificate"
        f"&return_to={quote(page_url(draft, SECTION, PAGE), safe='')}&question={QUESTION}"
    )

    response = _upload_at(provider_client, url, kind="insurance_certificate")

    document = _only_document()
    assert response.location == f"/documents/organisations/{organisation.id}/{document.id}"


def _insurance_draft(client, organisation, admin) -> int:
    publish(CONTENT / "insurance.yaml", admin)
    draft = start(client, organisation)
    ends = in_days(300)
    answers = {"pl_cover": "5 million"} | dict(
        zip(("pl_expiry-day", "pl_expiry-month", "pl_expiry-year"), date_parts(ends), strict=True)
    )
    assert save(client, draft, "insurance", "public_liability", answers).status_code == 302
    return draft


def _certificate_form(client, draft):
    question = client.get(page_url(draft, "insurance", "certificate"))
    link = soup(question).find("a", string="Upload a new insurance certificate")
    return client.get(link["href"])


def _values(response, name: str) -> list[str]:
    return [i.get("value", "") for i in soup(response).select(f"input[name='{name}']")]


def test_an_insurance_certificate_starts_with_the_cover_already_answered(
    provider_client, organisation, admin
):
    """Asked once: the cover and the date the policy ends, given in the application, fill the
    certificate's upload form; the provider checks them and uploads."""
    draft = _insurance_draft(provider_client, organisation, admin)

    form = _certificate_form(provider_client, draft)

    ends = in_days(300)
    assert [int(part) for part in _values(form, "expiry_date")] == [ends.day, ends.month, ends.year]
    assert _values(form, "cover_amount") == ["£5,000,000"]
    checked = soup(form).select_one("input[name='cover_type'][checked]")
    assert checked["value"] == "public_liability"
    assert (
        "We have filled in type of insurance, amount of cover and expiry date from your "
        "application. Check they match the document" in page_text(form)
    )

    action = soup(form).select_one("form[enctype]")["action"]
    data = {"cover_type": "public_liability", "cover_amount": "£5,000,000"} | {
        "expiry_date": date_parts(ends)
    }
    response = post_file(provider_client, action, data, "policy.pdf", corpus.GOOD["policy.pdf"]())

    assert response.status_code == 302, page_errors(response)
    version = _only_document().current
    assert (version.cover_amount_pence, version.expiry_date) == (500_000_000, ends)


def test_what_the_provider_types_over_a_filled_detail_is_kept(provider_client, organisation, admin):
    """The filled details only start the form: a correction typed on the upload page is what is
    shown again when the page has a problem, and what is stored."""
    draft = _insurance_draft(provider_client, organisation, admin)
    action = soup(_certificate_form(provider_client, draft)).select_one("form[enctype]")["action"]
    corrected = {"cover_type": "public_liability", "cover_amount": "£10,000,000"}

    refused = post_file(
        provider_client,
        action,
        corrected | {"expiry_date": ["31", "2", "2031"]},
        "policy.pdf",
        corpus.GOOD["policy.pdf"](),
    )

    assert refused.status_code == 200
    assert _values(refused, "cover_amount") == ["£10,000,000"]
    assert _values(refused, "expiry_date") == ["31", "2", "2031"]
    assert "We have filled in" not in page_text(refused)
    assert db.session.scalars(select(Document)).all() == []


def test_an_upload_started_elsewhere_is_not_filled_in(provider_client, organisation, admin):
    _insurance_draft(provider_client, organisation, admin)

    form = provider_client.get(
        f"/documents/organisations/{organisation.id}/upload?kind=insurance_certificate"
    )

    assert _values(form, "cover_amount") == [""]
    assert soup(form).select_one("input[name='cover_type'][checked]") is None
