"""The analysis layer: joins, geodesic distances, zones and range rings over a Dataset.

Everything here takes a :class:`geo.data.reading.Dataset` or GeoDataFrames and returns
(Geo)DataFrames, so the map, the app and the exports show the same figures.

* Attribute join: each asset with its home base (``base`` -> ``bases.id``).
* Nearest joins (:func:`geo.analysis.nearest.nearest`): ``sjoin_nearest`` in an azimuthal
  equidistant projection centred on the data, then exact geodesic distances (WGS 84) for
  every candidate the projection's scale error could have mis-ranked; ties broken by id.
  "Nearest base" is of the feature's side; the nearest hostile base is beside it.
* Distances to a named place and to bases: pyproj ``Geod`` (:mod:`geo.analysis.geodesy`).
* Country and maritime zone of each feature: :mod:`geo.analysis.zones`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis import geodesy, uncertainty, zones
from geo.analysis.nearest import nearest
from geo.data.reading import Dataset

POINT_LAYERS = ("bases", "assets", "strikes", "places")
NO_TARGET = ""
"""``analyze(to=NO_TARGET)`` measures to no place (no id is empty)."""
CAPITAL_KINDS = ("capital",)
"""A place whose ``kind`` contains one of these words is a capital (``capital city``)."""
SIDED_LAYERS = ("bases", "assets")
"""Layers whose features have a side (``affiliation``)."""
OPPOSING = {"friend": "hostile", "hostile": "friend", "neutral": "hostile", "unknown": "hostile"}
"""The side whose bases are a feature's ``nearest_hostile_base``, by the feature's side."""
ANY_SIDE = "any"

ANALYSIS_COLUMNS = [
    "id",
    "layer",
    "name",
    "lon",
    "lat",
    "uncertainty_km",
    "country",
    "zone",
    "zones_possible",
    "zone_certain",
    "states_possible",
    "coastal_state",
    "coastal_iso_a3",
    "coast_nm",
    "coast_nm_min",
    "coast_nm_max",
    "side",
    "nearest_base",
    "nearest_base_nm",
    "nearest_base_km",
    "nearest_base_nm_min",
    "nearest_base_nm_max",
    "nearest_hostile_base",
    "nearest_hostile_base_nm",
    "nearest_hostile_base_nm_min",
    "nearest_hostile_base_nm_max",
    "nearest_asset",
    "nearest_asset_nm",
    "home_base",
    "home_base_nm",
    "to",
    "to_nm",
    "to_km",
    "to_nm_min",
    "to_nm_max",
]
"""Columns of :func:`analyze`. Each ``_min``/``_max`` pair is the range of that distance over
the feature's uncertainty circle (:mod:`geo.analysis.uncertainty`). ``side`` is the feature's
``affiliation`` (friend where not given; none for strikes and places); ``nearest_base`` is the
nearest base of the same side (of any side for strikes and places), ``nearest_hostile_base``
the nearest of the other side (:data:`OPPOSING`)."""


# --- the data set ----------------------------------------------------------------------------


def point_features(dataset: Dataset) -> gpd.GeoDataFrame:
    """Point features of bases, assets, strikes and places in one frame (id, layer, name, ...)."""
    frames = []
    for layer in POINT_LAYERS:
        frame = dataset[layer]
        if len(frame) == 0:
            continue
        frame = frame[frame.geometry.geom_type == "Point"]
        keep = [
            c
            for c in (
                "id",
                "layer",
                "name",
                "type",
                "category",
                "base",
                "killed",
                "uncertainty_km",
                "affiliation",
            )
            if c in frame
        ]
        frames.append(frame[[*keep, "geometry"]].assign(layer=layer))
    if not frames:
        return gpd.GeoDataFrame({"id": [], "layer": [], "name": []}, geometry=[], crs=4326)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=4326)


def place_point(dataset: Dataset, place_id: str) -> tuple[float, float, str]:
    """Longitude, latitude and name of the feature ``place_id`` (any layer; areas by inner point).

    Raises
    ------
    KeyError
        With a message listing the known places when the id is not in the data.
    """
    for layer in ("places", *[name for name in dataset.layers if name != "places"]):
        frame = dataset[layer]
        if len(frame) and "id" in frame:
            hit = frame[frame["id"] == place_id]
            if len(hit):
                point = hit.geometry.iloc[0]
                if point.geom_type != "Point":
                    point = point.representative_point()
                return float(point.x), float(point.y), str(hit["name"].iloc[0])
    known = (
        ", ".join(sorted(map(str, dataset["places"]["id"]))) if len(dataset["places"]) else "none"
    )
    raise KeyError(f"unknown place id {place_id!r}; places in the data: {known}")


def default_target(dataset: Dataset) -> str | None:
    """The id of the place distances are measured to when none is asked: the data's capital.

    The first place whose ``kind`` names a capital (:data:`CAPITAL_KINDS`, e.g. ``capital
    city``), else None: no theatre is special, and without a capital the column is left out.
    """
    places = dataset["places"]
    if len(places) == 0 or "kind" not in places:
        return None
    kinds = places["kind"].astype(str).str.lower()
    capital = kinds.str.contains("|".join(CAPITAL_KINDS), regex=True)
    return str(places.loc[capital, "id"].iloc[0]) if capital.any() else None


def sides(frame: pd.DataFrame) -> pd.Series:
    """Each feature's side: its ``affiliation`` (friend where not given, as the format says).

    Features of layers without sides (strikes, places: a ``layer`` column tells) get None:
    their nearest base is the nearest of any side.
    """
    if "affiliation" in frame:
        side = frame["affiliation"].where(frame["affiliation"].notna(), "friend").astype(object)
    else:
        side = pd.Series("friend", index=frame.index, dtype=object)
    if "layer" in frame:
        side = side.copy()
        side[~frame["layer"].isin(SIDED_LAYERS).to_numpy()] = None
    return side


def home_bases(dataset: Dataset) -> pd.DataFrame:
    """Attribute join of assets with their home base: ``home_base``, ``home_base_name``, ``_nm``."""
    assets, bases = dataset["assets"], dataset["bases"]
    out = pd.DataFrame(index=assets.index, columns=["home_base", "home_base_name", "home_base_nm"])
    if len(assets) == 0:
        return out
    lookup = bases.set_index("id") if len(bases) else None
    ids = assets["base"].where(assets["base"].notna(), None) if "base" in assets else None
    out["home_base"] = ids
    if lookup is None or ids is None:
        return out
    known = ids.isin(lookup.index)
    if known.any():
        base_geom = lookup.geometry.loc[ids[known]].to_numpy()
        asset_geom = assets.geometry[known].to_numpy()
        out.loc[known, "home_base_name"] = lookup["name"].loc[ids[known]].to_numpy()
        out.loc[known, "home_base_nm"] = geodesy.distance_nm(
            shapely.get_x(asset_geom),
            shapely.get_y(asset_geom),
            shapely.get_x(base_geom),
            shapely.get_y(base_geom),
        )
    out["home_base_nm"] = pd.to_numeric(out["home_base_nm"])
    return out


def analyze(dataset: Dataset, to: str | None = None) -> gpd.GeoDataFrame:
    """One record per point feature: where it is, in whose waters, how far from what.

    Parameters
    ----------
    dataset : Dataset
        Usually an as-of selection (:func:`geo.data.selection.as_of`), so that each
        asset appears once, at its latest position.
    to : str or None
        Id of the feature (normally a place) to measure ``to_nm``/``to_km`` to; by
        default the data's capital (:func:`default_target`), and the columns are empty
        when it has none or when ``to`` is :data:`NO_TARGET`.

    Returns
    -------
    GeoDataFrame
        Columns :data:`ANALYSIS_COLUMNS` and geometry (EPSG:4326). ``nearest_base`` is
        the nearest base of the feature's side (another base, for a base) and
        ``nearest_hostile_base`` the nearest of the other side; ``nearest_asset`` is only
        for assets and strikes; ``home_base`` only for assets. Distances are geodesic (WGS 84).

    Raises
    ------
    KeyError
        When ``to`` is not the id of a feature in the data.
    """
    to = to if to is not None else default_target(dataset)
    target = place_point(dataset, to) if to else None
    points = point_features(dataset)
    frame = points[["id", "layer", "name", "geometry"]].copy()
    frame["lon"] = points.geometry.x
    frame["lat"] = points.geometry.y
    radius = (
        pd.to_numeric(points["uncertainty_km"], errors="coerce").fillna(0.0).to_numpy()
        if "uncertainty_km" in points
        else np.zeros(len(points))
    )
    frame["uncertainty_km"] = radius
    where = uncertainty.zone_ranges(frame["lon"].to_numpy(), frame["lat"].to_numpy(), radius)
    for column in ("country", "zone", "coastal_state", "coastal_iso_a3"):
        frame[column] = where[column].astype(object).where(where[column].notna(), None).to_numpy()
    for column in ("coast_nm", "coast_nm_min", "coast_nm_max"):
        frame[column] = where[column].to_numpy(dtype=float)
    for column in ("zones_possible", "states_possible", "zone_certain"):
        frame[column] = where[column].to_numpy()

    frame["side"] = pd.Series(sides(points).to_numpy(), index=frame.index, dtype=object)
    bases = dataset["bases"]
    base_sides = sides(bases) if len(bases) else pd.Series([], dtype=object)
    same = frame["side"].fillna(ANY_SIDE)
    other = frame["side"].map(OPPOSING)
    for prefix, wanted in (("nearest_base", same), ("nearest_hostile_base", other)):
        found = _nearest_of_side(points, bases, base_sides, wanted, radius)
        for suffix, column in found.items():
            frame[prefix + suffix] = pd.Series(column, index=frame.index, dtype=column.dtype)
    frame["nearest_asset"] = None
    frame["nearest_asset_nm"] = np.nan
    assets = points[points["layer"] == "assets"]
    movers = points[points["layer"].isin(["assets", "strikes"])]
    if len(assets) and len(movers):
        found = nearest(movers, assets, exclude_same_id=True)
        frame.loc[found.index, "nearest_asset"] = found["nearest_id"]
        frame.loc[found.index, "nearest_asset_nm"] = found["nearest_nm"].astype(float)

    frame["home_base"] = None
    frame["home_base_nm"] = np.nan
    if len(assets):
        homes = home_bases(dataset).set_index(dataset["assets"]["id"])
        is_asset = frame["layer"] == "assets"
        ids = frame.loc[is_asset, "id"]
        frame.loc[is_asset, "home_base"] = homes["home_base"].reindex(ids).to_numpy()
        frame.loc[is_asset, "home_base_nm"] = homes["home_base_nm"].reindex(ids).to_numpy()

    frame["to"] = to or None
    if target is not None:
        km = geodesy.distance_km(
            frame["lon"].to_numpy(), frame["lat"].to_numpy(), target[0], target[1]
        )
        frame["to_km"] = km
        frame["to_nm"] = km / geodesy.KM_PER_NM
        frame["to_nm_min"], frame["to_nm_max"] = uncertainty.distance_range(frame["to_nm"], radius)
    else:
        frame["to_km"] = frame["to_nm"] = frame["to_nm_min"] = frame["to_nm_max"] = np.nan
    return gpd.GeoDataFrame(frame[[*ANALYSIS_COLUMNS, "geometry"]], geometry="geometry", crs=4326)


def _nearest_of_side(
    points: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    base_sides: pd.Series,
    wanted: pd.Series,
    radius_km: np.ndarray,
) -> dict[str, pd.Series]:
    """Nearest base of the side ``wanted[i]`` for each point: id, nm, km and nm range."""
    index = wanted.index
    out = {
        "": pd.Series([None] * len(index), index=index, dtype=object),
        "_nm": pd.Series(np.nan, index=index),
        "_km": pd.Series(np.nan, index=index),
        "_nm_min": pd.Series(np.nan, index=index),
        "_nm_max": pd.Series(np.nan, index=index),
    }
    for side in wanted.unique():
        if side is None or pd.isna(side):
            continue
        chosen = base_sides.notna() if side == ANY_SIDE else base_sides == side
        pool = bases[chosen.to_numpy()] if len(bases) else bases
        rows = (wanted == side).to_numpy()
        if len(pool) == 0 or not rows.any():
            continue
        subset = points[rows]
        found = nearest(subset, pool, exclude_same_id=False)
        own = nearest(subset[subset["layer"] == "bases"], pool, exclude_same_id=True)
        found.loc[own.index] = own
        centre = found["nearest_nm"].to_numpy(dtype=float)
        low, high = _nearest_range(subset, pool, radius_km[rows], centre)
        out[""].iloc[rows] = found["nearest_id"].to_numpy()
        out["_nm"].iloc[rows] = centre
        out["_km"].iloc[rows] = found["nearest_km"].to_numpy(dtype=float)
        out["_nm_min"].iloc[rows] = low
        out["_nm_max"].iloc[rows] = high
    ids = np.array([v if isinstance(v, str) else None for v in out.pop("")], dtype=object)
    return {"": ids, **{suffix: column.to_numpy() for suffix, column in out.items()}}


def _nearest_range(
    points: gpd.GeoDataFrame, bases: gpd.GeoDataFrame, radius_km: np.ndarray, centre_nm: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Range of the distance to the nearest base (another base, for a base) over each circle."""
    lon, lat = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    xs, ys, owner = uncertainty.circle_samples(lon, lat, radius_km)
    samples = gpd.GeoDataFrame(
        {"id": points["id"].to_numpy()[owner], "layer": points["layer"].to_numpy()[owner]},
        geometry=shapely.points(xs, ys),
        crs=4326,
    )
    found = nearest(samples, bases)["nearest_nm"].to_numpy(dtype=float, copy=True)
    own = (samples["layer"] == "bases").to_numpy()
    if own.any():
        found[own] = nearest(samples[own], bases, exclude_same_id=True)["nearest_nm"].to_numpy(
            dtype=float
        )
    return uncertainty.sampled_range(centre_nm, radius_km, found, owner)


