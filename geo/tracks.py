"""Tracks from pings: sort, split into legs at gaps, jumps and the antimeridian, simplify.

Input is the flat ping frame of :mod:`geo.pings`; output is a tracks layer (GeoDataFrame
in EPSG:4326, one feature per leg) in the data format, with ``times`` per vertex. All work
on pings is vectorised with numpy/pandas/shapely; Python loops only run over projection
groups, antimeridian crossings or legs, never over pings.

Simplification is Douglas-Peucker in a transverse Mercator projection with scale factor 1
on its central meridian. That projection is conformal and its scale is >= 1 everywhere, so
a distance measured on it is never shorter than on the ellipsoid: a tolerance of ``T``
metres on the plane guarantees every raw ping (and the raw polyline) lies within ``T``
metres of the simplified line on the ground. Details and thresholds: ``docs/tracks.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.geodesy import GEOD
from geo.pings import EXTRA_ROLES, BadPings, Pings

CRS = "EPSG:4326"


@dataclass(frozen=True)
class Thresholds:
    """When a track is split.

    Attributes
    ----------
    gap_s : float
        Silence longer than this (seconds) between two pings starts a new leg.
    max_speed_ms : float
        A move faster than this (metres per second, plus :data:`JUMP_SLACK_M`) is
        physically impossible for the category and starts a new leg.
    """

    gap_s: float
    max_speed_ms: float


THRESHOLDS: dict[str, Thresholds] = {
    # 30 min; 700 m/s (~Mach 2.3 at altitude, ~1,360 kt): above any aircraft seen on ADS-B.
    "aircraft": Thresholds(gap_s=30 * 60, max_speed_ms=700.0),
    # 6 h; 40 m/s (~78 kt): above the fastest warships and interceptor boats.
    "ship": Thresholds(gap_s=6 * 3600, max_speed_ms=40.0),
}
JUMP_SLACK_M = 1000.0
"""Distance always allowed between two pings, whatever the time between them (position noise)."""
DEFAULT_TOLERANCE_M = 100.0
MAX_MERIDIAN_OFFSET_DEG = 60.0
"""A part reaching farther than this from its projection's central meridian is not simplified."""
_GROUP_DEG = 3.0  # parts are projected on central meridians every 3 degrees

DUPLICATE = "duplicate row (same id, time and position)"
CONFLICT = "same id and time as an earlier ping, different position"
OUTLIER = "impossible jump out and straight back (single-ping outlier)"

GAP_SILENCE = "silence"
GAP_JUMP = "impossible jump"

Stage = Callable[[str], None]
"""Called with the name of each stage as it starts (for progress display)."""
STAGES = (
    "sorting",
    "measuring",
    "splitting",
    "antimeridian",
    "simplifying",
    "assembling",
    "writing",  # announced by import_tracks
)


@dataclass
class TrackReport:
    """What :func:`build_tracks` did, in figures.

    Attributes
    ----------
    pings : int
        Usable pings given.
    bad : BadPings
        Pings left out here (duplicates, conflicting duplicates, outliers), by reason.
    tracks : int
        Aircraft or vessels with at least one leg drawn.
    legs : int
        Legs drawn (features written).
    gaps : int
        Splits at silences longer than the gap threshold.
    jumps : int
        Splits at impossible jumps.
    antimeridian : int
        Antimeridian crossings (each splits a leg into one more line part).
    single_pings : int
        Pings alone in their leg (silence or jump on both sides): no line to draw.
    points_in : int
        Pings in the drawn legs.
    points_out : int
        Vertices written (including the two added at each antimeridian crossing).
    tolerance_m : float
        Simplification tolerance.
    unsimplified_parts : int
        Line parts too wide for one projection, kept with every vertex.
    """

    pings: int = 0
    bad: BadPings = field(default_factory=BadPings)
    tracks: int = 0
    legs: int = 0
    gaps: int = 0
    jumps: int = 0
    antimeridian: int = 0
    single_pings: int = 0
    points_in: int = 0
    points_out: int = 0
    tolerance_m: float = DEFAULT_TOLERANCE_M
    unsimplified_parts: int = 0


