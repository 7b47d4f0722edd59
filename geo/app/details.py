"""What the Streamlit app's side panel shows about one feature, as escaped markdown.

Everything known about one feature (:class:`FeatureDetails`: properties, sources,
analysis, an asset's history) and the markdown lines the panel prints, with every
value from the data escaped (``geo.web.escape``) and links http(s) only. No Streamlit
and no folium: plain data frames and strings.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from geo.analysis import territory, uncertainty
from geo.analysis.joins import ANALYSIS_COLUMNS
from geo.data import selection
from geo.data.reading import Dataset
from geo.web.escape import markdown_link, markdown_text, safe_url

# --- the details of one feature ------------------------------------------------------------


@dataclass
class FeatureDetails:
    """Everything the side panel shows about one feature.

    Attributes
    ----------
    id, layer, name : str
    properties : DataFrame
        ``field``/``value`` rows, values as text, empty fields left out.
    sources : DataFrame
        One row per cited source: title, publisher, published, kind, url (http(s) only, else empty).
    analysis : dict
        Analysis columns of the feature (nearest base and distance, distance to the
        chosen place, zone), when known.
    history : DataFrame
        For an asset, every report of it over time (oldest first), else empty.
    """

    id: str
    layer: str
    name: str
    properties: pd.DataFrame
    sources: pd.DataFrame
    analysis: dict[str, Any] = field(default_factory=dict)
    history: pd.DataFrame = field(default_factory=pd.DataFrame)


def _text(value: Any) -> str | None:
    """Show a property value as text; None when it is empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return (
            value.strftime("%Y-%m-%d %H:%M UTC")
            if value.hour or value.minute
            else (value.strftime("%Y-%m-%d"))
        )
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a column with gaps turns whole numbers into floats
    return str(value)


def _sources_frame(refs: Any) -> pd.DataFrame:
    rows = []
    for ref in refs if isinstance(refs, list) else []:
        rows.append(
            {
                "title": ref.get("title"),
                "publisher": ref.get("publisher"),
                "published": _text(ref.get("published")),
                "kind": ref.get("kind"),
                "url": safe_url(ref.get("url")),
            }
        )
    return pd.DataFrame(rows, columns=["title", "publisher", "published", "kind", "url"])


def _position_rows(geom: Any) -> list[tuple[str, str]]:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Point":
        return [("position", f"{geom.y:.4f}, {geom.x:.4f} (lat, lon)")]
    point = geom.representative_point()
    return [("geometry", f"{geom.geom_type}, around {point.y:.4f}, {point.x:.4f} (lat, lon)")]


def feature_details(
    dataset: Dataset,
    fid: str,
    analysis: pd.DataFrame | None = None,
    as_of: date | None = None,
) -> FeatureDetails | None:
    """Collect what the side panel shows about the feature ``fid``.

    Parameters
    ----------
    dataset : Dataset
        The whole data set (not only the view: an asset's history spans dates).
    fid : str
        The feature's id.
    analysis : DataFrame, optional
        ``geo.analysis.joins.analyze`` output.
    as_of : date, optional
        The as-of date; history rows after it are flagged.

    Returns
    -------
    FeatureDetails or None
        None when no feature has that id.
    """
    found_in = [
        (layer, frame)
        for layer, frame in dataset.layers.items()
        if len(frame) and (frame["id"] == fid).any()
    ]
    if not found_in:
        return None
    layer, frame = found_in[0]
    row = frame[frame["id"] == fid].iloc[0]
    skip = {"id", "name", "layer", "source_refs", "sources", frame.geometry.name}
    props = [(key, _text(row[key])) for key in frame.columns if key not in skip]
    props = [(key, value) for key, value in props if value is not None]
    props += _position_rows(row[frame.geometry.name])
    found: dict[str, Any] = {}
    if analysis is not None and len(analysis) and "id" in analysis:
        hit = analysis[analysis["id"] == fid]
        if len(hit):
            found = {
                key: value
                for key, value in hit.iloc[0].items()
                if key in ANALYSIS_COLUMNS and _text(value) is not None
            }
    if layer == "tracks":
        crossed = territory.crossings(frame[frame["id"] == fid].iloc[:1]).iloc[0]
        found["land_crossed"] = list(crossed["land_crossed"])
        found["territorial_sea_crossed"] = list(crossed["territorial_sea_crossed"])
    history = asset_history(dataset, fid, as_of) if layer == "assets" else pd.DataFrame()
    return FeatureDetails(
        id=fid,
        layer=layer,
        name=str(row.get("name") or fid),
        properties=pd.DataFrame(props, columns=["field", "value"]),
        sources=_sources_frame(row.get("source_refs")),
        analysis=found,
        history=history,
    )


def asset_history(dataset: Dataset, asset_id: str, as_of: date | None = None) -> pd.DataFrame:
    """Every report of an asset, oldest first, as table rows.

    Columns: ``observed``, ``id``, ``lat``, ``lon``, ``uncertainty_km``, ``confidence``,
    ``sources`` (titles), ``notes`` and ``after_as_of`` (True for reports later
    than the as-of date, which the map does not show).
    """
    reports = selection.history(dataset, asset_id)
    columns = [
        "observed",
        "id",
        "lat",
        "lon",
        "uncertainty_km",
        "confidence",
        "sources",
        "notes",
        "after_as_of",
    ]
    if reports.empty:
        return pd.DataFrame(columns=columns)
    observed = pd.to_datetime(reports["observed"], utc=True)
    out = pd.DataFrame(
        {
            "observed": observed.dt.tz_localize(None),
            "id": reports["id"],
            "lat": reports.geometry.y.round(4),
            "lon": reports.geometry.x.round(4),
            "uncertainty_km": reports["uncertainty_km"],
            "confidence": reports["confidence"],
            "sources": reports["source_refs"].apply(
                lambda refs: (
                    "; ".join(str(r.get("title")) for r in refs) if isinstance(refs, list) else ""
                )
            ),
            "notes": reports["notes"],
            "after_as_of": (observed.dt.date > as_of) if as_of is not None else False,
        }
    )
    return out.reset_index(drop=True)[columns]


