"""Nominal ranges per asset type, for range rings: a documented table the user can override.

The table lives in ``geo/ranges.json``: each entry has a ``key``, a ``label``, a
``radius_km``, what the radius means (``basis``), the substrings that select it
(``match``, compared case-insensitively with an asset's ``type``, ``designation``
and ``name``) and its public ``source`` and ``url``. The figures are nominal:
real reach depends on payload, profile, refuelling and basing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

RANGES_FILE = Path(__file__).with_name("ranges.json")
COLUMNS = ("key", "label", "radius_km", "basis", "match", "source", "url")
MATCH_FIELDS = ("type", "designation", "name")


def _entries(value: Any, origin: str) -> list[dict[str, Any]]:
    if isinstance(value, Mapping) and "ranges" in value:
        value = value["ranges"]
    if isinstance(value, Mapping):  # {"f-35a": 1200, ...}: radius overrides by key
        return [{"key": str(k), "radius_km": v} for k, v in value.items()]
    if not isinstance(value, list):
        raise ValueError(
            f"{origin}: expected a list of range entries or a mapping key -> radius_km"
        )
    return [dict(entry) for entry in value]


def load_ranges(
    overrides: str
    | os.PathLike[str]
    | Mapping[str, Any]
    | Iterable[Mapping[str, Any]]
    | None = None,
) -> pd.DataFrame:
    """The nominal range table, with the user's overrides applied.

    Parameters
    ----------
    overrides : path, mapping or list of dicts, optional
        A JSON file in the format of ``geo/ranges.json``; or a mapping
        ``{key: radius_km}`` changing radii of known entries; or entries (dicts)
        that replace known keys field by field or add new ones (a new entry needs
        ``label``, ``radius_km`` and ``match``; give a ``source`` too).

    Returns
    -------
    DataFrame
        Indexed by ``key``; columns ``label``, ``radius_km``, ``basis``, ``match``
        (list of str), ``source``, ``url``.

    Raises
    ------
    ValueError
        For an unreadable override, a radius that is not a positive number, or a
        new entry without the fields it needs.
    """
    table = {
        e["key"]: e for e in _entries(json.loads(RANGES_FILE.read_text("utf-8")), "ranges.json")
    }
    if overrides is not None:
        origin = "overrides"
        if isinstance(overrides, (str, os.PathLike)):
            origin = str(overrides)
            try:
                overrides = json.loads(Path(overrides).read_text("utf-8"))
            except (OSError, json.JSONDecodeError) as error:
                raise ValueError(f"{origin}: cannot read range table: {error}") from None
        for entry in _entries(overrides, origin):
            key = entry.get("key")
            if not isinstance(key, str) or not key:
                raise ValueError(f"{origin}: every range entry needs a non-empty 'key'")
            merged = {**table.get(key, {}), **entry}
            if key not in table:
                missing = [f for f in ("label", "radius_km", "match") if f not in merged]
                if missing:
                    raise ValueError(f"{origin}: new range {key!r} needs {', '.join(missing)}")
                merged.setdefault("source", "user-supplied")
            if "source" not in entry and key in table and "radius_km" in entry:
                merged["source"] = f"user override (published: {table[key]['source']})"
            table[key] = merged
    for key, entry in table.items():
        radius = entry.get("radius_km")
        if isinstance(radius, bool) or not isinstance(radius, (int, float)) or not radius > 0:
            raise ValueError(f"range {key!r}: radius_km must be a positive number, got {radius!r}")
        entry["radius_km"] = float(radius)
    frame = pd.DataFrame([{c: table[k].get(c) for c in COLUMNS} for k in table], columns=COLUMNS)
    return frame.set_index("key")


def match_ranges(record: Mapping[str, Any], table: pd.DataFrame) -> list[str]:
    """Keys of the entries whose ``match`` substrings occur in a type, designation or name."""
    text = " ".join(
        str(record.get(f)) for f in MATCH_FIELDS if isinstance(record.get(f), str)
    ).casefold()
    if not text:
        return []
    return [
        key
        for key, patterns in table["match"].items()
        if any(str(p).casefold() in text for p in (patterns or []))
    ]