def describe(report: TrackReport) -> str:
    """Two lines for the user: how the pings were split, and how far simplification went."""
    share = report.points_out / report.points_in * 100 if report.points_in else 0.0
    wide = (
        f"; parts too wide to simplify, kept whole: {report.unsimplified_parts:,}"
        if report.unsimplified_parts
        else ""
    )
    return (
        f"legs: {report.legs:,} from {report.tracks:,} aircraft/vessels; split at silences: "
        f"{report.gaps:,}, at impossible jumps: {report.jumps:,}; antimeridian crossings: "
        f"{report.antimeridian:,}; lone pings not drawn: {report.single_pings:,}\n"
        f"simplified within {report.tolerance_m:g} m: {report.points_in:,} points in, "
        f"{report.points_out:,} out ({share:.1f} %){wide}"
    )


# --- steps on sorted arrays ---------------------------------------------------------------


def _distances(lon: np.ndarray, lat: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Geodesic distance in metres between pings ``a[i]`` and ``b[i]``."""
    if len(a) == 0:
        return np.zeros(0)
    _, _, dist = GEOD.inv(lon[a], lat[a], lon[b], lat[b])
    return np.asarray(dist, dtype="float64")


def _limits(
    category: np.ndarray, names: pd.Index, thresholds: dict[str, Thresholds]
) -> tuple[np.ndarray, np.ndarray]:
    """Per ping: gap threshold (ns) and speed limit (m/s) of its category code."""
    gap = np.array([int(thresholds[name].gap_s * 1e9) for name in names], dtype="int64")
    speed = np.array([thresholds[name].max_speed_ms for name in names], dtype="float64")
    return gap[category], speed[category]


def _impossible(dist: np.ndarray, dt_ns: np.ndarray, speed: np.ndarray) -> np.ndarray:
    return dist > speed * (dt_ns / 1e9) + JUMP_SLACK_M


def _drop_duplicates(
    codes: np.ndarray, t: np.ndarray, lat: np.ndarray, lon: np.ndarray, bad: BadPings
) -> np.ndarray:
    """Keep-mask of sorted pings: the first ping of each (id, time), the rest counted."""
    n = len(codes)
    same = np.zeros(n, dtype=bool)
    same[1:] = (codes[1:] == codes[:-1]) & (t[1:] == t[:-1])
    # Compare each repeat with the first ping of its run, not with the row just before.
    run_start = np.maximum.accumulate(np.where(same, 0, np.arange(n)))
    equal = (lat == lat[run_start]) & (lon == lon[run_start])
    bad.add(DUPLICATE, int((same & equal).sum()))
    bad.add(CONFLICT, int((same & ~equal).sum()))
    return ~same


def _drop_outliers(
    codes: np.ndarray,
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    speed: np.ndarray,
    dist: np.ndarray,
    bad: BadPings,
) -> tuple[np.ndarray, np.ndarray]:
    """Remove pings that jump impossibly away and straight back (one bad position).

    Returns the keep-mask and the distances between consecutive kept pings.
    """
    n = len(codes)
    keep = np.ones(n, dtype=bool)
    if n < 3:
        return keep, dist
    dt = np.diff(t)
    jump = _impossible(dist, dt, speed[1:]) & (codes[1:] == codes[:-1])
    middle = np.flatnonzero(jump[:-1] & jump[1:]) + 1  # jump in and jump out
    if len(middle):
        before, after = middle - 1, middle + 1
        bridge = _distances(lon, lat, before, after)
        fine = ~_impossible(bridge, t[after] - t[before], speed[after])
        outliers = middle[fine]
        keep[outliers] = False
        bad.add(OUTLIER, len(outliers))
    kept = np.flatnonzero(keep)
    new_dist = np.empty(max(len(kept) - 1, 0))
    adjacent = np.diff(kept) == 1
    new_dist[adjacent] = dist[kept[:-1][adjacent]]
    new_dist[~adjacent] = _distances(lon, lat, kept[:-1][~adjacent], kept[1:][~adjacent])
    return keep, new_dist


def _cross_antimeridian(
    lon: np.ndarray, lat: np.ndarray, t: np.ndarray, leg: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Insert two vertices at +-180 degrees where a leg crosses the antimeridian.

    Returns lon, lat, t, leg, the original-ping mask, the part number of every vertex
    (a part never crosses the antimeridian) and the number of crossings. The
    crossing latitude and time are interpolated linearly on the unwrapped longitude.
    """
    n = len(lon)
    original = np.ones(n, dtype=bool)
    cross = np.flatnonzero((np.abs(np.diff(lon)) > 180) & (leg[1:] == leg[:-1]))
    if len(cross) == 0:
        part = leg.copy()
        return lon, lat, t, leg, original, part, 0
    a, b = cross, cross + 1
    east = lon[a] > 0  # crossing from +180 side to -180 side
    edge = np.where(east, 180.0, -180.0)
    unwrapped = lon[b] + np.where(east, 360.0, -360.0)
    fraction = (edge - lon[a]) / (unwrapped - lon[a])
    lat_x = lat[a] + fraction * (lat[b] - lat[a])
    t_x = t[a] + np.round(fraction * (t[b] - t[a])).astype("int64")
    at = np.repeat(b, 2)
    lon_new = np.insert(lon, at, np.column_stack([edge, -edge]).ravel())
    lat_new = np.insert(lat, at, np.repeat(lat_x, 2))
    t_new = np.insert(t, at, np.repeat(t_x, 2))
    leg_new = np.insert(leg, at, np.repeat(leg[a], 2))
    original_new = np.insert(original, at, False)
    # A new part starts at each leg start and at the second inserted vertex of a crossing.
    starts = np.zeros(len(lon_new), dtype=bool)
    starts[0] = True
    starts[1:] = leg_new[1:] != leg_new[:-1]
    second = at + np.arange(len(at))  # positions of inserted vertices in the new arrays
    starts[second[1::2]] = True
    part = np.cumsum(starts) - 1
    return lon_new, lat_new, t_new, leg_new, original_new, part, len(cross)


@lru_cache(maxsize=256)
def _projection(lon0: float) -> Transformer:
    # k=1 on the central meridian: the scale is >= 1 everywhere, see the module docstring.
    return Transformer.from_crs(
        CRS, f"+proj=tmerc +lon_0={lon0:g} +lat_0=0 +k=1 +ellps=WGS84 +units=m", always_xy=True
    )


def _simplify(
    lon: np.ndarray, lat: np.ndarray, part: np.ndarray, tolerance_m: float
) -> tuple[np.ndarray, int]:
    """Douglas-Peucker per part in transverse Mercator; return kept vertex indices (sorted)."""
    n = len(lon)
    if n == 0 or tolerance_m == 0:
        return np.arange(n, dtype="int64"), 0
    starts = np.flatnonzero(np.r_[True, part[1:] != part[:-1]])
    low = np.minimum.reduceat(lon, starts)
    high = np.maximum.reduceat(lon, starts)
    centre = np.round((low + high) / 2 / _GROUP_DEG) * _GROUP_DEG
    reach = np.maximum(high - centre, centre - low)
    too_wide = reach > MAX_MERIDIAN_OFFSET_DEG
    counts = np.diff(np.r_[starts, n])
    centre_of_point = np.repeat(centre, counts)
    x = np.empty(n)
    y = np.empty(n)
    for lon0 in np.unique(centre):
        mask = centre_of_point == lon0
        x[mask], y[mask] = _projection(float(lon0)).transform(lon[mask], lat[mask])
    # The vertex index rides along as Z: Douglas-Peucker keeps whole coordinates, so the
    # kept Z values say which pings (and so which times) survive.
    lines = shapely.linestrings(
        np.column_stack([x, y, np.arange(n, dtype="float64")]), indices=part
    )
    simplified = shapely.simplify(lines, tolerance_m, preserve_topology=False)
    simplified[too_wide] = lines[too_wide]  # no bound holds there: keep every vertex
    coords = shapely.get_coordinates(simplified, include_z=True)
    kept = coords[:, 2].astype("int64")
    return kept, int(too_wide.sum())


# --- assets ---------------------------------------------------------------------------

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


# --- the whole import ---------------------------------------------------------------------


def _slug(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True)
    return text.str.strip("-").replace("", "x")


def _iso_seconds(t: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC strings to the second (int64 input is nanoseconds since the epoch)."""
    seconds = np.asarray(t).astype("datetime64[ns]").astype("datetime64[s]")
    return np.datetime_as_string(seconds, unit="s", timezone="UTC")


def build_tracks(
    pings: pd.DataFrame,
    source: str,
    *,
    assets: gpd.GeoDataFrame | None = None,
    thresholds: dict[str, Thresholds] | None = None,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    taken_ids: set[str] | None = None,
    stage: Stage | None = None,
) -> tuple[gpd.GeoDataFrame, TrackReport]:
    """Turn pings into a tracks layer: one simplified feature per leg.

    Parameters
    ----------
    pings : DataFrame
        Usable pings as :attr:`geo.pings.Pings.frame` gives them (any order).
    source : str
        Source id every track cites.
    assets : GeoDataFrame, optional
        The data directory's assets; a leg whose id (or callsign) matches one of
        :data:`ID_FIELDS` gets ``asset``.
    thresholds : dict of str to Thresholds, optional
        Per category; default :data:`THRESHOLDS`.
    tolerance_m : float
        Largest distance (metres, on the ground) allowed between the raw track and
        the simplified line; 0 keeps every ping.
    taken_ids : set of str, optional
        Feature ids already used elsewhere in the data directory, to avoid.
    stage : callable, optional
        Told the name of each stage as it starts.

    Returns
    -------
    tracks : GeoDataFrame
        The tracks layer (EPSG:4326), one row per leg, with ``times`` per vertex.
    report : TrackReport
    """
    if tolerance_m < 0 or not np.isfinite(tolerance_m):
        raise ValueError("tolerance must be a finite number of metres >= 0")
    rules = thresholds or THRESHOLDS
    report = TrackReport(pings=len(pings), tolerance_m=tolerance_m)
    note = stage or (lambda _name: None)

    note("sorting")
    codes, keys = pd.factorize(pings["id"], sort=False)
    t = pings["time"].to_numpy(dtype="datetime64[ns]").astype("int64")
    order = np.lexsort((np.arange(len(pings)), t, codes))
    codes, t = codes[order], t[order]
    lat = pings["lat"].to_numpy(dtype="float64")[order]
    lon = pings["lon"].to_numpy(dtype="float64")[order]
    category_codes, category_names = pd.factorize(pings["category"])
    category = category_codes[order]
    unknown = set(category_names) - set(rules)
    if unknown:
        raise ValueError(f"no thresholds for category {', '.join(map(str, unknown))}")

    keep = _drop_duplicates(codes, t, lat, lon, report.bad)
    order, codes, t, lat, lon, category = (a[keep] for a in (order, codes, t, lat, lon, category))
    gap_ns, speed = _limits(category, category_names, rules)

    note("measuring")
    idx = np.arange(len(t))
    dist = _distances(lon, lat, idx[:-1], idx[1:])
    keep, dist = _drop_outliers(codes, t, lat, lon, speed, dist, report.bad)
    order, codes, t, lat, lon, category, gap_ns, speed = (
        a[keep] for a in (order, codes, t, lat, lon, category, gap_ns, speed)
    )

    note("splitting")
    n = len(t)
    dt = np.diff(t)
    same = codes[1:] == codes[:-1]
    silent = same & (dt > gap_ns[1:])
    jumped = same & ~silent & _impossible(dist, dt, speed[1:])
    start = np.r_[True, ~same | silent | jumped] if n else np.zeros(0, dtype=bool)
    leg = np.cumsum(start) - 1
    report.gaps, report.jumps = int(silent.sum()), int(jumped.sum())
    reason_before = np.full(n, None, dtype=object)
    if n:
        reason_before[1:][silent] = GAP_SILENCE
        reason_before[1:][jumped] = GAP_JUMP

    leg_size = np.bincount(leg, minlength=int(leg[-1]) + 1 if n else 0)
    drawn = leg_size[leg] >= 2
    report.single_pings = int((~drawn).sum())
    order, codes, t, lat, lon, category, leg = (
        a[drawn] for a in (order, codes, t, lat, lon, category, leg)
    )
    start_of_leg = np.r_[True, leg[1:] != leg[:-1]] if len(leg) else np.zeros(0, dtype=bool)
    first_rows = np.flatnonzero(drawn)[start_of_leg] if len(leg) else np.zeros(0, dtype="int64")
    leg = np.cumsum(start_of_leg) - 1  # renumber the drawn legs 0..L-1
    report.points_in = len(t)

    note("antimeridian")
    p_lon, p_lat, p_t, p_leg, original, part, report.antimeridian = _cross_antimeridian(
        lon, lat, t, leg
    )

    note("simplifying")
    kept, report.unsimplified_parts = _simplify(p_lon, p_lat, part, tolerance_m)
    report.points_out = len(kept)

    note("assembling")
    tracks = _assemble(
        pings,
        order=order,
        codes=codes,
        keys=np.asarray(keys, dtype=object),
        category=category,
        category_names=category_names,
        leg=leg,
        start_of_leg=start_of_leg,
        reason_before=reason_before[first_rows] if len(first_rows) else np.zeros(0, dtype=object),
        lon=p_lon[kept],
        lat=p_lat[kept],
        times=p_t[kept],
        part=part[kept],
        vertex_leg=p_leg[kept],
        original_in_leg=np.bincount(
            p_leg[original], minlength=int(leg.max()) + 1 if len(leg) else 0
        ),
        source=source,
        assets=assets,
        tolerance_m=tolerance_m,
        taken_ids=taken_ids or set(),
    )
    report.legs = len(tracks)
    report.tracks = int(tracks["track"].nunique()) if len(tracks) else 0
    return tracks, report


def _assemble(
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
    """Build the leg features from the kept vertices and the per-ping attributes."""
    legs = int(leg.max()) + 1 if len(leg) else 0
    if legs == 0:
        from geo.io import empty_layer

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
    iso = _iso_seconds(times)
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

    ids = "track-" + _slug(key_series) + "-" + pd.Series(leg_number).astype(str)
    ids = _unique(ids, taken_ids)

    icao24 = np.where(layout == "opensky", key_series, None)
    mmsi = np.where(layout == "ais", key_series, None)
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


# --- gaps for display -----------------------------------------------------------------------


def gap_lines(tracks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The gaps between consecutive legs of each track, as lines to draw dashed.

    Each gap runs from the last vertex of a leg to the first vertex of the next leg of
    the same ``track``; one crossing the antimeridian is split there (a MultiLineString).

    Parameters
    ----------
    tracks : GeoDataFrame
        A tracks layer with ``track``, ``leg``, ``observed`` and ``until`` (as written by
        :func:`build_tracks`, or loaded back with :func:`geo.io.load`). Tracks without
        ``track``/``leg`` have no gaps.

    Returns
    -------
    GeoDataFrame
        Columns ``track``, ``before`` (id of the leg before), ``after`` (id of the leg
        after), ``gap_s``, ``gap_reason``, ``times`` ([end of leg before, start of leg
        after]), ``observed``, ``until`` and the geometry, in EPSG:4326.
    """
    columns = ["track", "before", "after", "gap_s", "gap_reason", "times", "observed", "until"]
    if len(tracks) == 0 or "track" not in tracks or "leg" not in tracks:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=CRS)
    frame = tracks[tracks["track"].notna() & tracks["leg"].notna()].copy()
    frame = frame.sort_values(["track", "leg"], kind="stable")
    geoms = frame.geometry.to_numpy()
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    first = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
    last = np.r_[first[1:] - 1, len(index) - 1]
    start_xy, end_xy = coords[first], coords[last]
    track = frame["track"].to_numpy()
    follows = np.flatnonzero(track[1:] == track[:-1])  # pair (i, i+1)
    a, b = follows, follows + 1
    lines = [_segment(end_xy[i], start_xy[j]) for i, j in zip(a, b, strict=True)]
    ids = frame["id"].to_numpy()
    until, observed = _nanos(frame["until"]), _nanos(frame["observed"])
    reason = frame["gap_reason"].to_numpy() if "gap_reason" in frame else np.full(len(frame), None)
    gap_s = (observed[b] - until[a]) / 1e9
    return gpd.GeoDataFrame(
        {
            "track": track[b],
            "before": ids[a],
            "after": ids[b],
            "gap_s": gap_s,
            "gap_reason": reason[b],
            "times": np.column_stack([_iso_seconds(until[a]), _iso_seconds(observed[b])]).tolist(),
            "observed": pd.to_datetime(until[a], unit="ns", utc=True),
            "until": pd.to_datetime(observed[b], unit="ns", utc=True),
        },
        geometry=lines,
        crs=CRS,
    )


def _nanos(values: pd.Series) -> np.ndarray:
    """UTC times as int64 nanoseconds since the epoch."""
    times = pd.to_datetime(values, utc=True).dt.tz_localize(None)
    return times.to_numpy(dtype="datetime64[ns]").astype("int64")


def _segment(start: np.ndarray, end: np.ndarray) -> shapely.Geometry:
    """A straight segment, split in two at the antimeridian when it crosses it."""
    (x0, y0), (x1, y1) = start, end
    if abs(x1 - x0) <= 180:
        return shapely.LineString([(x0, y0), (x1, y1)])
    edge = 180.0 if x0 > 0 else -180.0
    unwrapped = x1 + (360.0 if x0 > 0 else -360.0)
    fraction = (edge - x0) / (unwrapped - x0)
    y = y0 + fraction * (y1 - y0)
    return shapely.MultiLineString([[(x0, y0), (edge, y)], [(-edge, y), (x1, y1)]])


# --- the source the tracks cite ---------------------------------------------------------------


class SourceError(ValueError):
    """The ``--source`` given cannot be used (the message says what to do)."""


def source_for_import(
    sources: pd.DataFrame | None,
    source_id: str | None,
    pings: pd.DataFrame,
    files: list[str],
) -> tuple[str, dict[str, str] | None]:
    """Decide which source record imported tracks cite.

    With ``source_id``, it must be a record of the data directory's ``sources.json``.
    Without one, a record is proposed (``pings-<first file name>``, kind
    ``flight-tracker`` or ``ship-tracker``, published on the date of the last ping) to be
    written as a new ``sources.json``; an existing ``sources.json`` is never modified, so
    then ``source_id`` is required.

    Parameters
    ----------
    sources : DataFrame or None
        The directory's sources (indexed by id), or None when it has no ``sources.json``.
    source_id : str or None
        The ``--source`` option.
    pings : DataFrame
        The usable pings (for the kind and the date of a new record).
    files : list of str
        Ping file names (for a new record's id and title).

    Returns
    -------
    source_id : str
    new_record : dict or None
        The record to write as ``sources.json`` when there was none.

    Raises
    ------
    SourceError
        When ``source_id`` is not in an existing ``sources.json``, or is missing while
        one exists.
    """
    if sources is not None:
        if source_id is not None and source_id in sources.index:
            return source_id, None
        trackers = [
            str(i)
            for i, kind in sources["kind"].items()
            if kind in ("flight-tracker", "ship-tracker")
        ]
        hint = f" (tracker sources there: {', '.join(trackers)})" if trackers else ""
        example = json.dumps(_new_record(source_id or "my-tracker", pings, files))
        what = (
            f"--source {source_id!r} is not" if source_id else "--source is required: no id given"
        )
        raise SourceError(
            f"{what} in sources.json{hint}; add a record such as {example} "
            "and pass its id with --source"
        )
    if source_id is None:
        stem = Path(files[0]).stem if files else "pings"
        source_id = "pings-" + _slug(pd.Series([stem])).iloc[0]
    return source_id, _new_record(source_id, pings, files)


def _new_record(source_id: str, pings: pd.DataFrame, files: list[str]) -> dict[str, str]:
    ships = len(pings) > 0 and (pings["category"] == "ship").mean() > 0.5
    last = pings["time"].max() if len(pings) else None
    published = last.date().isoformat() if last is not None and pd.notna(last) else "1970-01-01"
    names = ", ".join(Path(f).name for f in files)
    return {
        "id": source_id,
        "title": f"Position pings imported from {names}",
        "publisher": "unknown (imported ping files)",
        "published": published,
        "kind": "ship-tracker" if ships else "flight-tracker",
        "notes": "Created by `python -m geo tracks import`; replace title and publisher with "
        "the real origin of the pings (and add its url).",
    }


# --- the whole import, files in and out ---------------------------------------------------------


@dataclass
class ImportResult:
    """What :func:`import_tracks` read, built and wrote.

    Attributes
    ----------
    tracks : GeoDataFrame
        The tracks layer written.
    report : TrackReport
        Splitting and simplification figures.
    pings : Pings
        The pings read, their layouts and the rows not used while reading.
    bad : BadPings
        Every row not used, reading and building together.
    source_id : str
        The source the tracks cite.
    created_sources : Path or None
        ``sources.json`` when it was created (the directory had none).
    directory_problems : int
        Problems already in the data directory (other layers or sources).
    written : bool
        False when no leg could be built (then nothing was written).
    """

    tracks: gpd.GeoDataFrame
    report: TrackReport
    pings: Pings
    bad: BadPings
    source_id: str
    created_sources: Path | None
    directory_problems: int
    written: bool


def import_tracks(
    paths: list[str | Path],
    out: str | Path,
    *,
    source: str | None = None,
    id_column: str | None = None,
    category: str | None = None,
    thresholds: dict[str, Thresholds] | None = None,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    force: bool = False,
    on_bytes: Callable[[int], None] | None = None,
    stage: Stage | None = None,
) -> ImportResult:
    """Read ping files, build tracks and write ``DIR/tracks.geojson`` (the ``tracks import``).

    The data directory ``DIR`` is the folder of ``out``: its assets are matched, its
    ``sources.json`` must hold ``source`` (or, when it has none, one is created; see
    :func:`source_for_import`). Input files are only read; nothing is written when an
    error is raised.

    Parameters
    ----------
    paths : list of path
        Ping files (CSV, Parquet, KML, GPX).
    out : path
        Output file; must be named ``tracks.geojson``.
    source, id_column, category
        The ``--source``, ``--asset-id-col`` and ``--category`` options.
    thresholds : dict, optional
        Per category; default :data:`THRESHOLDS`.
    tolerance_m : float
        Simplification tolerance in metres.
    force : bool
        Replace an existing ``out``.
    on_bytes, stage : callable, optional
        Progress: bytes of input read; name of each building stage.

    Returns
    -------
    ImportResult

    Raises
    ------
    PingError
        A file cannot be read or its layout is not recognised.
    SourceError
        ``source`` is not usable.
    FileExistsError
        ``out`` exists and ``force`` is False.
    """
    from geo import io
    from geo.pings import read_pings

    out = Path(out)
    if out.exists() and not force:
        raise FileExistsError(str(out))
    directory = out.parent
    sources_file = directory / "sources.json"
    others = [directory / f"{layer}.geojson" for layer in ("bases", "assets", "strikes", "places")]
    present = [path for path in [*others, sources_file] if path.exists()]
    dataset = io.load(present) if present else None

    pings = read_pings(paths, id_column, category, on_bytes)
    try:
        source_id, record = source_for_import(
            dataset.sources if dataset is not None and sources_file.exists() else None,
            source,
            pings.frame,
            [str(path) for path in paths],
        )
    except SourceError as error:
        broken = [p for p in (dataset.problems if dataset else []) if p.file == str(sources_file)]
        if broken:  # the id may be there, in a record that could not be read
            raise SourceError(f"{error}; note: {broken[0]}") from None
        raise
    taken = set()
    if dataset is not None:
        for layer in ("bases", "assets", "strikes", "places"):
            taken.update(str(i) for i in dataset.layers[layer]["id"])
    tracks, report = build_tracks(
        pings.frame,
        source_id,
        assets=dataset.layers["assets"] if dataset is not None else None,
        thresholds=thresholds,
        tolerance_m=tolerance_m,
        taken_ids=taken,
        stage=stage,
    )
    bad = BadPings()
    bad.merge(pings.bad)
    bad.merge(report.bad)
    problems = len(dataset.problems) if dataset is not None else 0
    if report.legs == 0:  # nothing to write: the caller shows why (the bad pings)
        return ImportResult(tracks, report, pings, bad, source_id, None, problems, written=False)
    if stage is not None:
        stage("writing")
    io.write_geojson(tracks, out, overwrite=force)
    created = None
    if record is not None:
        # "x": a sources.json that appeared meanwhile is never overwritten.
        with sources_file.open("x", encoding="utf-8") as handle:
            handle.write(json.dumps([record], indent=2) + "\n")
        created = sources_file
    return ImportResult(tracks, report, pings, bad, source_id, created, problems, written=True)