# --- text for Streamlit markdown (escaped: data never becomes markup or links) -------------


def source_lines(sources: pd.DataFrame) -> list[str]:
    """Markdown list items for the sources of :class:`FeatureDetails` (escaped, links http(s))."""
    lines = []
    for row in sources.itertuples(index=False):
        about = ", ".join(
            markdown_text(v) for v in (row.publisher, row.published, row.kind) if _text(v)
        )
        lines.append(f"- {markdown_link(row.title, row.url)}" + (f" · {about}" if about else ""))
    return lines


def headline(details: FeatureDetails) -> str:
    """One escaped line: layer, when observed, how uncertain, how confident."""
    fields = dict(details.properties.itertuples(index=False))
    parts = [details.layer[:-1] if details.layer.endswith("s") else details.layer]
    if fields.get("observed"):
        parts.append(f"observed {fields['observed']}")
    if fields.get("uncertainty_km") is not None:
        parts.append(f"± {fields['uncertainty_km']} km")
    if fields.get("confidence"):
        parts.append(str(fields["confidence"]))
    return " · ".join(markdown_text(part) for part in parts)


def ring_lines(rings: pd.DataFrame | None) -> list[str]:
    """Markdown list items naming each drawn range ring and its source (escaped, links http(s))."""
    if rings is None or not len(rings):
        return []
    lines = []
    for row in rings.itertuples(index=False):
        text = f"- {markdown_text(row.label)}"
        if _text(row.source):
            text += f" · {markdown_link(row.source, row.url)}"
        lines.append(text)
    return lines


def property_lines(properties: pd.DataFrame) -> list[str]:
    """Markdown lines ``**field**: value`` for :class:`FeatureDetails` properties (escaped)."""
    return [
        f"**{markdown_text(field)}**: {markdown_text(value)}"
        for field, value in properties.itertuples(index=False)
    ]


def _nm(value: Any) -> str:
    return f"{float(value):,.0f} nm ({float(value) * 1.852:,.0f} km)"


def _range(found: Mapping[str, Any], key: str) -> str:
    """A distance over the uncertainty circle: ``75–561 nm`` (``318 nm at the report``)."""
    low, high = found.get(f"{key}_min"), found.get(f"{key}_max")
    if not (_known(low) and _known(high)):
        return _nm(found[key])
    text = uncertainty.describe_range(float(found[key]), float(low), float(high))
    if "–" in text:
        text += f" ({float(found[key]):,.0f} nm at the reported position)"
    else:
        text = _nm(found[key])
    return text


def analysis_lines(
    found: Mapping[str, Any], place: str, names: Mapping[str, str] | None = None
) -> list[str]:
    """Markdown lines for the analysis of one feature (values escaped).

    Distances and zones are ranges over the feature's uncertainty circle
    (:mod:`geo.analysis.uncertainty`): "contiguous zone or EEZ (±400 km)", never one
    answer the position can't support. The nearest base is of the feature's side, the
    nearest hostile base beside it; a track lists the territory it crosses.

    Parameters
    ----------
    found : mapping
        ``FeatureDetails.analysis``.
    place : str
        Name of the place ``to_nm`` is measured to.
    names : mapping, optional
        Feature id -> name, to name the nearest base, home base and nearest asset.
    """
    names = names or {}
    lines = []
    if _known(found.get("to_nm")):
        lines.append(f"To {markdown_text(place)}: **{_range(found, 'to_nm')}**")
    for key, label in (
        ("nearest_base", "Nearest base of its side"),
        ("nearest_hostile_base", "Nearest hostile base"),
        ("home_base", "Home base"),
        ("nearest_asset", "Nearest other asset"),
    ):
        fid = found.get(key)
        if _known(fid):
            text = f"{label}: **{markdown_text(names.get(fid, fid))}**"
            if _known(found.get(f"{key}_nm")):
                text += f", {_range(found, f'{key}_nm')}"
            lines.append(text)
    possible = found.get("zones_possible")
    if isinstance(possible, (list, tuple)) and possible:
        words = uncertainty.describe_where(
            list(possible),
            list(found.get("states_possible") or []),
            found.get("uncertainty_km"),
            first=found.get("coastal_state"),
        )
        text = f"Zone: **{markdown_text(words)}**"
        if _known(found.get("coast_nm")):
            text += f", {_range(found, 'coast_nm')} from the coast"
        lines.append(text)
    elif _known(found.get("zone")):
        text = f"Zone: **{markdown_text(found['zone'])}**"
        if _known(found.get("coastal_state")):
            text += f" of {markdown_text(found['coastal_state'])}"
        lines.append(text)
    if _known(found.get("country")):
        lines.append(f"At the reported position, inside: {markdown_text(found['country'])}")
    for key, label in (
        ("land_crossed", "Crosses the land of"),
        ("territorial_sea_crossed", "Crosses the territorial sea (12 nm) of"),
    ):
        if key in found:
            states = ", ".join(found[key]) or "no state"
            lines.append(f"{label}: **{markdown_text(states)}**")
    return lines


def _known(value: Any) -> bool:
    return _text(value) is not None
