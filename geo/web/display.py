"""How features are shown: popup texts, colours and layer names.

Every value a popup or tooltip shows is made text here, column by column
(:func:`field_texts`); the page puts these texts in DOM text nodes only. Colours and
layer-control names are shared by the map and its legend.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from geo.analysis import geodesy
from geo.data import figures
from geo.data.schema import CATEGORIES, known_fields
from geo.web import symbols

AFFILIATION_COLOUR = {
    "friend": "#1c7ed6",
    "hostile": "#e03131",
    "neutral": "#2f9e44",
    "unknown": "#f08c00",
}
LAYER_COLOUR = {
    "bases": "#1c7ed6",
    "strikes": "#e8590c",
    "places": "#495057",
    "historical": "#7048e8",
    "tracks": "#3b5bdb",
}
ZONE_COLOUR = ["#1971c2", "#0c8599", "#5c940d"]

FIELDS: list[tuple[str, str]] = [
    ("layer_label", "Layer"),
    ("category", "Category"),
    ("type", "Type"),
    ("designation", "Designation"),
    ("group", "Group"),
    ("count", "Count"),
    ("affiliation", "Affiliation"),
    ("status", "Status"),
    ("personnel", "Personnel"),
    ("base", "Home base"),
    ("asset", "Asset"),
    ("kind", "Kind"),
    ("country", "Country"),
    ("target", "Target"),
    ("actor", "Actor"),
    ("killed", "Killed"),
    ("troops", "Troops"),
    ("observed", "Observed"),
    ("until", "Until"),
    ("times", "First – last fix"),
    ("confidence", "Confidence"),
    ("uncertainty", "Uncertainty"),
    ("geo_precision", "Location precision"),
    ("time_precision", "Date precision"),
    ("reconstructed", "Geometry"),
    ("where", "Where (over its uncertainty)"),
    ("crosses", "Crosses (land, 12 nm sea)"),
    ("id", "ID"),
    ("name", "Name"),
    ("notes", "Notes"),
]
"""Popup rows: (field, label), in the order shown."""
GEO_PRECISION = {1: "1 (site named)", 2: "2 (near a place)", 3: "3 (region only)"}
TIME_PRECISION = {1: "1 (day)", 2: "2 (week)", 3: "3 (month)"}
GROUP_LABELS = {
    "bases": "Bases",
    "tracks": "Flight and ship tracks",
    "strikes": "Strike sites",
    "places": "Places",
    "historical": "Historical operations",
    "uncertainty": "Uncertainty circles",
    "gaps": "Track gaps (no signal)",
    "rings": "Range rings",
    "zones": "Maritime zones (approximate)",
}
CATEGORY_LABELS = {
    "ship": "ships",
    "submarine": "submarines",
    "aircraft": "aircraft",
    "helicopter": "helicopters",
    "drone": "drones",
    "ground": "ground forces",
    "special": "special",
    "personnel": "personnel (not units)",
}


# --- text ----------------------------------------------------------------------------------


def is_missing(value: Any) -> bool:
    """None, NA, NaT or a float NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and np.isnan(value)


def format_time(value: Any) -> str | None:
    """Show a timestamp as a date, or as date and time (UTC) when it has a time of day."""
    if is_missing(value):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    if (stamp.hour, stamp.minute, stamp.second) == (0, 0, 0):
        return stamp.strftime("%Y-%m-%d")
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def format_uncertainty(km: Any) -> str | None:
    """``450 km (243 nm)``, or ``exact`` for 0."""
    if is_missing(km):
        return None
    km = float(km)
    if km == 0:
        return "exact"
    return f"{km:,.0f} km ({km / geodesy.KM_PER_NM:,.0f} nm)" if km >= 10 else f"{km:g} km"


def as_text(value: Any) -> str | None:
    """Any property value as the text a popup shows (None for a missing value)."""
    if is_missing(value):
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return f"{int(value):,}"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (pd.Timestamp, datetime)):
        return format_time(value)
    return str(value)


_UNSEEN = object()


