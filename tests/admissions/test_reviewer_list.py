"""The reviewers' list of providers: every organisation with an admission, its lots and their
status, document and DBS flags, filterable, paginated, exported as CSV, in a fixed number of
queries."""

from __future__ import annotations

from datetime import timedelta

from portal.admissions.models import REMOVED, SUSPENDED
from portal.core.db import db
from portal.core.extensions import object_store
from portal.core.time import clock_set_to, format_date, today, utcnow
from portal.documents.models import INSURANCE, Document, DocumentVersion, StoredFile
from portal.staff_checks.models import StaffCheck
from tests.conftest import signed_in
from tests.support import factories
from tests.support.exports import read_csv
from tests.support.pages import page_h1, page_text, soup
from tests.support.queries import queries_for


def organisation(name: str, **details):
    owner = factories.make_user(f"owner@{name.lower().replace(' ', '-')}.example.org")
    return factories.make_organisation(owner, legal_name=name, **details)


def record_document(organisation, kind: str, title: str, expiry_date=None) -> Document:
    """A document on record (its file is never read, so none is written to the store)."""
    stored = StoredFile(
        organisation_id=organisation.id,
        purpose="document",
        object_key=object_store.document_key(organisation.id),
        original_filename="file.pdf",
        content_type="application/pdf",
        size_bytes=100,
        sha256="0" * 64,
        scan_state="clean",
    )
    document = Document(organisation_id=organisation.id, kind=kind, title=title)
    document.versions.append(DocumentVersion(number=1, file=stored, expiry_date=expiry_date))
    db.session.add(document)
    db.session.commit()
    return document


def record_person(organisation, name: str, **details) -> StaffCheck:
    check = StaffCheck(organisation_id=organisation.id, full_name=name, job_role="Tutor", **details)
    db.session.add(check)
    db.session.commit()
    return check


def well_checked(organisation, name: str) -> StaffCheck:
    return record_person(
        organisation,
        name,
        regulated_activity=True,
        check_level="enhanced_barred",
        issue_date=today() - timedelta(days=30),
        right_to_work_checked=True,
        references_received=True,
        training_level="2",
        training_date=today() - timedelta(days=30),
    )


def rows(response) -> dict[str, list[str]]:
    return {
        row.td.a.get_text(strip=True): [td.get_text(" ", strip=True) for td in row.select("td")]
        for row in soup(response).select("tbody tr")
    }


def test_the_list_shows_each_provider_with_its_lots_and_flags(reviewer_client, app_ctx):
    oak = organisation("Oak Tutoring", is_sme=True, is_vcse=False, is_local=True)
    factories.admit(oak, "mentoring", documents=False)
    factories.admit(oak, "online-tuition", status=SUSPENDED, reason="Late KPIs")
    record_document(oak, INSURANCE, "Public liability 2026", today() - timedelta(days=1))
    record_document(oak, "other", "Brochure")
    well_checked(oak, "Jo Tutor")
    record_person(oak, "Sam Newstarter")
    elm = organisation("Elm Trust", is_sme=False, is_vcse=True, is_local=False)
    factories.admit(elm, "mentoring", status=REMOVED, reason="Closed")
    well_checked(elm, "Kim Mentor")
    organisation("Applicant Only Ltd")

    page = reviewer_client.get("/reviews/providers")
    assert page.status_code == 200
    assert page_h1(page) == "Providers"
    listed = rows(page)
    assert list(listed) == ["Elm Trust", "Oak Tutoring"]
    oak_row = listed["Oak Tutoring"]
    assert oak_row[0] == "Oak Tutoring SME, local"
    assert oak_row[1] == "Online tuition Suspended Mentoring On the framework"
    yesterday = format_date(today() - timedelta(days=1))
    assert (
        "Not eligible for call-offs No safeguarding and child protection policy has been "
        "uploaded No health and safety policy has been uploaded ‘Public liability 2026’ expired "
        f"on {yesterday}"
    ) in oak_row[2]
    assert "1 needs attention" in oak_row[2]
    assert oak_row[3].startswith("1 of 2 people flagged")
    elm_row = listed["Elm Trust"]
    assert elm_row[0] == "Elm Trust VCSE"
    assert elm_row[1] == "Mentoring Removed"
    assert elm_row[2] == "None need attention"
    assert elm_row[3] == "1 person, none flagged"

    # One provider's page: its lots, flags and DBS flags in words.
    detail = page_text(reviewer_client.get(f"/reviews/providers/{oak.id}"))
    assert "Since " in detail and "Late KPIs" in detail
    assert "Right to work not checked" in detail


def test_the_figures_are_for_the_day_the_list_is_read(app, reviewer, app_ctx):
    """The list's statements are built once and the day written into them each time they run:
    read on a later day, the same list judges the same documents by that day."""
    oak = organisation("Oak Tutoring")
    factories.admit(oak, "mentoring", documents=False)
    record_document(oak, "safeguarding_policy", "Safeguarding")
    record_document(oak, "health_and_safety_policy", "Health and safety")
    expiry = today() + timedelta(days=1)
    record_document(oak, INSURANCE, "Public liability 2027", expiry)

    documents_cell = rows(signed_in(app.test_client(), reviewer).get("/reviews/providers"))
    assert documents_cell["Oak Tutoring"][2] == "1 needs attention (Oak Tutoring)"
    with clock_set_to(utcnow() + timedelta(days=3)):
        later = rows(signed_in(app.test_client(), reviewer).get("/reviews/providers"))
    assert later["Oak Tutoring"][2] == (
        f"Not eligible for call-offs ‘Public liability 2027’ expired on {format_date(expiry)} "
        "1 needs attention (Oak Tutoring)"
    )


