"""The tracks layer's features: one row per leg, named, identified, matched to an asset.

:func:`assemble` turns the vertices kept by :func:`geo.tracks.legs.build_tracks` and the
per-ping attributes into the leg features of the data format: geometry (a MultiLineString
when the leg crosses the antimeridian), ``times`` per vertex, a name such as
``RCH123 (ae1234), leg 2 of 3``, a unique id, the asset it is (:func:`asset_lookup`) and
the figures of the leg. Vectorised: Python loops run per leg at most, never per ping.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.data.gaps import iso_seconds
from geo.data.reading import CRS, empty_layer
from geo.tracks.layouts import EXTRA_ROLES, ICAO_LAYOUTS, MMSI_LAYOUTS

ID_FIELDS = ("id", "icao24", "mmsi", "callsign")
"""Asset properties a ping id (or callsign) is matched against, case-insensitively."""


def asset_lookup(assets: gpd.GeoDataFrame | pd.DataFrame | None) -> dict[str, str]:
    """Map lower-cased asset identifiers to the asset id a track should cite.

    An asset reported several times (``entity`` naming its first report) is cited by
    that first report's id.

    Parameters
    ----------
    assets : GeoDataFrame or None
        The assets layer of the data directory.

    Returns
    -------
    dict of str to str
    """
    lookup: dict[str, str] = {}
    if assets is None or len(assets) == 0 or "id" not in assets:
        return lookup
    known = set(assets["id"].astype(str))
    entity = assets["entity"] if "entity" in assets else pd.Series(None, index=assets.index)
    target = [
        e if isinstance(e, str) and e in known else str(i)
        for i, e in zip(assets["id"], entity, strict=True)
    ]
    for column in ID_FIELDS:
        if column not in assets:
            continue
        for value, cited in zip(assets[column], target, strict=True):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            lookup.setdefault(str(value).strip().lower(), cited)
    return lookup


def slug(values: pd.Series) -> pd.Series:
    """Lower-case ``a-z0-9`` runs joined by ``-`` (``x`` when none), for ids.

    Parameters
    ----------
    values : Series
        Any values; taken as text.

    Returns
    -------
    Series of str
    """
    text = values.astype(str).str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True)
    return text.str.strip("-").replace("", "x")


def assemble(
    pings: pd.DataFrame,
    *,
    order: np.ndarray,
    codes: np.ndarray,
    keys: np.ndarray,
    category: np.ndarray,
    category_names: pd.Index,
    leg: np.ndarray,
    start_of_leg: np.ndarray,
    reason_before: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    times: np.ndarray,
    part: np.ndarray,
    vertex_leg: np.ndarray,
    original_in_leg: np.ndarray,
    source: str,
    assets: gpd.GeoDataFrame | None,
    tolerance_m: float,
    taken_ids: set[str],
) -> gpd.GeoDataFrame:
    """Build the leg features from the kept vertices and the per-ping attributes.

    Parameters
    ----------
    pings : DataFrame
        The ping frame given to :func:`geo.tracks.legs.build_tracks` (layout, extra roles).
    order : ndarray of int
        For every ping drawn (sorted by id, time), its row position in ``pings``.
    codes, category, leg, start_of_leg : ndarray
        For every ping drawn: its id code, category code, leg number (0 to L-1) and
        whether it starts its leg.
    keys : ndarray of object
        The id of each id code.
    category_names : Index
        The category of each category code.
    reason_before : ndarray of object
        Per leg: why it is split from the previous one (``silence``, ``impossible jump``).
    lon, lat, times, part, vertex_leg : ndarray
        For every vertex kept: position, time (int64 nanoseconds), part number and leg.
    original_in_leg : ndarray of int
        Per leg: raw pings in it.
    source : str
        Source id every leg cites.
    assets : GeoDataFrame or None
        The assets layer, for :func:`asset_lookup`.
    tolerance_m : float
        The simplification tolerance, recorded on every leg.
    taken_ids : set of str
        Feature ids used elsewhere, to avoid.

    Returns
    -------
    GeoDataFrame
        The tracks layer (EPSG:4326), one row per leg.
    """
    legs = int(leg.max()) + 1 if len(leg) else 0
    if legs == 0:
        return empty_layer("tracks")
    # Geometry: one line per part; legs with several parts (antimeridian) are multi-lines.
    part_lines = shapely.linestrings(np.column_stack([lon, lat]), indices=part)
    leg_of_part = vertex_leg[np.r_[0, np.flatnonzero(np.diff(part)) + 1]]
    parts_per_leg = np.bincount(leg_of_part, minlength=legs)
    multi = shapely.multilinestrings(part_lines, indices=leg_of_part)
    geometry = multi.copy()
    single = np.flatnonzero(parts_per_leg == 1)
    first_part_of_leg = np.r_[0, np.cumsum(parts_per_leg)[:-1]]
    geometry[single] = part_lines[first_part_of_leg[single]]

    # Times per vertex, as ISO strings split per leg.
    iso = iso_seconds(times)
    bounds = np.flatnonzero(np.diff(vertex_leg)) + 1
    times_per_leg = [chunk.tolist() for chunk in np.split(iso, bounds)]
    first_iso = iso[np.r_[0, bounds]]
    last_iso = iso[np.r_[bounds - 1, len(iso) - 1]]

    # Per-leg attributes from the pings (first non-empty value of each extra role).
    first_ping = np.flatnonzero(start_of_leg)
    track_codes = codes[first_ping]
    track_key = keys[track_codes]
    firsts = {role: _first_per_leg(pings[role], order, leg, legs) for role in EXTRA_ROLES}
    layout = pings["layout"].take(order[first_ping]).to_numpy(dtype=object)
    leg_category = np.asarray(category_names, dtype=object)[category[first_ping]]

    per_track = pd.Series(track_codes)
    leg_number = per_track.groupby(per_track).cumcount().to_numpy() + 1
    leg_total = per_track.map(per_track.value_counts()).to_numpy()
    # Silence between this leg and the previous drawn leg of the same track.
    first_t = times[np.r_[0, bounds]]
    last_t = times[np.r_[bounds - 1, len(times) - 1]]
    gap_s = np.full(legs, np.nan)
    later = np.flatnonzero(leg_number > 1)
    gap_s[later] = (first_t[later] - last_t[later - 1]) / 1e9

    callsign, vessel, label_name = firsts["callsign"], firsts["vessel_name"], firsts["name"]
    label = pd.Series(callsign).fillna(pd.Series(vessel)).fillna(pd.Series(label_name))
    key_series = pd.Series(track_key, dtype=object).astype(str)
    shown = label.fillna(key_series).astype(str)
    suffix = np.where(
        label.notna() & (label.astype(str) != key_series), " (" + key_series + ")", ""
    )
    name = shown + suffix + ", leg " + leg_number.astype(str) + " of " + leg_total.astype(str)

    lookup = asset_lookup(assets)
    lowered = key_series.str.strip().str.lower()
    asset = lowered.map(lookup)
    asset = asset.fillna(pd.Series(callsign, dtype=object).str.strip().str.lower().map(lookup))

    ids = "track-" + slug(key_series) + "-" + pd.Series(leg_number).astype(str)
    ids = _unique(ids, taken_ids)

    icao24 = np.where(np.isin(layout, list(ICAO_LAYOUTS)), key_series, None)
    mmsi = np.where(np.isin(layout, list(MMSI_LAYOUTS)), key_series, None)
    tracks = gpd.GeoDataFrame(
        {
            "id": ids.to_numpy(),
            "name": name.to_numpy(),
            "sources": [[source] for _ in range(legs)],
            "confidence": "reported",
            "observed": pd.to_datetime(first_iso, utc=True, format="ISO8601"),
            "until": pd.to_datetime(last_iso, utc=True, format="ISO8601"),
            "times": times_per_leg,
            "asset": asset.to_numpy(dtype=object),
            "track": key_series.to_numpy(),
            "category": leg_category,
            "layout": layout,
            "icao24": icao24,
            "mmsi": mmsi,
            "callsign": callsign,
            "vessel_name": vessel,
            "leg": leg_number,
            "legs": leg_total,
            "gap_before_s": gap_s,
            "gap_reason": np.where(leg_number > 1, reason_before, None),
            "points_in": original_in_leg,
            "points_out": np.bincount(vertex_leg, minlength=legs),
            "tolerance_m": float(tolerance_m),
        },
        geometry=geometry,
        crs=CRS,
    )
    return tracks


def _first_per_leg(values: pd.Series, order: np.ndarray, leg: np.ndarray, legs: int) -> np.ndarray:
    """The first non-missing value of ``values`` in each leg (None when a leg has none)."""
    present = values.notna().to_numpy()[order]
    out = np.full(legs, None, dtype=object)
    found_legs, first = np.unique(leg[present], return_index=True)
    rows = order[np.flatnonzero(present)[first]]
    out[found_legs] = values.take(rows).to_numpy(dtype=object)
    return out


def _unique(ids: pd.Series, taken: set[str]) -> pd.Series:
    """Make ids unique among themselves and against ``taken`` by adding ``-2``, ``-3``..."""
    seen = set(taken)
    if not ids.duplicated().any() and not ids.isin(seen).any():
        return ids
    out = []
    for value in ids:  # only reached on collisions: once per leg, not per ping
        candidate, number = value, 1
        while candidate in seen:
            number += 1
            candidate = f"{value}-{number}"
        seen.add(candidate)
        out.append(candidate)
    return pd.Series(out, index=ids.index)