def column_texts(
    column: pd.Series, show: Callable[[Any], str | None] = as_text
) -> list[str | None]:
    """``show`` applied to every value of a column, once per distinct value (values repeat)."""
    if pd.api.types.infer_dtype(column, skipna=True) == "string":
        return [None if is_missing(v) else v for v in column.tolist()]
    cache: dict[Any, str | None] = {}
    out: list[str | None] = []
    for value in column.tolist():
        try:
            key = (type(value), value)  # type too: True and 1 are equal keys otherwise
            text = cache.get(key, _UNSEEN)
        except TypeError:  # lists and dicts
            out.append(show(value))
            continue
        if text is _UNSEEN:
            text = cache[key] = show(value)
        out.append(text)
    return out


def _precision(table: dict[int, str]) -> Callable[[Any], str | None]:
    return lambda value: None if is_missing(value) else table.get(int(value))


def field_texts(frame: pd.DataFrame, layer: str) -> dict[str, list[str | None]]:
    """The popup values of every feature of a layer, field by field, as text."""
    n = len(frame)
    known = known_fields(layer)

    def column(name: str, default: Any = None) -> Any:
        # Typed fields only where the layer defines them: elsewhere they are extras (any value).
        return frame[name] if name in frame and name in known else default

    texts = {field: column_texts(own) for field, _ in FIELDS if (own := column(field)) is not None}
    historical = is_historical(frame) if layer == "places" else np.zeros(n, bool)
    singular = layer[:-1]
    texts["layer_label"] = ["historical operation" if h else singular for h in historical]
    for field in ("observed", "until"):
        own = column(field)
        texts[field] = [None] * n if own is None else column_texts(own, format_time)
    unc = column("uncertainty_km")
    texts["uncertainty"] = [None] * n if unc is None else column_texts(unc, format_uncertainty)
    for field, table in (("geo_precision", GEO_PRECISION), ("time_precision", TIME_PRECISION)):
        own = column(field)
        texts[field] = [None] * n if own is None else column_texts(own, _precision(table))
    # Numbers as firm as their sources: "≥ 2", "~10", "~7,800 (est.)".
    for field in ("count", "personnel", "killed", "troops"):
        own, qualifier = column(field), column(f"{field}_qualifier")
        if own is not None and qualifier is not None:
            texts[field] = [
                None if is_missing(v) else figures.qualified(int(v), None if is_missing(q) else q)
                for v, q in zip(own.tolist(), qualifier.tolist(), strict=True)
            ]
    if layer == "strikes":
        killed = texts.get("killed") or [None] * n
        texts["killed"] = [t or "unknown" for t in killed]
    times = column("times")
    texts["times"] = (
        [None] * n
        if times is None
        else [f"{t[0]} – {t[-1]}" if isinstance(t, list) and t else None for t in times]
    )
    reconstructed = column("reconstructed")
    texts["reconstructed"] = (
        [None] * n
        if reconstructed is None
        else ["reconstructed" if v is True else None for v in reconstructed.tolist()]
    )
    return texts


def is_faded(frame: pd.DataFrame) -> np.ndarray:
    """Which features are drawn faded and dashed: estimated, or with a reconstructed geometry.

    The map (``faded`` in the payload) and its legend use this one rule.
    """
    faded = (frame["confidence"] == "estimated").to_numpy(bool, copy=True)
    if "reconstructed" in frame:
        faded |= np.array([v is True for v in frame["reconstructed"].tolist()], dtype=bool)
    return faded


def is_historical(frame: pd.DataFrame) -> np.ndarray:
    kinds = frame["kind"] if "kind" in frame else pd.Series([None] * len(frame))
    return np.array([symbols.is_historical(k) for k in kinds], dtype=bool)


def group_order() -> list[str]:
    """Group keys in the order of the layer control and of drawing (later on top)."""
    return [
        "bases",
        *[f"assets:{c}" for c in CATEGORIES],
        "tracks",
        "gaps",
        "strikes",
        "places",
        "historical",
        "uncertainty",
        "rings",
        "zones",
    ]


def group_role(key: str) -> str | None:
    """What the points of a layer-control group are (:data:`geo.web.contract.ROLES`), or None.

    Labels are placed in the order of the roles: units, bases, places, strikes.
    """
    if key.startswith("assets:"):
        return "unit"
    return {"bases": "base", "places": "place", "historical": "place", "strikes": "strike"}.get(key)


def group_label(key: str, count: int) -> str:
    """The layer-control name of a group, with its feature count."""
    if key.startswith("assets:"):
        category = key.split(":", 1)[1]
        return f"Assets: {CATEGORY_LABELS.get(category, category)} ({count})"
    return f"{GROUP_LABELS.get(key, key)} ({count})"
