"""Messages for jsonschema errors: what is wrong with a field, in the format's own words.

jsonschema's own messages name schema keywords (``'sure' is not one of ['confirmed', ...]``,
``None is not of type 'string'``); a user needs the field, the value as written and what
would do: ``confidence: 'sure' is not one of confirmed, reported, claimed, estimated``,
``count: must be a whole number >= 1, got '2'``, ``name: missing (required)``. Hints come
from the schema: ``x-missing`` for a missing field, ``x-expected`` for a pattern.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import ValidationError

from geo.data.schema import INT64_MAX, short_repr

Pair = tuple[str | None, str]
"""A problem as ``(field, message)``; field None for the feature or record as a whole."""

_JSON_WORDS = {None: "null", True: "true", False: "false"}


def describe(error: ValidationError, path: list[Any], required: frozenset[str]) -> list[Pair]:
    """Say what a jsonschema error means, in the words of the format.

    Parameters
    ----------
    error : jsonschema.ValidationError
        An error found in an object of fields (a feature's ``properties``, a source record).
    path : list
        Where the error is within that object: ``[]`` for the object itself, ``[field]``
        or ``[field, index...]``.
    required : frozenset of str
        The object's required fields (``null`` in one of them reads as "missing").

    Returns
    -------
    list of (field, message)
        One pair per missing field for a ``required`` error, else one pair. Messages
        quote the bad value as the user wrote it, e.g. ``'sure' is not one of confirmed,
        reported, claimed, estimated``, ``missing (required)``, ``entry 2: ...``.
    """
    if not path:
        if error.validator != "required":
            return [(None, error.message)]
        missing = [name for name in error.validator_value if name not in error.instance]
        # A conditional ``then: {required: [...]}`` has no properties of its own.
        known = error.schema.get("properties") or {}
        return [(name, _missing(known.get(name) or _declared(name))) for name in missing]
    field, inner = str(path[0]), path[1:]
    sub, value = error.schema, error.instance
    if error.validator in ("type", "enum") and value is None and not inner and field in required:
        message = _missing(sub)
    else:
        message = _message(error.validator, error.validator_value, sub, value, error)
    entries = "".join(f"entry {step}: " for step in inner if isinstance(step, int))
    return [(field, entries + message)]


def _declared(name: str) -> Mapping[str, Any]:
    """The schema of the field ``name`` wherever the format declares it (first found)."""
    from geo.data import schema

    for layer in schema.LAYERS:
        for field in schema.fields(layer):
            if field.name == name:
                return field.schema
    return {}


def _missing(sub: Mapping[str, Any]) -> str:
    if "x-missing" in sub:
        return f"missing ({sub['x-missing']})"
    choices = [value for value in sub.get("enum", ()) if value is not None]
    if choices:
        return f"missing (required; one of {', '.join(map(str, choices))})"
    if "null" in _types(sub):
        return "missing (required; use null when not known)"
    return "missing (required)"


def _message(
    keyword: str, expected: Any, sub: Mapping[str, Any], value: Any, error: ValidationError
) -> str:
    if keyword == "type":
        return f"must be {expected_words(sub)}, got {_show(value)}"
    if keyword == "enum":
        choices = ", ".join(str(choice) for choice in expected if choice is not None)
        return f"{_show(value)} is not one of {choices}"
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if keyword == "maximum" and expected == INT64_MAX:
            return f"{_show(value)} is out of range: must be at most {INT64_MAX}"
        return f"{_show(value)} is out of range: must be {expected_words(sub)}"
    if keyword == "minItems":
        return "must be a non-empty list" if expected == 1 else f"needs {expected} entries or more"
    if keyword == "minLength":
        return f"{_show(value)} is not a non-empty string"
    if keyword == "pattern":
        return f"{_show(value)} is not {sub.get('x-expected', f'matching {expected}')}"
    if keyword == "format" and error.cause is not None:
        return str(error.cause)
    return error.message


def _show(value: Any) -> str:
    """Quote a bad value as the user wrote it: ``null``, ``true``, ``'text'``, ``5``."""
    if value is None or isinstance(value, bool):
        return _JSON_WORDS[value]
    return short_repr(value)


def _types(sub: Mapping[str, Any]) -> list[str]:
    declared = sub.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)


def expected_words(sub: Mapping[str, Any]) -> str:
    """Say in words what a field's schema asks for: ``a whole number >= 1``, ``a string``.

    Parameters
    ----------
    sub : mapping
        A field's sub-schema (references inlined).

    Returns
    -------
    str
        ``null`` is left out: where a field allows it, it means "not given".
    """
    if "enum" in sub:
        return "one of " + ", ".join(str(v) for v in sub["enum"] if v is not None)
    words = []
    for kind in _types(sub):
        if kind == "string":
            words.append(
                "an ISO 8601 date string" if sub.get("format") == "iso8601" else "a string"
            )
        elif kind in ("integer", "number"):
            noun = "a whole number" if kind == "integer" else "a number"
            words.append(f"{noun}{_bounds(sub)}")
        elif kind == "boolean":
            words.append("true or false")
        elif kind == "array":
            items = expected_words(sub.get("items", {})).removeprefix("a ").removeprefix("an ")
            words.append(f"a list of {items}s" if items else "a list")
        elif kind == "object":
            words.append("an object")
    return " or ".join(words) or "a JSON value"


def _bounds(sub: Mapping[str, Any]) -> str:
    low, high = sub.get("minimum"), sub.get("maximum")
    if low is not None and high is not None and high != INT64_MAX:
        return f" {low}..{high}"
    if low is not None:
        return f" >= {low}"
    return f" <= {high}" if high is not None and high != INT64_MAX else ""
