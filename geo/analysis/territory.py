"""Territory crossed by tracks: whose land and whose territorial sea (12 nm) a route enters.

"Did the bombers enter Venezuelan airspace?" National airspace lies over a state's land and
its territorial sea, so a track enters it where it passes over land or within 12 nm of that
state's coast (the coast of :mod:`geo.analysis.zones`, Natural Earth 1:10m; no baselines).

Each track is followed along its geodesics (:func:`geo.analysis.geodesy.densify`) at most
:data:`STEP_KM` apart and every point is classified (:func:`geo.analysis.zones.classify`):
an island or a stretch of territorial sea narrower than the step can be stepped over, so the
step is well under the 22 km width of a territorial sea. Very long track layers get a longer
step (:data:`POINT_BUDGET`), and say so in ``step_km``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis import geodesy, zones

STEP_KM = 2.0
POINT_BUDGET = 2_000_000
COLUMNS = ["id", "name", "land_crossed", "territorial_sea_crossed", "step_km"]


def _lines(geometry: shapely.Geometry) -> list[np.ndarray]:
    parts = shapely.get_parts(geometry) if geometry is not None else []
    return [shapely.get_coordinates(p) for p in parts if p.geom_type == "LineString"]


def crossings(tracks: gpd.GeoDataFrame) -> pd.DataFrame:
    """The states whose land and territorial sea each track crosses.

    Parameters
    ----------
    tracks : GeoDataFrame
        A tracks layer (LineString or MultiLineString, EPSG:4326) with ``id`` and ``name``.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`: ``land_crossed`` and ``territorial_sea_crossed`` are sorted
        lists of state names (a state's territorial sea is listed only where the track is at
        sea there), ``step_km`` the sampling step used.
    """
    if len(tracks) == 0:
        return pd.DataFrame({c: [] for c in COLUMNS})
    parts = [_lines(g) for g in tracks.geometry]
    length_km = sum(
        float(geodesy.distance_km(p[:-1, 0], p[:-1, 1], p[1:, 0], p[1:, 1]).sum())
        for lines in parts
        for p in lines
        if len(p) > 1
    )
    step = max(STEP_KM, length_km / POINT_BUDGET)
    lons, lats, owners = [], [], []
    for row, lines in enumerate(parts):
        for line in lines:
            x, y = geodesy.densify(line[:, 0], line[:, 1], step)
            lons.append(x)
            lats.append(y)
            owners.append(np.full(len(x), row))
    land: list[list[str]] = [[] for _ in parts]
    sea: list[list[str]] = [[] for _ in parts]
    if lons:
        where = zones.classify(np.concatenate(lons), np.concatenate(lats))
        owner = np.concatenate(owners)
        state = where["coastal_state"].astype(object).to_numpy()
        for kind, out in ((zones.LAND, land), (zones.TERRITORIAL, sea)):
            hit = (where["zone"] == kind).to_numpy() & pd.notna(state)
            for row, names in pd.Series(state[hit]).groupby(owner[hit]):
                out[int(row)] = sorted(set(names))
    return pd.DataFrame(
        {
            "id": tracks["id"].to_numpy() if "id" in tracks else np.arange(len(tracks)),
            "name": tracks["name"].to_numpy() if "name" in tracks else None,
            "land_crossed": land,
            "territorial_sea_crossed": sea,
            "step_km": step,
        }
    )[COLUMNS]


def undeclared(tracks: gpd.GeoDataFrame) -> list[tuple[int, str, list[str]]]:
    """Reconstructed tracks that cross a territory their ``notes`` don't name.

    A reconstruction drawn through a state's airspace (its land or 12 nm territorial sea)
    says something the sources may not: "the bombers entered Venezuelan airspace". The
    states where the track starts and ends (its home bases) are expected and left out; any
    other state crossed must be named in the track's notes.

    Returns
    -------
    list of (int, str, list of str)
        Position in the layer, id and the states crossed but not named, for each such track.
    """
    if len(tracks) == 0 or "reconstructed" not in tracks:
        return []
    rebuilt = tracks[tracks["reconstructed"].fillna(False).astype(bool).to_numpy()]
    if len(rebuilt) == 0:
        return []
    found = crossings(rebuilt)
    out = []
    positions = np.flatnonzero(tracks["reconstructed"].fillna(False).astype(bool).to_numpy())
    rows = rebuilt.to_dict("records")
    for position, row, crossed in zip(positions, rows, found.itertuples(index=False), strict=True):
        ends = _end_states(row["geometry"])
        notes = str(row.get("notes") or "").casefold()
        states = sorted(set(crossed.land_crossed) | set(crossed.territorial_sea_crossed))
        missing = [s for s in states if s not in ends and s.casefold() not in notes]
        if missing:
            out.append((int(position), str(row.get("id")), missing))
    return out


def _end_states(geometry: shapely.Geometry) -> set[str]:
    lines = _lines(geometry)
    if not lines:
        return set()
    ends = np.array([lines[0][0, :2], lines[-1][-1, :2]])
    where = zones.classify(ends[:, 0], ends[:, 1])
    return {str(s) for s in where["coastal_state"] if pd.notna(s)}
