"""A form that creates something, sent five times at the same moment (a double click, two tabs,
a resend after a slow response), creates one thing: its submission id is claimed in the database,
not remembered in the session cookie that all five requests carry unchanged. Every resend is
taken to the page the first one led to. Run on PostgreSQL (a second claim of the same id waits for
the first request's transaction) and on SQLite (one writer at a time)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select

from portal.accounts.models import StaffInvitation, User
from portal.competitions.models import Competition, QuoteAttachment
from portal.core.db import db
from portal.documents.models import Document
from portal.organisations.models import Organisation, OrganisationInvitation
from portal.staff_checks.models import StaffCheck
from tests.accounts.test_register import DETAILS as REGISTRATION
from tests.competitions import helpers as competitions
from tests.competitions.helpers import mini_competition_form
from tests.documents import corpus
from tests.documents.helpers import FIELDS, post_file
from tests.organisations.conftest import details as organisation_details
from tests.staff_checks.helpers import person
from tests.staff_checks.test_import_export import GOOD_LINES as IMPORT_LINES
from tests.staff_checks.test_import_export import HEADINGS as IMPORT_HEADINGS
from tests.support import factories
from tests.support.pages import field_value

AT_ONCE = 5


def _at_once(send) -> list:
    db.session.commit()  # the test's own transaction must hold no lock the requests need
    start = Barrier(AT_ONCE)

    def run(_n):
        start.wait()
        return send()

    with ThreadPoolExecutor(AT_ONCE) as pool:
        return list(pool.map(run, range(AT_ONCE)))


def _count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _submission_id(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    submission_id = field_value(page, "submission_id")
    assert submission_id, f"{url} has no single-use submission id"
    return submission_id


def _assert_one_made_and_every_resend_led_to_it(responses) -> None:
    assert [r.status_code for r in responses] == [302] * AT_ONCE
    assert len({r.location for r in responses}) == 1


def test_registering(client, app_ctx):
    url = "/register"
    data = REGISTRATION | {"submission_id": _submission_id(client, url)}
    _assert_one_made_and_every_resend_led_to_it(_at_once(lambda: client.post(url, data=data)))
    assert _count(User, User.email == REGISTRATION["email"]) == 1


def test_creating_an_organisation(provider_client, organisation):
    url = "/organisations/new"
    data = organisation_details(submission_id=_submission_id(provider_client, url))
    _assert_one_made_and_every_resend_led_to_it(
        _at_once(lambda: provider_client.post(url, data=data))
    )
    assert _count(Organisation) == 2  # organisation A, and the one made now


def test_inviting_a_member(provider_client, organisation):
    url = f"/organisations/{organisation.id}/members/invite"
    data = {"email": "colleague@example.org", "submission_id": _submission_id(provider_client, url)}
    _assert_one_made_and_every_resend_led_to_it(
        _at_once(lambda: provider_client.post(url, data=data))
    )
    assert _count(OrganisationInvitation) == 1


def test_uploading_a_document(provider_client, organisation):
    url = f"/documents/organisations/{organisation.id}/upload?kind=safeguarding_policy"
    data = FIELDS["safeguarding_policy"]() | {"submission_id": _submission_id(provider_client, url)}
    content = corpus.GOOD["policy.pdf"]()
    _assert_one_made_and_every_resend_led_to_it(
        _at_once(lambda: post_file(provider_client, url, data, "policy.pdf", content))
    )
    assert _count(Document) == 1


def test_adding_a_person_to_the_dbs_register(provider_client, organisation):
    url = f"/staff-checks/organisations/{organisation.id}/add"
    data = person() | {"submission_id": _submission_id(provider_client, url)}
    _assert_one_made_and_every_resend_led_to_it(
        _at_once(lambda: provider_client.post(url, data=data))
    )
    assert _count(StaffCheck) == 1


def test_drafting_a_competition(commissioner_client, organisation):
    factories.admit(organisation, "mentoring")
    url = "/competitions/new?kind=mini_competition"
    data = mini_competition_form(submission_id=_submission_id(commissioner_client, url))
    _assert_one_made_and_every_resend_led_to_it(
        _at_once(lambda: commissioner_client.post(url, data=data))
    )
    assert _count(Competition) == 1


def test_inviting_staff(admin_client):
    url = "/admin/staff/invite"
    data = {
        "email": "new.officer@example.org",
        "role": "reviewer",
        "submission_id": _submission_id(admin_client, url),
    }
    _assert_one_made_and_every_resend_led_to_it(_at_once(lambda: admin_client.post(url, data=data)))
    assert _count(StaffInvitation) == 1


@pytest.mark.parametrize("first_attempt", ["refused", "never sent"])
def test_a_form_refused_then_corrected_goes_through_with_the_same_id(
    provider_client, organisation, first_attempt
):
    """The page shown again after an error keeps its submission id: correcting the form and
    sending it must create the thing, not be taken for a resend of the refused attempt."""
    url = f"/staff-checks/organisations/{organisation.id}/add"
    submission_id = _submission_id(provider_client, url)
    if first_attempt == "refused":
        refused = provider_client.post(
            url, data=person(full_name="") | {"submission_id": submission_id}
        )
        assert refused.status_code == 200
        assert field_value(refused, "submission_id") == submission_id
    response = provider_client.post(url, data=person() | {"submission_id": submission_id})
    assert response.status_code == 302
    assert _count(StaffCheck) == 1


def test_one_persons_submission_id_means_nothing_to_another(
    provider_client, other_provider_client, organisation, other_organisation
):
    first = f"/staff-checks/organisations/{organisation.id}/add"
    submission_id = _submission_id(provider_client, first)
    assert (
        provider_client.post(first, data=person() | {"submission_id": submission_id}).status_code
        == 302
    )
    second = f"/staff-checks/organisations/{other_organisation.id}/add"
    response = other_provider_client.post(second, data=person() | {"submission_id": submission_id})
    assert response.status_code == 302
    assert (
        response.location
        != provider_client.post(first, data=person() | {"submission_id": submission_id}).location
    )
    assert _count(StaffCheck) == 2


def test_importing_a_dbs_register(provider_client, organisation):
    url = f"/staff-checks/organisations/{organisation.id}/import"
    data = {"submission_id": _submission_id(provider_client, url)}
    text = "\n".join([IMPORT_HEADINGS, *IMPORT_LINES, ""]).encode()
    _assert_one_made_and_every_resend_led_to_it(
        _at_once(lambda: post_file(provider_client, url, data, "register.csv", text))
    )
    assert _count(StaffCheck) == len(IMPORT_LINES)


def test_attaching_a_file_to_a_quote(
    commissioner_client, commissioner, organisation, provider_client
):
    factories.admit(organisation, "mentoring")
    evaluator = factories.make_user(
        "evaluator@council.example.org", full_name="Eve Evaluator", role="reviewer", two_factor=True
    )
    competition_id = competitions.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    assert competitions.publish(commissioner_client, competition_id).status_code == 302
    page = f"/competitions/{competition_id}/quote"
    data = {"submission_id": _submission_id(provider_client, page)}
    content = corpus.GOOD["policy.pdf"]()
    url = f"/competitions/{competition_id}/quote/files"
    _assert_one_made_and_every_resend_led_to_it(
        _at_once(lambda: post_file(provider_client, url, data, "method.pdf", content))
    )
    assert _count(QuoteAttachment) == 1
