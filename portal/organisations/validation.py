"""Formats of UK identifiers an organisation gives us. Each function returns the tidy form of a
valid value, or None for one that cannot be right."""

from __future__ import annotations

import re

# Companies House: 8 characters, all digits or a 2-letter prefix (SC, NI, OC...) and 6 digits.
_COMPANY = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")
# Charity Commission (England and Wales): 6 or 7 digits, sometimes with "-1" for a linked charity;
# OSCR (Scotland): SC and 6 digits; Northern Ireland: NIC and 6 digits (sometimes NI and 6 digits).
_CHARITY = re.compile(r"^(\d{6,7}(-\d{1,2})?|SC\d{6}|NIC?\d{6})$")
# HMRC VAT registration: GB and 9 digits, or GB and 12 (a branch of a group registration).
_VAT = re.compile(r"^GB(\d{9}|\d{12})$")
# The postcode shapes Royal Mail uses, plus GIR 0AA.
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$|^GIR ?0AA$")
# Digits, spaces, brackets and hyphens, with a plus only at the start (+44...).
_PHONE_CHARACTERS = re.compile(r"^\+?[\d() \-]+$")
# A web address: http(s), a host name of dot-separated labels ending in a top-level domain,
# then an optional port, path, query or fragment.
_WEBSITE = re.compile(
    r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(:\d+)?([/?#]\S*)?$",
    re.IGNORECASE,
)


def company_number(value: str) -> str | None:
    cleaned = value.replace(" ", "").upper()
    if cleaned.isdigit() and 6 <= len(cleaned) < 8:
        cleaned = cleaned.zfill(8)  # people often drop the leading zeros
    return cleaned if _COMPANY.match(cleaned) else None


def charity_number(value: str) -> str | None:
    cleaned = value.replace(" ", "").upper()
    return cleaned if _CHARITY.match(cleaned) else None


def vat_number(value: str) -> str | None:
    cleaned = re.sub(r"\s+", "", value.upper())
    return cleaned if _VAT.match(cleaned) else None


def postcode(value: str) -> str | None:
    cleaned = re.sub(r"\s+", "", value.upper())
    match = _POSTCODE.match(cleaned)
    if not match:
        return None
    return f"{cleaned[:-3]} {cleaned[-3:]}"


def postcode_district(tidy_postcode: str) -> str:
    return tidy_postcode.split(" ")[0]


def phone(value: str) -> str | None:
    if not _PHONE_CHARACTERS.match(value.strip()):
        return None
    digits = re.sub(r"\D", "", value)
    return value.strip() if 10 <= len(digits) <= 15 else None


def website(value: str) -> str | None:
    cleaned = value.strip()
    if not cleaned:
        return None
    if not re.match(r"^https?://", cleaned, re.IGNORECASE):
        cleaned = "https://" + cleaned
    return cleaned if _WEBSITE.match(cleaned) else None
