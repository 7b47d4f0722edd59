"""Checking parsed JSON against ``schema.json`` with jsonschema, and saying what is wrong.

One validator is compiled per layer feature, per file envelope and for a source record, once
per process, from :data:`geo.data.schema.SCHEMA` with its references inlined. Each feature
(and each source record) is validated on its own, so every problem carries its index and id.
jsonschema's errors become ``(field, message)`` pairs in the format's own words
(:mod:`geo.data.messages`), at most one per field.

Two readings are stricter than plain JSON Schema, as ``schema.json``'s ``$comment`` says: a
whole number is a Python ``int`` (not ``2.0``) and a number is finite (Python's json reads
``NaN``). The format ``iso8601`` is :func:`geo.data.schema.parse_time`.

Geometries are described in the schema for other tools, but here they are left to
:mod:`geo.data.geometry`, which reads each coordinate once and says more (swapped
coordinates, ring validity); the compiled feature validators skip ``geometry``.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from geo.data import schema
from geo.data.messages import Pair, describe
from geo.data.schema import parse_time

NOT_A_FEATURE = "not a GeoJSON Feature"
NOT_A_COLLECTION = 'not a GeoJSON FeatureCollection (top-level "type" must be "FeatureCollection")'


def _is_integer(_checker: Any, value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(_checker: Any, value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or math.isfinite(value)


FORMAT_CHECKER = FormatChecker(formats=())
"""Checks the format's one format, ``iso8601``; its ValueError is the message shown."""


@FORMAT_CHECKER.checks("iso8601", raises=ValueError)
def _iso8601(value: Any) -> bool:
    if isinstance(value, str):
        parse_time(value)
    return True


# Most property values repeat (a confidence, a category, a date, a source list): the verdict
# "valid" is remembered per (sub-schema, value), which makes validation about twice as fast.
# At most _MEMO_LIMIT values per sub-schema (ids and names never repeat); sub-schemas are
# pinned so that their id() is never reused.
_VALID: dict[int, set[tuple[type, Any]]] = {}
_PINNED: dict[int, Any] = {}
_MEMO_LIMIT = 4096


def _memo(subschema: Any, value: Any) -> tuple[set[tuple[type, Any]] | None, Any]:
    """Return the set of values known valid against ``subschema`` and ``value``'s key in it."""
    if value is None or isinstance(value, (str, int, float)):
        key: Any = (type(value), value)
    elif isinstance(value, list) and len(value) <= 8 and all(isinstance(v, str) for v in value):
        key = (list, tuple(value))
    else:
        return None, None
    known = _VALID.get(id(subschema))
    if known is None:
        _PINNED[id(subschema)] = subschema
        known = _VALID.setdefault(id(subschema), set())
    return known, key


def _properties(
    validator: Any, properties: Mapping[str, Any], instance: Any, _schema: Any
) -> Iterator[ValidationError]:
    """The ``properties`` keyword, as jsonschema's own, skipping values already found valid."""
    if not validator.is_type(instance, "object"):
        return
    for name, subschema in properties.items():
        if name not in instance or subschema is True:
            continue
        value = instance[name]
        known, key = _memo(subschema, value)
        if known is not None and key in known:
            continue
        # A sub-schema without its own $id has its parent's base URI: the parent's resolver
        # serves (a quarter faster than a new one per value); else jsonschema makes one.
        own_id = isinstance(subschema, dict) and "$id" in subschema
        resolver = None if own_id else getattr(validator, "_resolver", None)
        errors = list(
            validator.descend(value, subschema, path=name, schema_path=name, resolver=resolver)
        )
        if not errors and known is not None and len(known) < _MEMO_LIMIT:
            known.add(key)
        yield from errors


Validator = validators.extend(
    Draft202012Validator,
    validators={"properties": _properties},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"integer": _is_integer, "number": _is_number}
    ),
)
"""The validator class for ``schema.json``: draft 2020-12 with the format's readings."""


def compile_schema(sub: Any) -> Any:
    """Return a validator for a sub-schema of ``schema.json`` (references inlined).

    Parameters
    ----------
    sub : Any
        A (part of) :data:`geo.data.schema.SCHEMA`.

    Returns
    -------
    Validator
        With :data:`FORMAT_CHECKER`.
    """
    return Validator(_flatten(schema.inline(sub)), format_checker=FORMAT_CHECKER)


# Keywords of an allOf part that can join its parent's without changing what is valid
# (no additionalProperties or unevaluated*, which depend on their siblings); a condition
# (if/then/else) only where the parent has none.
_MERGEABLE = frozenset({"type", "required", "properties"}) | schema.ANNOTATIONS
_CONDITION = ("if", "then", "else")


