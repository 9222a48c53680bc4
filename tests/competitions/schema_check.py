"""A small JSON Schema (draft-04) checker for the OCDS schemas shipped beside it.

The jsonschema package is not installed in this project; this covers the keywords those two
schema files use (type, enum, required, properties, items, $ref, minLength, minItems,
uniqueItems, pattern, format date-time and uri) and says where each problem is. Its own tests
(test_ocds.py) show it refusing what it should.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).parent / "ocds"
TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}
KNOWN = {
    "id",
    "$schema",
    "title",
    "description",
    "type",
    "required",
    "properties",
    "items",
    "definitions",
    "$ref",
    "enum",
    "minLength",
    "minItems",
    "uniqueItems",
    "pattern",
    "format",
}


def load(name: str) -> dict:
    return json.loads((HERE / name).read_text())


def problems(instance, schema_name: str = "release-package-schema.json") -> list[str]:
    found: list[str] = []
    schema = load(schema_name)
    _check(instance, schema, schema, "$", found)
    return found


def _resolve(ref: str, root: dict) -> tuple[dict, dict]:
    if ref.startswith("#/"):
        node = root
        for part in ref[2:].split("/"):
            node = node[part]
        return node, root
    other = load(ref)
    return other, other


def _format_ok(value: str, kind: str) -> bool:
    if kind == "date-time":
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
        return "T" in value and parsed.tzinfo is not None
    if kind == "uri":
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc)
    return True


def _check(value, schema: dict, root: dict, where: str, found: list[str]) -> None:
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"schema keyword(s) this checker does not know: {sorted(unknown)}")
    if "$ref" in schema:
        target, target_root = _resolve(schema["$ref"], root)
        _check(value, target, target_root, where, found)
        return
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[name](value) for name in allowed):
            found.append(f"{where}: {value!r} is not of type {allowed}")
            return
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            found.append(f"{where}: shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if "format" in schema and not _format_ok(value, schema["format"]):
            found.append(f"{where}: {value!r} is not a {schema['format']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{where}: fewer than {schema['minItems']} items")
        if schema.get("uniqueItems"):
            seen = [json.dumps(item, sort_keys=True) for item in value]
            if len(seen) != len(set(seen)):
                found.append(f"{where}: items are not unique")
        if "items" in schema:
            for index, item in enumerate(value):
                _check(item, schema["items"], root, f"{where}[{index}]", found)
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: '{name}' is required")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                _check(value[name], sub, root, f"{where}.{name}", found)
