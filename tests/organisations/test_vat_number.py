"""An organisation's VAT registration number (optional): printed on the council's self-billing
statements, which add VAT only when there is one. GB and 9 digits, or GB and 12."""

from __future__ import annotations

import pytest

from portal.organisations.models import Organisation
from tests.organisations.conftest import assert_error, fresh
from tests.organisations.test_edit_organisation import current_answers, edit_url
from tests.support.pages import page_text

FORMAT = (
    "Enter a VAT registration number in the correct format: GB and 9 digits, like GB123456789, "
    "or GB and 12 digits"
)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("GB123456789", "GB123456789"),
        ("gb 123 4567 89", "GB123456789"),
        ("GB123456789012", "GB123456789012"),
        ("", None),
    ],
)
def test_a_vat_number_is_kept_tidy_or_left_out(provider_client, organisation, typed, kept):
    answers = current_answers(organisation) | {"vat_number": typed}

    response = provider_client.post(edit_url(organisation), data=answers)

    assert response.status_code == 302
    assert fresh(Organisation, organisation.id).vat_number == kept
    shown = page_text(provider_client.get(f"/organisations/{organisation.id}"))
    assert f"VAT registration number {kept or 'Not registered for VAT'}" in shown


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("123456789", FORMAT),
        ("GB12345678", FORMAT),
        ("GB1234567890", FORMAT),
        ("FR123456789", FORMAT),
        ("GBABCDEFGHI", FORMAT),
        ("GB" + "1" * 19, "VAT registration number must be 20 characters or fewer"),
    ],
)
def test_a_vat_number_in_the_wrong_format_is_refused(provider_client, organisation, typed, message):
    answers = current_answers(organisation) | {"vat_number": typed, "town": "Birmingham"}

    response = provider_client.post(edit_url(organisation), data=answers)

    assert_error(response, "vat_number", message)
    saved = fresh(Organisation, organisation.id)
    assert (saved.vat_number, saved.town) == (None, "Dudley")
