"""Column-wise checks of a GeoParquet or FlatGeobuf layer: which rows need a closer look.

A million features checked one by one with jsonschema take minutes. A columnar layer
(:class:`geo.data.columnar.Table`) is checked here column by column instead, and every row
that any check cannot vouch for is *suspect*: :mod:`geo.data.reading` sends the suspect rows
through the per-feature checks a GeoJSON layer gets, so every message is the GeoJSON layer's,
word for word. The checks here only have to be sound (no row with a problem left out); a
suspect row without a problem costs time, not correctness.

Nothing here restates the format's rules; they are read from the compiled feature validator
(:func:`geo.data.validation.item_schema`, from ``schema.json``) and the code checks of
:mod:`geo.data.properties` and :mod:`geo.data.geometry`:

- each property column: each *distinct* value against that field's own sub-schemas (all the
  ones the feature schema may apply to it, conditional ones too) with the same validator and
  format checker; every value, field or extra, against
  :func:`~geo.data.properties.check_values`; property names against the reserved names;
- what depends on more than one value (``required``, ``if``/``then``): rows are grouped by
  which properties they have, their geometry type and the values of the fields the
  conditions read; one row of each group is checked in full, and a group whose row fails is
  suspect as a whole;
- ``until`` before ``observed`` compared column against column; tracks with ``times`` are
  suspect (one time per vertex is checked per feature);
- geometries with shapely, vectorised: a point with finite coordinates in range is fine,
  anything else (lines, areas, unreadable WKB) is suspect;
- references (:func:`reference_suspects`): duplicate ids, unknown sources, ``x-reference``
  values that are no feature's id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo.data import columnar, schema, validation
from geo.data.columnar import Table, plain
from geo.data.jsontext import SURROGATE
from geo.data.properties import check_reserved, check_values
from geo.data.schema import GEOMETRY_TYPES, parse_time

_POINT = int(shapely.GeometryType.POINT)
# Keywords of a schema applied to the properties object that this module reads; any other
# (additionalProperties, say) would tie fields together: then every row is suspect.
_OBJECT_KEYWORDS = frozenset({"type", "properties", "required", "if", "then", "else", "allOf"})
_QUICK_KEYWORDS = frozenset({"type", "pattern", "format", "minimum", "maximum"})


class _Unsupported(Exception):
    """The feature schema uses a construct the column checks cannot split by column."""


def suspect_rows(table: Table) -> np.ndarray:
    """Rows of a columnar layer that the per-feature checks must see.

    Parameters
    ----------
    table : Table
        The layer, as :func:`geo.data.columnar.read_table` reads it.

    Returns
    -------
    numpy.ndarray of bool
        True for every row that may have a problem (references aside:
        :func:`reference_suspects`).
    """
    n = len(table)
    try:
        plan = _plan(table.layer)
    except _Unsupported:
        return np.ones(n, dtype=bool)
    suspect = _geometry_suspects(table)
    codes: dict[str, np.ndarray | None] = {}
    present: dict[str, np.ndarray] = {}
    kinds = columnar.field_kinds(table.layer)
    for name in table.columns.column_names:
        array = table.array(name)
        present[name] = columnar.is_present(table.layer, name, array)
        uniques, codes[name] = table.distinct(name)
        if check_reserved({name: None}) or check_values({name: None}, ()):
            suspect |= present[name]
        if codes[name] is None:  # no hash kernel for the type: each row on its own
            suspect |= present[name]
            continue
        bad = _bad_values(plan, name, kinds.get(name), uniques, array.type)
        suspect |= np.isin(codes[name], bad)
        if name in columnar.nullable(table.layer) and _bad_values(plan, name, None, [None]):
            suspect |= codes[name] < 0  # a null cell of a nullable field is a null value
    suspect |= _object_suspects(table, plan, codes, present, suspect)
    suspect |= _date_order_suspects(table)
    table.forget()  # the distinct values of a million ids: not kept past the checks
    if "times" in schema.known_fields(table.layer) and "times" in table.columns.column_names:
        suspect |= table.array("times").is_valid().to_numpy(zero_copy_only=False)
    return suspect


def reference_suspects(
    table: Table,
    sources: Collection[str],
    ids: Mapping[str, Collection[str]],
    duplicates: Collection[str],
) -> np.ndarray:
    """Rows whose id, cited sources or references may be wrong (the checks across files).

    Parameters
    ----------
    table : Table
        The layer.
    sources : collection of str
        The valid source ids.
    ids : mapping of str to collection of str
        The feature ids of each layer.
    duplicates : collection of str
        Ids found more than once in the data set.

    Returns
    -------
    numpy.ndarray of bool
        Rows :func:`geo.data.properties.check_references` must see.
    """
    suspect = np.zeros(len(table), dtype=bool)
    names = table.columns.column_names
    if "id" in names and duplicates:
        suspect |= _is_in(table.array("id"), duplicates)
    if "sources" in names:
        uniques, codes = table.distinct("sources")
        if codes is None:
            suspect |= table.array("sources").is_valid().to_numpy(zero_copy_only=False)
        else:
            kind = columnar.field_kinds(table.layer).get("sources")
            cited = (plain(value, kind) for value in uniques)
            bad = [i for i, value in enumerate(cited) if _cites_unknown(value, sources)]
            suspect |= np.isin(codes, bad)
    for field in schema.fields(table.layer):
        if field.reference and field.name in names:
            uniques, codes = table.distinct(field.name)
            if codes is None:
                suspect |= table.array(field.name).is_valid().to_numpy(zero_copy_only=False)
                continue
            known = ids.get(field.reference, ())
            bad = [i for i, v in enumerate(uniques) if isinstance(v, str) and v not in known]
            suspect |= np.isin(codes, bad)
    return suspect


def _is_in(array: pa.Array, values: Collection[str]) -> np.ndarray:
    """Whether each cell is one of ``values`` (texts); False for null and non-text cells."""
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return np.zeros(len(array), dtype=bool)
    found = pc.is_in(array, value_set=pa.array(list(values), array.type))
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def _cites_unknown(value: Any, sources: Collection[str]) -> bool:
    return isinstance(value, list) and any(isinstance(s, str) and s not in sources for s in value)


# --- what the feature schema says, split by column -----------------------------------------


class _Plan:
    """A layer's feature schema split up: per-field sub-schemas and what the rest reads."""

    def __init__(self, layer: str) -> None:
        self.subschemas: dict[str, list[Any]] = {}
        self.conditions: set[str] = set()  # fields whose values an ``if`` reads
        self.required: set[str] = set()
        self._feature(validation.item_schema(layer))
        self.fields = {
            name: validation.compile_schema({"allOf": subs} if len(subs) > 1 else subs[0])
            for name, subs in self.subschemas.items()
        }
        self.quick = {name: _quick(subs) for name, subs in self.subschemas.items()}
        self.text_tests = {name: _text_test(subs) for name, subs in self.subschemas.items()}

    def _feature(self, node: Any) -> None:
        """A schema applied to the whole feature."""
        if not isinstance(node, dict):
            raise _Unsupported
        for part in node.get("allOf", ()):
            self._feature(part)
        properties = node.get("properties", {})
        if "properties" in properties:
            self._object(properties["properties"])
        if "if" in node:
            condition = node["if"].get("properties", {})
            if set(node["if"]) - {"properties"} or set(condition) - {"geometry", "properties"}:
                raise _Unsupported
            # The geometry's type is part of every row's group (_object_suspects).
            geometry = condition.get("geometry", {})
            if set(geometry.get("properties", {})) - {"type"}:
                raise _Unsupported
            if "properties" in condition:
                self._condition(condition["properties"])
        for branch in ("then", "else"):
            if branch in node:
                self._feature(node[branch])

    def _object(self, node: Any) -> None:
        """A schema applied to the properties object."""
        if not isinstance(node, dict) or set(node) - _OBJECT_KEYWORDS - schema.ANNOTATIONS:
            raise _Unsupported
        for name, sub in node.get("properties", {}).items():
            self.subschemas.setdefault(name, []).append(sub)
        self.required.update(node.get("required", ()))
        for part in node.get("allOf", ()):
            self._object(part)
        if "if" in node:
            self._condition(node["if"])
        for branch in ("then", "else"):
            if branch in node:
                self._object(node[branch])

    def _condition(self, node: Any) -> None:
        if not isinstance(node, dict):
            raise _Unsupported
        self.conditions.update(node.get("properties", {}))
        self.required.update(node.get("required", ()))