def _flatten(node: Any) -> Any:
    """Merge ``allOf`` parts that only add fields into their parent: fewer levels to walk.

    The groups of fields (``common``, ``timed``...) are ``allOf`` parts in ``schema.json``,
    for the docs; a validator descending into each costs a third of the time.
    """
    if isinstance(node, list):
        return [_flatten(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _flatten(value) for key, value in node.items()}
    kept = []
    for part in node.pop("allOf", ()):
        if not _merge(node, part):
            kept.append(part)
    if kept:
        node["allOf"] = kept
    return node


def _merge(node: dict[str, Any], part: Any) -> bool:
    """Join an ``allOf`` part into ``node`` where that means the same; say whether it did."""
    if not isinstance(part, dict) or not set(part) <= _MERGEABLE | set(_CONDITION):
        return False
    if any(key in node for key in _CONDITION if key in part):
        return False
    if "type" in part and node.setdefault("type", part["type"]) != part["type"]:
        return False
    if "required" in part:
        node["required"] = list(dict.fromkeys([*node.get("required", ()), *part["required"]]))
    properties = node.setdefault("properties", {})
    for name, sub in part.get("properties", {}).items():
        properties[name] = (
            _flatten({"allOf": [properties[name], sub]}) if name in properties else sub
        )
    node.update({key: part[key] for key in _CONDITION if key in part})
    return True


def _item_ref(file_name: str) -> tuple[dict[str, Any], str]:
    """Split a file's schema into its envelope and the reference each item must match."""
    envelope = copy.deepcopy(schema.SCHEMA["properties"][file_name])
    holder = envelope["properties"]["features"] if "properties" in envelope else envelope
    return envelope, holder.pop("items")["$ref"]


@cache
def _envelope_validator(file_name: str) -> Any:
    return compile_schema(_item_ref(file_name)[0])


@cache
def _item_validator(file_name: str) -> Any:
    item = _flatten(schema.inline(schema.resolve(_item_ref(file_name)[1])))
    if "geometry" in item.get("properties", {}):
        item["properties"]["geometry"] = True  # left to geometry.py
    return Validator(item, format_checker=FORMAT_CHECKER)


def item_schema(layer: str) -> dict[str, Any]:
    """The schema each feature of ``layer`` is checked against (references inlined, groups
    of fields merged, ``geometry`` left to :mod:`geo.data.geometry`); treat as read-only.

    Parameters
    ----------
    layer : str
        One of :data:`geo.data.schema.LAYERS`.

    Returns
    -------
    dict
    """
    return _item_validator(f"{layer}.geojson").schema


@cache
def _required(file_name: str) -> frozenset[str]:
    if file_name == schema.SOURCES_FILE:
        found = schema.group_fields("source")
    else:
        found = schema.fields(file_name.removesuffix(".geojson"))
    return frozenset(field.name for field in found if field.required)


def check_collection(layer: str, document: Any) -> str | None:
    """Check a layer file's top level: a FeatureCollection with a list of features.

    Parameters
    ----------
    layer : str
        One of :data:`geo.data.schema.LAYERS`.
    document : Any
        The parsed file.

    Returns
    -------
    str or None
        The problem with the whole file, or None.
    """
    errors = list(_envelope_validator(f"{layer}.geojson").iter_errors(document))
    if not errors:
        return None
    for error in errors:
        if list(error.absolute_path)[:1] == ["features"] or _missing_names(error) == {"features"}:
            continue
        return NOT_A_COLLECTION
    return '"features" must be a list'


def _missing_names(error: ValidationError) -> set[str]:
    if error.validator != "required" or not isinstance(error.instance, dict):
        return set()
    return set(error.validator_value) - set(error.instance)


def check_sources_file(document: Any) -> str | None:
    """Check ``sources.json``'s top level: a list.

    Parameters
    ----------
    document : Any
        The parsed file.

    Returns
    -------
    str or None
        The problem with the whole file, or None.
    """
    if _envelope_validator(schema.SOURCES_FILE).is_valid(document):
        return None
    return "must be a JSON list of source records"


def check_feature(layer: str, feature: Any) -> list[Pair]:
    """Check one feature's envelope and properties (not its geometry, not references).

    Parameters
    ----------
    layer : str
        One of :data:`geo.data.schema.LAYERS`.
    feature : Any
        One element of the file's ``features``; ``"properties": null`` counts as ``{}``.

    Returns
    -------
    list of (field, message)
        ``[(None, "not a GeoJSON Feature")]`` alone when it is not a Feature; else at most
        one problem per field, in schema order.
    """
    if isinstance(feature, dict) and feature.get("properties") is None:
        feature = {**feature, "properties": {}}
    name = f"{layer}.geojson"
    errors = list(_item_validator(name).iter_errors(feature))
    if any(_is_envelope(error) for error in errors):
        return [(None, NOT_A_FEATURE)]
    out = []
    for error in errors:
        path = list(error.absolute_path)
        if path[:1] == ["properties"] and len(path) == 1 and error.validator == "type":
            out.append(("properties", f"must be an object, got {schema.type_name(error.instance)}"))
        elif path[:1] == ["properties"]:
            out.extend(describe(error, path[1:], _required(name)))
    order = _field_order(layer)
    return sorted(_first_per_field(out), key=lambda pair: order.get(pair[0] or "", -1))


@cache
def _field_order(layer: str) -> dict[str, int]:
    return {field: i for i, field in enumerate(schema.known_fields(layer))}


def _is_envelope(error: ValidationError) -> bool:
    """Whether ``error`` means the item is not a Feature at all."""
    path = error.absolute_path
    if path and path[0] != "type":
        return False
    # A Feature without "geometry": geometry.py says so ("missing (null)").
    return error.validator != "required" or bool(_missing_names(error) - {"geometry"})


def check_source(record: Any) -> list[Pair]:
    """Check one record of ``sources.json`` (not duplicate ids).

    Parameters
    ----------
    record : Any
        One element of the list.

    Returns
    -------
    list of (field, message)
        At most one problem per field.
    """
    errors = _item_validator(schema.SOURCES_FILE).iter_errors(record)
    out: list[Pair] = []
    for error in errors:
        path = list(error.absolute_path)
        if not path and error.validator == "type":
            return [(None, f"must be an object, got {schema.type_name(record)}")]
        out.extend(describe(error, path, _required(schema.SOURCES_FILE)))
    return _first_per_field(out)


def _first_per_field(pairs: Iterable[Pair]) -> list[Pair]:
    seen: dict[str | None, str] = {}
    for field, message in pairs:
        seen.setdefault(field, message)
    return list(seen.items())
