"""`call_off_clear` (SQL over the versions' kept columns, read by the reviewers' providers list
for a page of providers at once) must say a provider is clear exactly when the call-off rule in
Python (`call_off_problems_of`) finds no problem, or the list would skip reading a library the
rule finds a problem in. Every file state, removal, expiry date and review date of a mandatory
document is written, alone and beside a good one, with kinds missing and versions replaced, and
the two are compared on each day either side of the dates."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import select

from portal.core.db import db
from portal.core.time import today, utcnow
from portal.documents import attention, services
from portal.documents.models import (
    CLEAN,
    INSURANCE,
    MANDATORY_KINDS,
    REJECTED,
    REMOVED_FOR_VIRUS,
    REMOVED_REASONS,
    SCAN_STATES,
    Document,
    DocumentVersion,
)
from portal.organisations.models import Organisation
from tests.documents.helpers import stored_file
from tests.support.factories import ORGANISATION_DETAILS

GOOD = (CLEAN, None, None, None)  # scan state, removal, expiry date, review date


def _version(organisation, provider, number, state) -> DocumentVersion:
    scan_state, removed, expiry, review = state
    key = f"{organisation.id}/{utcnow().timestamp()}/{number}/{id(state)}"
    file = stored_file(organisation, provider, key, scan_state, removed)
    return DocumentVersion(number=number, file=file, expiry_date=expiry, review_date=review)


def _provider_with(provider, name: str, library: dict[str, list[list[tuple]]]) -> Organisation:
    """An organisation whose documents of each kind are `library[kind]`: one list of version
    states per document, oldest version first."""
    details = ORGANISATION_DETAILS | {"company_number": None, "legal_name": name}
    organisation = Organisation(**details)
    db.session.add(organisation)
    db.session.flush()
    for kind, documents in library.items():
        for title, states in enumerate(documents):
            document = Document(organisation_id=organisation.id, kind=kind, title=f"{title}")
            for number, state in enumerate(states, start=1):
                document.versions.append(_version(organisation, provider, number, state))
            db.session.add(document)
    return organisation


def _libraries(on):
    """Each library to compare, by name: the insurance certificate in every state beside good
    policies, and the shapes around it (kinds missing, two certificates, replaced versions)."""
    expiries = [None, on - timedelta(days=1), on, on + timedelta(days=1)]
    reviews = [None, on - timedelta(days=1), on, on + timedelta(days=1)]
    good_policies = {kind: [[GOOD]] for kind in MANDATORY_KINDS if kind != INSURANCE}
    expired = (CLEAN, None, on - timedelta(days=1), None)
    virus = (REJECTED, REMOVED_FOR_VIRUS, None, None)
    libraries = {
        f"insurance {state}": {**good_policies, INSURANCE: [[state]]}
        for state in itertools.product(SCAN_STATES, [None, *REMOVED_REASONS], expiries, reviews)
    }
    libraries |= {
        "nothing": {},
        "no insurance": good_policies,
        "only insurance": {INSURANCE: [[GOOD]]},
        "an expired certificate beside a good one": {
            **good_policies,
            INSURANCE: [[expired], [GOOD]],
        },
        "two bad certificates": {**good_policies, INSURANCE: [[expired], [virus]]},
        "a good certificate replaced by an expired one": {
            **good_policies,
            INSURANCE: [[GOOD, expired]],
        },
        "an expired certificate replaced by a good one": {
            **good_policies,
            INSURANCE: [[expired, GOOD]],
        },
        "other kinds only": {"other": [[GOOD]]},
    }
    return libraries


def test_clear_in_sql_exactly_when_the_rule_finds_no_problem(app_ctx, provider):
    on = today()
    libraries = _libraries(on)
    names = {
        _provider_with(provider, name, library).id: name for name, library in libraries.items()
    }
    db.session.commit()
    ids = list(names)
    statement = select(Organisation.id, attention.call_off_clear(Organisation.id)).where(
        Organisation.id.in_(ids)
    )
    clear_today = set()
    disagreements = []
    for day in [on + timedelta(days=shift) for shift in (-2, -1, 0, 1, 2)]:
        clear = dict(db.session.execute(statement, attention.call_off_dates(day)).all())
        problems = services.call_off_problems_of(ids, day)
        for organisation_id, name in names.items():
            if bool(clear[organisation_id]) != (problems[organisation_id] == []):
                disagreements.append(
                    f"{day}, {name}: SQL clear {clear[organisation_id]}, Python "
                    f"{problems[organisation_id]}"
                )
            if clear[organisation_id] and day == on:
                clear_today.add(name)
    assert not disagreements, "\n".join(disagreements)
    # Both answers were given: clear libraries and ones with problems.
    assert "insurance ('clean', None, None, None)" in clear_today
    assert "an expired certificate beside a good one" in clear_today
    assert "an expired certificate replaced by a good one" in clear_today
    assert "nothing" not in clear_today
    assert "a good certificate replaced by an expired one" not in clear_today
    assert "two bad certificates" not in clear_today