def test_filters_by_lot_and_status(reviewer_client, app_ctx):
    oak = organisation("Oak Tutoring")
    factories.admit(oak, "mentoring")
    factories.admit(oak, "online-tuition", status=SUSPENDED, reason="Late")
    elm = organisation("Elm Trust")
    factories.admit(elm, "mentoring", status=REMOVED, reason="Closed")

    def names(query: str) -> list[str]:
        return list(rows(reviewer_client.get(f"/reviews/providers?{query}")))

    assert names("") == ["Elm Trust", "Oak Tutoring"]
    assert names("status=suspended") == ["Oak Tutoring"]
    assert names("status=removed") == ["Elm Trust"]
    assert names("lot=mentoring&status=admitted") == ["Oak Tutoring"]
    assert names("lot=online-tuition&status=removed") == []
    assert names("lot=unknown&status=unknown") == ["Elm Trust", "Oak Tutoring"]


def test_the_list_is_paginated(reviewer_client, app_ctx):
    for number in range(51):
        factories.admit(organisation(f"Provider {number:02d}"), "mentoring")
    first = reviewer_client.get("/reviews/providers?status=admitted")
    assert len(rows(first)) == 50
    next_link = soup(first).select_one(".govuk-pagination__next a")["href"]
    assert "status=admitted" in next_link
    assert list(rows(reviewer_client.get(next_link))) == ["Provider 50"]


def test_a_page_past_the_end_shows_the_last(reviewer_client, app_ctx):
    """The page's rows carry the count; past the end there is none to carry it, so the count is
    read alone and the last page shown, even for a page number past any integer."""
    for number in range(51):
        factories.admit(organisation(f"Provider {number:02d}"), "mentoring")
    for page in ("3", "2147483647"):
        response = reviewer_client.get(f"/reviews/providers?page={page}")
        assert response.status_code == 200
        assert list(rows(response)) == ["Provider 50"]
        assert "51" in page_text(response)
    nothing = reviewer_client.get("/reviews/providers?status=removed&page=2")
    assert nothing.status_code == 200
    assert rows(nothing) == {}


def test_the_list_and_export_make_the_same_queries_for_three_providers_or_sixty(
    app, reviewer_client, app_ctx
):
    def add(how_many: int, start: int) -> None:
        for number in range(start, start + how_many):
            listed = organisation(f"Provider {number:02d}")
            factories.admit(listed, "mentoring")
            factories.admit(listed, "online-tuition", status=SUSPENDED, reason="Late")
            record_document(listed, INSURANCE, "Insurance", today() - timedelta(days=1))
            record_document(listed, "other", "Brochure")
            record_person(listed, "Someone")
            well_checked(listed, "Someone else")

    add(3, 0)
    urls = ["/reviews/providers", "/reviews/providers/export", "/reviews/providers?lot=mentoring"]
    few = [queries_for(app, reviewer_client, url) for url in urls]
    add(57, 3)
    many = [queries_for(app, reviewer_client, url) for url in urls]
    assert few == many


def test_the_export_has_a_row_per_lot_and_defuses_formulas(reviewer_client, app_ctx):
    oak = organisation('=HYPERLINK("http://evil.example")', is_sme=True, is_local=False)
    factories.admit(oak, "mentoring", documents=False)
    factories.admit(oak, "online-tuition", status=SUSPENDED, reason="+1 late return")
    record_document(oak, INSURANCE, "@Insurance", today() - timedelta(days=1))
    record_person(oak, "Someone")
    zed = organisation("Zed Trust", is_sme=False, is_vcse=True)
    factories.admit(zed, "mentoring")

    response = reviewer_client.get("/reviews/providers/export")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="providers-')
    table = read_csv(response)
    assert table[0] == [
        "Organisation",
        "Legal name",
        "Type of service",
        "Status",
        "Admitted on",
        "Status changed on",
        "Reason for status",
        "SME",
        "VCSE",
        "Local",
        "Not eligible for call-offs because",
        "Documents needing attention",
        "People on DBS register",
        "People with DBS flags",
        "Last KPI return",
        "Last KPI return status",
        "Last KPI return rating",
        "Open performance escalations",
    ]
    on = f"{today():%d/%m/%Y}"
    yesterday = format_date(today() - timedelta(days=1))
    not_eligible = (
        "No safeguarding and child protection policy has been uploaded; No health and safety "
        f"policy has been uploaded; ‘@Insurance’ expired on {yesterday}"
    )
    evil = '\'=HYPERLINK("http://evil.example")'
    assert table[1:] == [
        [evil, evil, "Online tuition", "Suspended", on, on, "'+1 late return",
         "yes", "no", "no", not_eligible, "1", "1", "1", "", "", "", "0"],
        [evil, evil, "Mentoring", "On the framework", on, on, "",
         "yes", "no", "no", not_eligible, "1", "1", "1", "", "", "", "0"],
        ["Zed Trust", "Zed Trust", "Mentoring", "On the framework", on, on, "",
         "no", "yes", "yes", "", "0", "0", "0", "", "", "", "0"],
    ]  # fmt: skip
    # The filters of the page apply to the export.
    filtered = reviewer_client.get("/reviews/providers/export?status=suspended")
    assert len(read_csv(filtered)) == 3
