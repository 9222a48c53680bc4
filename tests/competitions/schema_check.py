"""Validating the portal's OCDS output with jsonschema against the official OCDS 1.1.5 release
package and release schemas (draft-04), shipped unchanged in tests/competitions/ocds/ (where they
came from is in its README). Dates and URLs are checked as OCDS means them: a date-time with a
zone, an absolute URI."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

HERE = Path(__file__).parent / "ocds"
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def _date_time(value) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


@FORMATS.checks("uri")
def _uri(value) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme and parts.netloc)


def load(name: str) -> dict:
    return json.loads((HERE / name).read_text())


def _registry() -> Registry:
    # The package schema refers to the release schema by its published address ("id"): each
    # schema is registered under that address, so nothing is fetched.
    schemas = [load(path.name) for path in HERE.glob("*.json")]
    return Registry().with_resources(
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in schemas
    )


def problems(instance, schema_name: str = "release-package-schema.json") -> list[str]:
    """Every way `instance` breaks the schema, as "where: what"; [] when it is valid."""
    validator = Draft4Validator(load(schema_name), registry=_registry(), format_checker=FORMATS)
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    ]
