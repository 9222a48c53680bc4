"""The formats of the identifiers an organisation gives us: each tidy, or refused."""

import pytest

from portal.organisations import validation


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01234567", "01234567"),
        ("1234567", "01234567"),  # the leading zero dropped
        ("123456", "00123456"),  # two of them
        ("0123 4567", "01234567"),
        ("SC123456", "SC123456"),  # Scotland
        ("sc123456", "SC123456"),
        ("NI 012345", "NI012345"),  # Northern Ireland
        ("OC301234", "OC301234"),  # limited liability partnership
        (" 09876543 ", "09876543"),
    ],
)
def test_company_numbers_are_tidied(typed, stored):
    assert validation.company_number(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["", "12345", "123456789", "SC12345", "SC1234567", "S1234567", "1234567A", "12-34-56", "CRN"],
)
def test_company_numbers_that_cannot_be_right(typed):
    assert validation.company_number(typed) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1234567", "1234567"),  # England and Wales
        ("212345", "212345"),  # an older, 6-digit number
        ("1234567-1", "1234567-1"),  # a linked charity
        ("sc012345", "SC012345"),  # Scotland (OSCR)
        ("NIC100001", "NIC100001"),  # Northern Ireland
        ("NI100001", "NI100001"),
        ("1 234 567", "1234567"),
    ],
)
def test_charity_numbers_are_tidied(typed, stored):
    assert validation.charity_number(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "12345", "12345678", "1234567-123", "SC12345", "XN12345", "charity", "1234567-"]
)
def test_charity_numbers_that_cannot_be_right(typed):
    assert validation.charity_number(typed) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("DY1 1HF", "DY1 1HF"),
        ("dy1 1hf", "DY1 1HF"),
        ("DY11HF", "DY1 1HF"),
        ("  dy1   1hf ", "DY1 1HF"),
        ("B62 8AA", "B62 8AA"),
        ("W1A 1AA", "W1A 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("M1 1AE", "M1 1AE"),
        ("GIR 0AA", "GIR 0AA"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_postcodes_are_tidied(typed, stored):
    assert validation.postcode(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "DY1", "DY1 1H", "DY1 1HFF", "1DY 1HF", "DY1-1HF", "ABC1 1AA", "DY1 HF1", "12345"]
)
def test_postcodes_that_cannot_be_right(typed):
    assert validation.postcode(typed) is None


@pytest.mark.parametrize(
    ("postcode", "district"), [("DY1 1HF", "DY1"), ("EC1A 1BB", "EC1A"), ("B62 8AA", "B62")]
)
def test_the_district_is_the_outward_half_of_a_postcode(postcode, district):
    assert validation.postcode_district(postcode) == district


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01384 812345", "01384 812345"),
        ("01384812345", "01384812345"),
        ("+44 7700 900982", "+44 7700 900982"),
        ("(01384) 812-345", "(01384) 812-345"),
        (" 07700 900982 ", "07700 900982"),
        ("+1 202 555 0143", "+1 202 555 0143"),
    ],
)
def test_phone_numbers_are_kept_as_typed(typed, stored):
    assert validation.phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "812345",  # too few digits to be a whole number
        "0138481234512345",  # too many
        "01384 812345 ext 2",
        "01384+812345",  # a plus only at the start
        "phone me",
        "01384.812345",
    ],
)
def test_phone_numbers_that_cannot_be_right(typed):
    assert validation.phone(typed) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("www.example.org", "https://www.example.org"),
        ("example.co.uk", "https://example.co.uk"),
        ("https://example.org", "https://example.org"),
        ("http://example.org/about-us", "http://example.org/about-us"),
        ("HTTPS://Example.org", "HTTPS://Example.org"),
        ("example.org?from=portal", "https://example.org?from=portal"),
        ("example.org:8080/path#top", "https://example.org:8080/path#top"),
        ("my-charity.org.uk", "https://my-charity.org.uk"),
    ],
)
def test_websites_are_given_a_scheme(typed, stored):
    assert validation.website(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "example",
        "javascript:alert(1)",
        "ftp://example.org",
        "https://exa mple.org",
        "name@example.org",
        "https://..org",
        "https://-example.org",
        "https://example.org.",
        "https://example.1",
    ],
)
def test_websites_that_cannot_be_right(typed):
    assert validation.website(typed) is None
