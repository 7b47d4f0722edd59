"""What a position's uncertainty circle allows: zones and distances as ranges, not one answer.

A strike drawn at ±400 km is not "18 nm from the coast in the contiguous zone"; it is somewhere
between the coast and a few hundred nautical miles out, in the territorial sea, contiguous
zone or EEZ. This module turns each point and its ``uncertainty_km`` into:

* ``coast_nm_min`` / ``coast_nm_max`` and ``zones_possible``, ``states_possible``,
  ``zone_certain``;
* ranges of any distance to a fixed point (``to``) or to the nearest of a set of points
  (bases) over the circle.

How (``docs/analysis.md``, "Uncertainty"): the distance to a set (the coast, a place, the
nearest base) changes by at most the distance moved, so over a circle of radius ``r`` around
a point at distance ``d`` its minimum is exactly ``max(0, d - r)``: the point ``r`` along
the geodesic towards the nearest member attains it. A point target's maximum is ``d + r``.
For the coast and the nearest base the maximum can be smaller than ``d + r`` (another coast,
another base is nearer), so it is the largest value over :data:`RING_SAMPLES` geodesic sample
points on the circle and inside it (fewer for very large data sets, :data:`SAMPLE_BUDGET`);
the zones are those whose distance bands meet the range, plus land where the circle reaches
the coast or a sample falls on land.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.analysis import geodesy, zones

RING_SAMPLES = ((1.0, 32), (2.0 / 3.0, 16), (1.0 / 3.0, 8))
"""(fraction of the radius, bearings): the sample points of a circle, besides its centre."""
SAMPLE_BUDGET = 2_000_000
"""Most sample points in one call: large data sets get fewer per circle (8 at the least)."""

_BANDS = (
    (zones.TERRITORIAL, 0.0, zones.TERRITORIAL_NM),
    (zones.CONTIGUOUS, zones.TERRITORIAL_NM, zones.CONTIGUOUS_NM),
    (zones.EEZ, zones.CONTIGUOUS_NM, zones.EEZ_NM),
    (zones.HIGH_SEAS, zones.EEZ_NM, np.inf),
)


def circle_samples(
    lon: np.ndarray, lat: np.ndarray, radius_km: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Geodesic sample points of each circle: its centre, then rings at :data:`RING_SAMPLES`.

    Parameters
    ----------
    lon, lat, radius_km : ndarray
        Centres (degrees) and radii (km); a radius of 0 or NaN gives the centre alone.

    Returns
    -------
    tuple of ndarray
        Sample longitudes, latitudes and the index of the circle each belongs to.
    """
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    radius = np.nan_to_num(np.asarray(radius_km, float), nan=0.0)
    lons, lats, owners = [lon], [lat], [np.arange(len(lon))]
    wide = np.flatnonzero(radius > 0)
    for fraction, bearings in _rings_within_budget(len(wide)):
        azimuth = np.tile(np.arange(bearings) * 360.0 / bearings, len(wide))
        owner = np.repeat(wide, bearings)
        x, y = geodesy.destination(lon[owner], lat[owner], azimuth, radius[owner] * fraction)
        lons.append(x)
        lats.append(y)
        owners.append(owner)
    return np.concatenate(lons), np.concatenate(lats), np.concatenate(owners)