def strikes_by_zone(dataset: Dataset) -> pd.DataFrame:
    """Strikes and deaths per maritime zone and coastal state (:func:`geo.analysis.zones.classify`).

    Returns
    -------
    DataFrame
        Columns ``zone``, ``coastal_state``, ``strikes``, ``killed`` (known tolls
        summed) and ``killed_unknown`` (strikes whose toll is null), in zone order
        (land, territorial sea, contiguous zone, EEZ, high seas).
    """
    strikes = dataset["strikes"]
    strikes = strikes[strikes.geometry.geom_type == "Point"] if len(strikes) else strikes
    columns = ["zone", "coastal_state", "strikes", "killed", "killed_unknown"]
    if len(strikes) == 0:
        return pd.DataFrame(columns=columns)
    where = zones.classify(strikes.geometry.x.to_numpy(), strikes.geometry.y.to_numpy())
    killed = pd.to_numeric(strikes["killed"], errors="coerce").to_numpy()
    table = pd.DataFrame(
        {
            "zone": where["zone"].astype(str).to_numpy(),
            "coastal_state": where["coastal_state"].astype(object).fillna("(none)").to_numpy(),
            "killed": np.nan_to_num(killed),
            "killed_unknown": np.isnan(killed).astype(int),
        }
    )
    grouped = table.groupby(["zone", "coastal_state"], sort=False).agg(
        strikes=("killed", "size"),
        killed=("killed", "sum"),
        killed_unknown=("killed_unknown", "sum"),
    )
    grouped = grouped.reset_index()
    grouped["killed"] = grouped["killed"].astype(int)
    order = {zone: rank for rank, zone in enumerate(zones.ZONES)}
    grouped = grouped.sort_values(
        ["zone", "coastal_state"], key=lambda s: s.map(order) if s.name == "zone" else s
    )
    return grouped[columns].reset_index(drop=True)
