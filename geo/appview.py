"""What the Streamlit app shows: key figures, the features table, a feature's details, uploads.

The page's content worked out from the data, without Streamlit (testable with
plain data frames): the figures above the map, the rows of the "features in
view" table, everything the side panel shows about one feature (with the
asset's history), markdown text with every value from the data escaped, the
choices the data offers (ring origins, places, coastal states), uploads and
download payloads. The user's choices and the URL live in :mod:`geo.appstate`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo import analysis, geodesy, io, selection, zones
from geo.appstate import all_features
from geo.escape import markdown_link, markdown_text, safe_url
from geo.io import Dataset
from geo.schema import Problem

ZONE_HELP = zones.EEZ_CAVEAT
"""Shown beside the maritime zone selector: the EEZ is approximate."""

# --- figures -------------------------------------------------------------------------------


FIGURE_LABELS = {
    "ships": "Ships",
    "aircraft": "Aircraft",
    "personnel": "Personnel",
    "strikes": "Strikes",
    "killed": "Killed",
}
"""The key figures above the map, in order, with their labels."""


def figures(dataset: Dataset) -> dict[str, int]:
    """The key figures shown above the map, from an as-of selection.

    Returns
    -------
    dict
        ``ships`` (with submarines), ``aircraft``, ``personnel``, ``strikes``, ``killed``
        and ``killed_unknown`` (strikes whose toll is not known).
    """
    numbers = selection.summary(dataset)
    return {
        "ships": numbers["ships"] + numbers["submarines"],
        "aircraft": numbers["aircraft"],
        "personnel": numbers["personnel"],
        "strikes": numbers["strikes"],
        "killed": numbers["killed"],
        "killed_unknown": numbers["strikes_killed_unknown"],
    }


def figure_help(name: str, numbers: Mapping[str, int], previous: date | None) -> str:
    """The tooltip of a key figure: what it counts, and what the change compares with."""
    what = {
        "ships": "Ships and submarines (sum of `count`) in view at the date.",
        "aircraft": "Aircraft, helicopters and drones (sum of `count`) in view at the date.",
        "personnel": "Sum of the `personnel` reported for the assets in view.",
        "strikes": "Strikes in view: up to the date, within the chosen window.",
        "killed": "Deaths reported for the strikes in view.",
    }[name]
    if name == "killed" and numbers.get("killed_unknown"):
        what += f" {numbers['killed_unknown']} strike(s) with an unknown toll are not counted."
    if previous is not None:
        what += f" Change since the previous data date, {previous.isoformat()}."
    return what


# --- the table of features in view ---------------------------------------------------------


TABLE_COLUMNS = (
    "layer",
    "id",
    "name",
    "category",
    "type",
    "count",
    "affiliation",
    "confidence",
    "observed",
    "until",
    "uncertainty_km",
    "lat",
    "lon",
)


ANALYSIS_COLUMNS = (
    "to_nm",
    "nearest_base",
    "nearest_base_nm",
    "home_base",
    "home_base_nm",
    "nearest_asset",
    "nearest_asset_nm",
    "zone",
    "coastal_state",
    "coast_nm",
    "country",
)


def features_table(dataset: Dataset, analysis: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows of the "features in view" table: one per feature, plain values, sortable.

    Parameters
    ----------
    dataset : Dataset
        Usually :func:`in_view`'s result.
    analysis : DataFrame, optional
        ``geo.analysis.analyze`` output (``id`` plus analysis columns) to join by id.

    Returns
    -------
    DataFrame
        :data:`TABLE_COLUMNS` (those present) then the analysis columns; ``lat``/``lon``
        of a point, or of a representative point of a line or area.
    """
    features = all_features(dataset)
    table = pd.DataFrame(index=features.index)
    points = features.geometry.representative_point() if len(features) else features.geometry
    for column in TABLE_COLUMNS:
        if column == "lat":
            table[column] = points.y.round(4) if len(features) else []
        elif column == "lon":
            table[column] = points.x.round(4) if len(features) else []
        elif column in features:
            table[column] = features[column]
    for column in ("observed", "until"):
        if column in table:
            table[column] = pd.to_datetime(table[column], utc=True).dt.tz_localize(None)
    if analysis is not None and len(analysis) and "id" in analysis:
        extra = [c for c in ANALYSIS_COLUMNS if c in analysis and c not in table]
        joined = analysis.drop_duplicates("id").set_index("id")[extra]
        table = table.join(joined, on="id")
    for column in table.columns:
        if column.endswith("_nm"):
            table[column] = pd.to_numeric(table[column], errors="coerce").round(1)
        elif pd.api.types.is_string_dtype(table[column]) or table[column].dtype == object:
            # Text columns: an empty cell, not "None", where a layer has no such field.
            table[column] = table[column].where(table[column].notna(), "")
    return table.reset_index(drop=True)


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
        ``geo.analysis.analyze`` output.
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