@cache
def _plan(layer: str) -> _Plan:
    return _Plan(layer)


def _bad_values(
    plan: _Plan, name: str, kind: str | None, cells: list[Any], kind_type: Any = None
) -> list[int]:
    """The positions of the distinct cells of a column that are not fine as its values."""
    validator, quick = plan.fields.get(name), plan.quick.get(name)
    as_is = kind != "list" and kind_type is not None
    as_is = as_is and (pa.types.is_string(kind_type) or pa.types.is_large_string(kind_type))
    values = cells if as_is else [plain(cell, kind) for cell in cells]
    if set(map(type, values)) == {str} and not SURROGATE.search(_JOIN.join(values)):
        # Texts without a lone surrogate (arrow's are UTF-8: none) hold no odd value: only
        # the field's schema is left, as a test of texts where it has one (a million ids or
        # times in a second or two, not a minute through jsonschema).
        if validator is None:
            return []
        test = plan.text_tests.get(name)
        if test is not None:
            return [i for i, value in enumerate(values) if not test(value)]
    out = []
    for i, value in enumerate(values):
        if check_values({"": value}, ()) or not _valid(validator, quick, value):
            out.append(i)
    return out


def _valid(validator: Any, quick: Callable[[Any], bool] | None, value: Any) -> bool:
    if validator is None or (quick is not None and quick(value)):
        return True
    return validator.is_valid(value)


