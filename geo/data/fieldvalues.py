"""Typed field values from text: ``count=2`` is the number 2, ``until=null`` is null.

What an editor types (``--set FIELD=VALUE`` on the command line, a text box in the app) is
text; the JSON type a field takes is in ``schema.json``. A value that does not read as the
field's type is kept as text, so that validation says what is wrong with it in the format's
own words (``count: must be a whole number >= 1, got 'two'``).
"""

from __future__ import annotations

import math
from typing import Any

from geo.data import schema


class BadAssignment(ValueError):
    """An assignment that is not ``FIELD=VALUE`` (a usage error, not bad data)."""


def typed_value(layer: str, field: str, text: str) -> Any:
    """Read ``text`` as a value of ``field`` in ``layer``, by the field's JSON types.

    Parameters
    ----------
    layer : str
        One of :data:`geo.data.schema.LAYERS`.
    field : str
        A field name; one the layer does not define is an extra property, kept as text.
    text : str
        The value as typed. ``null`` is null where the field allows it (or is extra);
        a list field takes comma-separated items.

    Returns
    -------
    Any
        An int, float, bool, list of str, None or the text itself.
    """
    spec = next((f for f in schema.fields(layer) if f.name == field), None)
    types = spec.types if spec is not None else ("string", "null")
    value = text.strip()
    if value == "null" and "null" in types:
        return None
    if "integer" in types or "number" in types:
        try:
            return int(value)
        except ValueError:
            pass
    if "number" in types:
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            return number
    if "boolean" in types and value in ("true", "false"):
        return value == "true"
    if "array" in types:
        return [item.strip() for item in value.split(",") if item.strip()]
    return text


def parse_assignment(layer: str, text: str) -> tuple[str, Any]:
    """Split ``FIELD=VALUE`` and type the value (:func:`typed_value`).

    Parameters
    ----------
    layer : str
        The feature's layer.
    text : str
        One assignment.

    Returns
    -------
    (str, Any)
        The field and its value.

    Raises
    ------
    BadAssignment
        Without ``=`` or without a field name.
    """
    field, equals, value = text.partition("=")
    field = field.strip()
    if not equals or not field:
        raise BadAssignment(f"{text!r} is not FIELD=VALUE")
    return field, typed_value(layer, field, value)