def _rings_within_budget(circles: int) -> tuple[tuple[float, int], ...]:
    per_circle = sum(bearings for _, bearings in RING_SAMPLES)
    if circles * per_circle <= SAMPLE_BUDGET:
        return RING_SAMPLES
    bearings = max(8, SAMPLE_BUDGET // max(circles, 1))
    return ((1.0, int(bearings)),)


def distance_range(distance_nm: np.ndarray, radius_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact range of the distance to a fixed point over each circle: ``d - r`` to ``d + r``."""
    radius_nm = np.nan_to_num(np.asarray(radius_km, float), nan=0.0) / geodesy.KM_PER_NM
    distance_nm = np.asarray(distance_nm, float)
    return np.maximum(distance_nm - radius_nm, 0.0), distance_nm + radius_nm


def sampled_range(
    centre_nm: np.ndarray, radius_km: np.ndarray, sample_nm: np.ndarray, owner: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Range of a distance-to-a-set over each circle: exact minimum, sampled maximum.

    Parameters
    ----------
    centre_nm : ndarray
        The distance at each circle's centre.
    radius_km : ndarray
        Each circle's radius.
    sample_nm, owner : ndarray
        The distance at every sample point (:func:`circle_samples`) and its circle.
    """
    low, high = distance_range(centre_nm, radius_km)
    sampled = pd.Series(sample_nm).groupby(owner).max().reindex(range(len(low))).to_numpy()
    return low, np.minimum(np.fmax(sampled, np.asarray(centre_nm, float)), high)


def zone_ranges(lon: object, lat: object, radius_km: object) -> pd.DataFrame:
    """The maritime zones and coastal states each uncertainty circle may lie in.

    Parameters
    ----------
    lon, lat : array_like
        Reported positions (degrees).
    radius_km : array_like
        Their uncertainty radii (km; 0 or NaN: exact).

    Returns
    -------
    DataFrame
        One row per point: the classification of the reported position (``country``,
        ``zone``, ``coastal_state``, ``coastal_iso_a3``, ``coast_nm``, as
        :func:`geo.analysis.zones.classify`), ``coast_nm_min``, ``coast_nm_max``,
        ``zones_possible`` (list of :data:`geo.analysis.zones.ZONES` values, in that
        order), ``states_possible`` (list of
        coastal states and countries the circle may be in or off, sorted) and
        ``zone_certain`` (one zone and at most one state possible).
    """
    lon = np.atleast_1d(np.asarray(lon, float))
    lat = np.atleast_1d(np.asarray(lat, float))
    radius = np.broadcast_to(np.nan_to_num(np.asarray(radius_km, float), nan=0.0), lon.shape)
    xs, ys, owner = circle_samples(lon, lat, radius)
    where = zones.classify(xs, ys)
    centre = where.iloc[: len(lon)]
    on_land = (where["zone"] == zones.LAND).to_numpy()
    land_seen = pd.Series(on_land).groupby(owner).any().to_numpy()
    # On land, coast_nm is the distance inland: only samples at sea bound the sea's range.
    sea_nm = np.where(on_land, np.nan, where["coast_nm"].to_numpy())
    centre_nm = centre["coast_nm"].to_numpy()
    coast_min, coast_max = sampled_range(centre_nm, radius, where["coast_nm"].to_numpy(), owner)
    # The sea's own range of coast distance decides the zones (inland distances don't count).
    sea_max = pd.Series(sea_nm).groupby(owner).max().reindex(range(len(lon))).to_numpy()
    states = pd.Series(where["coastal_state"].astype(object).to_numpy())
    state_sets = states.groupby(owner).agg(lambda s: sorted({v for v in s if isinstance(v, str)}))

    possible: list[list[str]] = []
    for i in range(len(lon)):
        if not np.isfinite(coast_min[i]):
            possible.append([])
            continue
        found = [zones.LAND] if land_seen[i] or coast_min[i] == 0.0 else []
        sea_high = sea_max[i] if np.isfinite(sea_max[i]) else coast_min[i]
        found += [name for name, low, high in _BANDS if coast_min[i] <= high and sea_high > low]
        if centre["zone"].iloc[i] == zones.LAND and coast_min[i] > 0.0:
            found = [zones.LAND]  # inland, and the circle does not reach the sea
        possible.append(found)
    state_lists = [state_sets.get(i, []) for i in range(len(lon))]
    at_centre = centre[["country", "zone", "coastal_state", "coastal_iso_a3", "coast_nm"]]
    return pd.DataFrame(
        {
            **{c: at_centre[c].to_numpy() for c in at_centre.columns},
            "coast_nm_min": coast_min,
            "coast_nm_max": coast_max,
            "zones_possible": possible,
            "states_possible": state_lists,
            "zone_certain": [
                len(z) == 1 and len(s) <= 1 for z, s in zip(possible, state_lists, strict=True)
            ],
        }
    )


def describe_zones(possible: list[str], radius_km: float | None) -> str:
    """Words for the zones a circle allows: "contiguous zone or EEZ (approximate) (±400 km)".

    Parameters
    ----------
    possible : list of str
        ``zones_possible`` of one point.
    radius_km : float or None
        Its uncertainty radius; shown when the answer is not certain.
    """
    if not possible:
        return "unknown"
    if len(possible) == 1:
        return possible[0]
    words = ", ".join(possible[:-1]) + " or " + possible[-1]
    return f"{words} (±{radius_km:,.0f} km)" if radius_km else words


def describe_where(
    possible: list[str],
    states: list[str],
    radius_km: float | None,
    first: str | None = None,
    limit: int = 3,
) -> str:
    """Zones and states a circle allows, in words for a table or a popup.

    ``EEZ (approximate) of Venezuela`` when the circle is certain; otherwise
    ``internal/land, territorial sea, contiguous zone or EEZ (approximate) (±450 km) of
    Venezuela, Netherlands, Aruba and 5 more`` (states as :func:`zone_ranges` lists them).

    Parameters
    ----------
    possible, states : list of str
        ``zones_possible`` and ``states_possible`` of one point.
    radius_km : float or None
        Its uncertainty radius.
    first : str, optional
        The state at the reported position, named first.
    limit : int
        How many states to name before counting the rest.
    """
    text = describe_zones(list(possible), radius_km)
    states = [str(state) for state in states]
    if first in states:
        states.remove(first)
        states.insert(0, first)
    if states:
        named = ", ".join(states[:limit])
        if len(states) > limit:
            named += f" and {len(states) - limit} more"
        text += f" of {named}"
    return text


def describe_range(centre: float, low: float, high: float, unit: str = "nm") -> str:
    """A distance as honest as its position: ``318 nm`` when firm, ``75–561 nm`` when not.

    The range is shown once it is wider than 1 % of the distance (and than 1 unit).
    """
    if centre != centre:  # NaN: nothing to measure to
        return ""
    if low != low or high != high or high - low <= max(1.0, 0.01 * abs(centre)):
        return f"{centre:,.0f} {unit}" if abs(centre) >= 10 else f"{centre:,.1f} {unit}"
    return f"{low:,.0f}–{high:,.0f} {unit}"