_JOIN = "\n"


def _text_test(subs: list[Any]) -> Callable[[str], bool] | None:
    """A test of texts against sub-schemas whose only keywords are type, pattern and format,
    with jsonschema's meaning of each (``pattern`` is :func:`re.search`, ``format`` the
    validator's format checker)."""
    tests: list[Callable[[str], Any]] = []
    for sub in subs:
        if not isinstance(sub, dict) or set(sub) - schema.ANNOTATIONS - _TEXT_KEYWORDS:
            return None
        declared = sub.get("type", "string")
        if "string" not in ([declared] if isinstance(declared, str) else declared):
            return None
        if "pattern" in sub:
            tests.append(re.compile(sub["pattern"]).search)
        if "format" in sub:
            form = sub["format"]
            tests.append(lambda value, form=form: validation.FORMAT_CHECKER.conforms(value, form))
    if len(tests) == 1:
        return tests[0]  # type: ignore[return-value]
    return lambda value: all(test(value) for test in tests)


_TEXT_KEYWORDS = frozenset({"type", "pattern", "format"})


def _quick(subs: list[Any]) -> Callable[[Any], bool] | None:
    """A fast test of a value against sub-schemas of plain keywords (type, pattern, format,
    bounds), with jsonschema's meaning of each; True only where the value is valid. Where it
    says False (or there is none), the validator itself decides: a million ids cost a second
    this way, a minute through jsonschema."""
    tests = [_quick_one(sub) for sub in subs]
    if any(test is None for test in tests):
        return None
    return lambda value: all(test(value) for test in tests)  # type: ignore[misc]


