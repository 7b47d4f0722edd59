"""Nearest joins that are geodesic and exact, fast through a projection.

``sjoin_nearest`` runs in an azimuthal equidistant projection centred on the data, then
every candidate the projection's scale error could have mis-ranked is measured with pyproj
``Geod`` (WGS 84); ties are broken by id. How and why: ``docs/analysis.md``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis import geodesy

TIE_M = 1.0  # candidates within a metre of the nearest count as tied


def nearest(
    left: gpd.GeoDataFrame,
    right: gpd.GeoDataFrame,
    right_id: str = "id",
    exclude_same_id: bool = False,
    left_id: str = "id",
) -> pd.DataFrame:
    """For each feature of ``left``, the nearest feature of ``right`` by geodesic distance.

    ``sjoin_nearest`` runs in an azimuthal equidistant projection centred on both
    frames (never on degrees). Its scale factor k is at least 1 and at most
    ``geodesy.aeqd_scale_bound`` over the data, so any feature truly nearer than
    the projected nearest lies within k times that projected distance: those
    candidates are all measured with ``Geod`` and the geodesically nearest wins.
    Features equally near (within 1 m) are ties: the smallest id wins and
    ``ties`` counts them.

    Parameters
    ----------
    left, right : GeoDataFrame
        Points (other geometries use their representative point), any CRS.
    right_id : str
        Column of ``right`` naming its features.
    exclude_same_id : bool
        Skip pairs with the same id (nearest *other* feature of the same layer).
    left_id : str
        Column of ``left`` compared with ``right_id`` when ``exclude_same_id``.

    Returns
    -------
    DataFrame
        Indexed like ``left``: ``nearest_id``, ``nearest_km``, ``nearest_nm``,
        ``ties`` (null/NaN/0 where there is no candidate).
    """
    out = pd.DataFrame(
        {
            "nearest_id": pd.Series([None] * len(left), dtype=object, index=left.index),
            "nearest_km": np.nan,
            "nearest_nm": np.nan,
            "ties": 0,
        },
        index=left.index,
    )
    if len(left) == 0 or len(right) == 0:
        return out
    lpts = geodesy.representative_points(left)
    rpts = geodesy.representative_points(right)
    ll = np.column_stack([lpts.x.to_numpy(), lpts.y.to_numpy()])
    rl = np.column_stack([rpts.x.to_numpy(), rpts.y.to_numpy()])
    both = np.concatenate([ll, rl])
    lon0, lat0 = geodesy.spherical_centre(both[:, 0], both[:, 1])
    crs = geodesy.aeqd_crs(lon0, lat0)
    k = geodesy.aeqd_scale_bound(lon0, lat0, both[:, 0], both[:, 1])
    lp = gpd.GeoDataFrame({"_left": np.arange(len(left))}, geometry=lpts.values, crs=4326).to_crs(
        crs
    )
    rp = gpd.GeoDataFrame({"_right": np.arange(len(right))}, geometry=rpts.values, crs=4326).to_crs(
        crs
    )

    # First pass, as the projection ranks them (co-located features are skipped when
    # excluding self, and found again by the candidate search below).
    joined = gpd.sjoin_nearest(lp, rp, distance_col="_d", exclusive=exclude_same_id)
    first = joined.groupby("_left")["_d"].min()
    projected = np.full(len(left), 0.0)
    projected[first.index.to_numpy()] = first.to_numpy()
    # Ellipsoidal slack (< 0.1 %) and a metre for co-located points.
    radius = projected * k * 1.001 + TIE_M if np.isfinite(k) else np.full(len(left), np.inf)
    tree = shapely.STRtree(rp.geometry.values)
    if np.isinf(radius).any():
        li = np.repeat(np.arange(len(left)), len(right))
        ri = np.tile(np.arange(len(right)), len(left))
    else:
        li, ri = tree.query(lp.geometry.values, predicate="dwithin", distance=radius)
    right_ids = (right[right_id] if right_id in right else pd.Series(range(len(right)))).astype(str)
    right_ids = right_ids.to_numpy()
    if exclude_same_id and left_id in left:
        left_ids = left[left_id].astype(str).to_numpy()
        keep = left_ids[li] != right_ids[ri]
        li, ri = li[keep], ri[keep]
    if len(li) == 0:
        return out
    dist = geodesy.distance_m(ll[li, 0], ll[li, 1], rl[ri, 0], rl[ri, 1])
    cand = pd.DataFrame({"left": li, "id": right_ids[ri], "m": dist})
    cand["best"] = cand.groupby("left")["m"].transform("min")
    tied = cand[cand["m"] <= cand["best"] + TIE_M].sort_values(["left", "id"])
    winner = tied.drop_duplicates("left", keep="first").set_index("left")
    counts = tied.groupby("left").size()
    rows = winner.index.to_numpy()
    out.iloc[rows, out.columns.get_loc("nearest_id")] = winner["id"].to_numpy()
    out.iloc[rows, out.columns.get_loc("nearest_km")] = winner["best"].to_numpy() / 1000.0
    out.iloc[rows, out.columns.get_loc("nearest_nm")] = winner["best"].to_numpy() / (
        1000.0 * geodesy.KM_PER_NM
    )
    out.iloc[rows, out.columns.get_loc("ties")] = counts.loc[rows].to_numpy()
    return out
