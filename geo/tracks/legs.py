"""Tracks from pings: sort, drop duplicates and outliers, split into legs at gaps and jumps.

Input is the flat ping frame of :mod:`geo.tracks.pings`; output is a tracks layer (GeoDataFrame
in EPSG:4326, one feature per leg) in the data format, with ``times`` per vertex.
:func:`build_tracks` runs the stages in order: the splitting is here, the antimeridian and
the bounded simplification in :mod:`geo.tracks.simplify`, the leg features in
:mod:`geo.tracks.features`. :func:`gap_lines` gives the unobserved stretches between legs,
for a map to draw dashed, never as a seen path. All work on pings is vectorised with
numpy/pandas/shapely; Python loops only run over projection groups, antimeridian crossings
or legs, never over pings. Details and thresholds: ``docs/tracks.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis.geodesy import GEOD
from geo.tracks.features import assemble
from geo.tracks.pings import BadPings
from geo.tracks.simplify import cross_antimeridian, simplify
from geo.tracks.webline import budget, densify


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

DUPLICATE = "duplicate row (same id, time and position)"
CONFLICT = "same id and time as an earlier ping, different position"
OUTLIER = "impossible jump out and straight back (single-ping outlier)"
REPEATED = "repeated position (same as the ping before, later time; the first time kept)"

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
    "writing",  # announced by geo.tracks.importer.import_tracks
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
    added_points : int
        Vertices added on long segments so a web map's straight lines stay within the
        tolerance (:mod:`geo.tracks.webline`); included in ``points_out``.
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
    added_points: int = 0


def describe(report: TrackReport) -> str:
    """Two lines for the user: how the pings were split, and how far simplification went."""
    share = report.points_out / report.points_in * 100 if report.points_in else 0.0
    added = (
        f"; {report.added_points:,} added on long segments for web maps"
        if report.added_points
        else ""
    )
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
        f"{report.points_out:,} out ({share:.1f} %){added}{wide}"
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


def _drop_repeats(
    codes: np.ndarray,
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    gap_ns: np.ndarray,
    bad: BadPings,
) -> np.ndarray:
    """Keep-mask of sorted pings without repeated positions (the first time is kept).

    Trackers repeat the last position with a new time until a new one arrives (OpenSky
    state vectors without ``lastposupdate``); the catch-up after a repeat looks like an
    impossible jump. A repeat is dropped unless the run of repeats lasts long enough that
    a stationary asset would look silent: then one repeat per half gap threshold is kept.
    """
    n = len(codes)
    same = np.zeros(n, dtype=bool)
    same[1:] = (codes[1:] == codes[:-1]) & (lat[1:] == lat[:-1]) & (lon[1:] == lon[:-1])
    if not same.any():
        return ~same
    run_start = np.maximum.accumulate(np.where(same, 0, np.arange(n)))
    half = np.maximum(gap_ns // 2, 1)
    window = (t - t[run_start]) // half
    first_in_window = np.r_[True, window[1:] != window[:-1]]
    drop = same & ~first_in_window
    bad.add(REPEATED, int(drop.sum()))
    return ~drop


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
        Usable pings as :attr:`geo.tracks.pings.Pings.frame` gives them (any order).
    source : str
        Source id every track cites.
    assets : GeoDataFrame, optional
        The data directory's assets; a leg whose id (or callsign) matches one of
        :data:`geo.tracks.features.ID_FIELDS` gets ``asset``.
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
    keep = _drop_repeats(codes, t, lat, lon, gap_ns, report.bad)
    order, codes, t, lat, lon, category, gap_ns, speed = (
        a[keep] for a in (order, codes, t, lat, lon, category, gap_ns, speed)
    )

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
    p_lon, p_lat, p_t, p_leg, original, part, report.antimeridian = cross_antimeridian(
        lon, lat, t, leg
    )

    note("simplifying")
    # Part of the tolerance is left for the straight lines a web map draws between vertices.
    simplify_m, deviation_m = budget(tolerance_m)
    kept, report.unsimplified_parts = simplify(p_lon, p_lat, part, simplify_m)
    v_lon, v_lat, v_t, v_part, _, report.added_points = densify(
        p_lon, p_lat, p_t, part, kept, deviation_m
    )
    report.points_out = len(v_lon)
    part_starts = np.flatnonzero(np.r_[True, part[1:] != part[:-1]]) if len(part) else part
    v_leg = p_leg[part_starts][v_part] if len(v_part) else v_part

    note("assembling")
    tracks = assemble(
        pings,
        order=order,
        codes=codes,
        keys=np.asarray(keys, dtype=object),
        category=category,
        category_names=category_names,
        leg=leg,
        start_of_leg=start_of_leg,
        reason_before=reason_before[first_rows] if len(first_rows) else np.zeros(0, dtype=object),
        lon=v_lon,
        lat=v_lat,
        times=v_t,
        part=v_part,
        vertex_leg=v_leg,
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


# --- gaps for display -----------------------------------------------------------------------