def _quick_one(sub: Any) -> Callable[[Any], bool] | None:
    if not isinstance(sub, dict) or not set(sub) - schema.ANNOTATIONS <= _QUICK_KEYWORDS:
        return None
    declared = sub.get("type")
    types = [declared] if isinstance(declared, str) else declared
    pattern = re.compile(sub["pattern"]) if "pattern" in sub else None
    checker = validation.Validator.TYPE_CHECKER
    low, high, form = sub.get("minimum"), sub.get("maximum"), sub.get("format")

    def quick(value: Any) -> bool:
        if types is not None and not any(checker.is_type(value, t) for t in types):
            return False
        if isinstance(value, str):
            if pattern is not None and not pattern.search(value):
                return False
            return form is None or validation.FORMAT_CHECKER.conforms(value, form)
        if checker.is_type(value, "number"):
            return (low is None or value >= low) and (high is None or value <= high)
        return value is None and form is None

    return quick


# --- checks across columns ----------------------------------------------------------------


def _geometry_suspects(table: Table) -> np.ndarray:
    """Rows whose geometry is not a point of finite coordinates in range (or not allowed)."""
    shapes = table.shapes
    if "Point" not in GEOMETRY_TYPES[table.layer]:
        return np.ones(len(shapes), dtype=bool)
    point = (shapely.get_type_id(shapes) == _POINT) & ~shapely.is_empty(shapes)
    x, y, z = (np.full(len(shapes), np.nan) for _ in range(3))
    x[point], y[point] = shapely.get_x(shapes[point]), shapely.get_y(shapes[point])
    z[point] = np.where(shapely.has_z(shapes[point]), shapely.get_z(shapes[point]), 0.0)
    with np.errstate(invalid="ignore"):
        fine = point & (np.abs(x) <= 180) & (np.abs(y) <= 90) & np.isfinite(z)
    return ~fine


def _object_suspects(
    table: Table,
    plan: _Plan,
    codes: Mapping[str, np.ndarray | None],
    present: Mapping[str, np.ndarray],
    suspect: np.ndarray,
) -> np.ndarray:
    """Rows of a group whose checked row fails ``required`` or a condition."""
    n = len(table)
    keys: dict[str, np.ndarray] = {"": shapely.get_type_id(table.shapes)}
    for name in sorted((set(plan.fields) | plan.required) & set(present)):
        keys[f"has {name}"] = present[name]
    for name in sorted(plan.conditions & set(present)):
        found = codes.get(name)
        # Without distinct values (no hash kernel for the type), every row is its own group.
        keys[f"value {name}"] = np.arange(n) if found is None else found
    group = pd.DataFrame(keys).groupby(list(keys), sort=False).ngroup().to_numpy()
    out = np.zeros(n, dtype=bool)
    checked = pd.Series(np.arange(n))[~suspect].groupby(group[~suspect]).first()
    for number, row in checked.items():
        feature = columnar.row_features(table, [int(row)])[0]
        if validation.check_feature(table.layer, feature):
            out |= group == number
    return out


_EPOCH = datetime(1970, 1, 1, tzinfo=schema.UTC)


def _date_order_suspects(table: Table) -> np.ndarray:
    """Rows whose ``until`` is before their ``observed`` (where the layer has both)."""
    n = len(table)
    if not {"observed", "until"} <= set(schema.known_fields(table.layer)):
        return np.zeros(n, dtype=bool)
    if not {"observed", "until"} <= set(table.columns.column_names):
        return np.zeros(n, dtype=bool)
    times = []
    for name in ("observed", "until"):
        uniques, found = table.distinct(name)
        if found is None:
            return table.array("until").is_valid().to_numpy(zero_copy_only=False)
        micros = np.array([_micros(value) for value in uniques] + [_NOT_A_DATE], dtype=np.int64)
        times.append(micros[found])
    observed, until = times
    return (observed != _NOT_A_DATE) & (until != _NOT_A_DATE) & (until < observed)


_NOT_A_DATE = np.iinfo(np.int64).min


def _micros(value: Any) -> int:
    """Microseconds since 1970 of a date cell (exact: years 1000 to 2999 fit in 64 bits)."""
    try:
        return (parse_time(plain(value)) - _EPOCH) // timedelta(microseconds=1)
    except ValueError:
        return _NOT_A_DATE
