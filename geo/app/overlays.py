"""The Streamlit app's analysis: distances, range rings, maritime zones and their options.

What the sidebar offers (ring origins, places to measure to, coastal states) and
what it draws or measures once chosen, from :mod:`geo.analysis.joins`, :mod:`geo.analysis.zones` and
:mod:`geo.analysis.zonebands`. No Streamlit and no folium: GeoDataFrames and plain values.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import shapely

from geo.analysis import geodesy, joins, naturalearth, rings, zonebands, zones
from geo.app.view import all_features
from geo.data import selection
from geo.data.cache import file_digest, json_cached
from geo.data.reading import Dataset

ZONE_HELP = zones.EEZ_CAVEAT
"""Shown beside the maritime zone selector: the EEZ is approximate."""

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
    features = all_features(dataset)
    if features.empty:
        return {}
    west, south, east, north = (float(v) for v in features.total_bounds)
    return _states_in(
        (west - margin_deg, south - margin_deg, east + margin_deg, north + margin_deg)
    )


# Kept on disk: reading the world's countries takes ~0.25 s of the first page.
@json_cached("states", lambda: file_digest(naturalearth.countries_path()))
def _states_in(box: tuple[float, float, float, float]) -> dict[str, str]:
    world = naturalearth.countries()
    near = world[world.intersects(shapely.box(*box))].sort_values("name")
    return {str(iso): str(name) for iso, name in zip(near["iso_a3"], near["name"], strict=True)}


# --- analysis, rings and zones (geo.analysis: joins, zones, zonebands) ---------------


def analysis_of(dataset: Dataset, to: str | None) -> pd.DataFrame:
    """Per-feature analysis (``geo.analysis.joins.analyze``) without geometry, one row per point.

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
    if to is None or not (all_features(dataset)["id"] == to).any():
        to = joins.NO_TARGET
    result = joins.analyze(dataset, to=to)
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
    movers = joins.point_features(shown)
    movers = movers[movers["layer"].isin(["assets", "strikes"])]
    if len(movers) and len(shown["assets"]):
        near = joins.nearest(movers, shown["assets"], exclude_same_id=True)
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
        (``geo.analysis.ranges``), which may be none.
    """
    radius_km = ring_nm * geodesy.KM_PER_NM if ring_nm is not None else None
    return rings.range_rings(ring_centre(view, origin), radius_km=radius_km)


def zones_for(iso_a3: str) -> gpd.GeoDataFrame | None:
    """The maritime zone bands (12, 24, 200 nm) of a state; None for an unknown code."""
    try:
        return zonebands.zone_bands(iso_a3)
    except ValueError:
        return None