def analysis_lines(
    found: Mapping[str, Any], place: str, names: Mapping[str, str] | None = None
) -> list[str]:
    """Markdown lines for the analysis of one feature (values escaped).

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
        lines.append(f"To {markdown_text(place)}: **{_nm(found['to_nm'])}**")
    for key, label in (
        ("nearest_base", "Nearest base"),
        ("home_base", "Home base"),
        ("nearest_asset", "Nearest other asset"),
    ):
        fid = found.get(key)
        if _known(fid):
            text = f"{label}: **{markdown_text(names.get(fid, fid))}**"
            if _known(found.get(f"{key}_nm")):
                text += f", {_nm(found[f'{key}_nm'])}"
            lines.append(text)
    if _known(found.get("zone")):
        text = f"Zone: **{markdown_text(found['zone'])}**"
        if _known(found.get("coastal_state")):
            text += f" of {markdown_text(found['coastal_state'])}"
        if _known(found.get("coast_nm")):
            text += f", {_nm(found['coast_nm'])} from its coast"
        lines.append(text)
    if _known(found.get("country")):
        lines.append(f"Inside the borders of: {markdown_text(found['country'])}")
    return lines


def _known(value: Any) -> bool:
    return _text(value) is not None


# --- choices offered by the data -----------------------------------------------------------


def options_for_rings(view: Dataset) -> dict[str, str]:
    """Bases and assets in view a range ring can be drawn around: key -> label.

    An asset's key is its ``entity`` (else its id), so that a chosen asset stays
    chosen when the date changes and its ring follows its reported position.
    """
    out: dict[str, str] = {}
    for fid, name in zip(view["bases"]["id"], view["bases"]["name"], strict=True):
        out[str(fid)] = f"{name} (base)"
    assets = view["assets"]
    if len(assets):
        keys = assets["entity"].where(assets["entity"].notna(), assets["id"])
        for key, name, kind in zip(keys, assets["name"], assets["type"], strict=True):
            out[str(key)] = f"{name} ({kind})"
    return out


def ring_origins(dataset: Dataset) -> set[str]:
    """Every key :func:`options_for_rings` can offer at some date (for checking a shared link)."""
    keys = set(dataset["bases"]["id"].astype(str))
    assets = dataset["assets"]
    if len(assets):
        keys |= set(assets["id"].astype(str))
        keys |= set(assets["entity"].dropna().astype(str))
    return keys


def options_for_places(dataset: Dataset) -> dict[str, str]:
    """Places and bases distances can be measured to: id -> label."""
    out: dict[str, str] = {}
    for layer in ("places", "bases"):
        frame = dataset[layer]
        points = frame[frame.geometry.geom_type == "Point"] if len(frame) else frame
        for fid, name in zip(points["id"], points["name"], strict=True):
            out[str(fid)] = str(name)
    return out


def nearby_states(dataset: Dataset, margin_deg: float = 3.0) -> dict[str, str]:
    """States whose territory lies within the data's extent (plus a margin): ISO A3 -> name.

    These are the states whose maritime zones the app offers to draw.
    """
    from geo.naturalearth import countries

    features = all_features(dataset)
    if features.empty:
        return {}
    west, south, east, north = features.total_bounds
    box = shapely.box(west - margin_deg, south - margin_deg, east + margin_deg, north + margin_deg)
    world = countries()
    near = world[world.intersects(box)].sort_values("name")
    return {str(iso): str(name) for iso, name in zip(near["iso_a3"], near["name"], strict=True)}


# --- analysis, rings and zones (geo.analysis, geo.zones) -----------------------------------


def analysis_of(dataset: Dataset, to: str | None) -> pd.DataFrame:
    """Per-feature analysis (``geo.analysis.analyze``) without geometry, one row per point.

    Every report of every asset has its own row (joined by ``id``), so the table
    and the details show the analysis of the report on screen.

    Parameters
    ----------
    dataset : Dataset
        The whole data set.
    to : str or None
        Id of the place distances are measured to; an id that is not in the data
        leaves the distances empty rather than failing.
    """
    if to is not None and not (all_features(dataset)["id"] == to).any():
        to = None
    result = analysis.analyze(dataset, to=to)
    return pd.DataFrame(result.drop(columns=result.geometry.name))


def analysis_at(dataset: Dataset, found: pd.DataFrame, day: date | None) -> pd.DataFrame:
    """``found`` (:func:`analysis_of`) with the nearest other asset as of ``day``.

    Over the whole data set an asset's nearest "other" asset is often its own
    earlier report; at a date each asset has one position, so the nearest asset
    of each asset and strike is measured among the assets of that date.
    """
    out = found.copy()
    out["nearest_asset"] = None
    out["nearest_asset_nm"] = float("nan")
    shown = selection.as_of(dataset, day)
    movers = analysis.point_features(shown)
    movers = movers[movers["layer"].isin(["assets", "strikes"])]
    if len(movers) and len(shown["assets"]):
        near = analysis.nearest(movers, shown["assets"], exclude_same_id=True)
        by_id = near.set_index(movers["id"].to_numpy())
        hit = out["id"].isin(by_id.index)
        out.loc[hit, "nearest_asset"] = by_id.loc[out.loc[hit, "id"], "nearest_id"].to_numpy()
        out.loc[hit, "nearest_asset_nm"] = by_id.loc[out.loc[hit, "id"], "nearest_nm"].to_numpy()
    return out


def ring_centre(view: Dataset, origin: str) -> gpd.GeoDataFrame:
    """The base or asset ``origin`` (an id, or an asset's ``entity``) as shown in ``view``."""
    for layer in ("bases", "assets"):
        frame = view[layer]
        if not len(frame):
            continue
        match = frame["id"] == origin
        if "entity" in frame:
            match |= frame["entity"] == origin
        if match.any():
            return frame[match].tail(1)
    return view["bases"].iloc[0:0]


def rings_for(view: Dataset, origin: str, ring_nm: float | None) -> gpd.GeoDataFrame:
    """Geodesic range rings around ``origin`` at its position in ``view``.

    Parameters
    ----------
    view : Dataset
        What is in view (the as-of selection): an asset's ring follows its position.
    origin : str
        Id of a base, or id or ``entity`` of an asset.
    ring_nm : float or None
        Radius in nautical miles; None draws the nominal ranges of the origin's type
        (``geo.ranges``), which may be none.
    """
    radius_km = ring_nm * geodesy.KM_PER_NM if ring_nm is not None else None
    return analysis.range_rings(ring_centre(view, origin), radius_km=radius_km)


def zones_for(iso_a3: str) -> gpd.GeoDataFrame | None:
    """The maritime zone bands (12, 24, 200 nm) of a state; None for an unknown code."""
    try:
        return zones.zone_bands(iso_a3)
    except ValueError:
        return None


# --- data in and out -----------------------------------------------------------------------


def content_key(files: Mapping[str, bytes]) -> str:
    """A digest of file names and contents: the cache key of a data set."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def upload_files(uploads: Mapping[str, bytes]) -> tuple[dict[str, bytes], list[Problem]]:
    """Turn uploaded files into the ``{name: bytes}`` that :func:`geo.io.load_bytes` reads.

    Zip files are unpacked (``geo.io.read_zip``, with its size limits); other files
    are passed on by name and checked by ``load_bytes``. Nothing is written to disk.
    """
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for name, data in uploads.items():
        if PurePosixPath(name).suffix.lower() == ".zip":
            more, more_problems = io.read_zip(name, data)
            files.update(more)
            problems.extend(more_problems)
        else:
            files[name] = data
    return files, problems


def problems_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """One row per problem: file, feature (position), id, field, problem."""
    rows = [
        {
            "file": p.file,
            "feature": "" if p.index is None else f"{p.item} {p.index}",
            "id": p.feature_id or "",
            "field": p.field or "",
            "problem": p.message,
        }
        for p in problems
    ]
    return pd.DataFrame(rows, columns=["file", "feature", "id", "field", "problem"])


def dataset_geojson(dataset: Dataset) -> str:
    """All layers of ``dataset`` as one RFC 7946 FeatureCollection (text).

    Each feature keeps its properties and gains ``layer``, so that the layers
    can be told apart (and split again).
    """
    features = []
    for layer, frame in dataset.layers.items():
        if len(frame):
            for feature in io.to_feature_collection(frame)["features"]:
                feature["properties"] = {"layer": layer, **feature["properties"]}
                features.append(feature)
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False)
