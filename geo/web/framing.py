"""What a map frames: the area of interest of the features shown, and what lies beyond it.

:func:`frame_features` is a pure function from the features shown (and the shape of the
free map area) to the frame and the far features. The HTML map's first view frames it
(:func:`geo.web.payload.build_payload`, ``focus``; the page counts what lies outside its
view); :mod:`geo.slides.decorations` fits a slide to it and draws the far features on a
locator inset (``posturemap.slide`` in ``geo/web/static/slides.js``). The rule is in its
docstring.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd

from geo.analysis.geodesy import GEOD, distance_km
from geo.data.reading import Dataset
from geo.web import clustering
from geo.web.contract import STALE_DAYS
from geo.web.display import is_historical

Bounds = tuple[float, float, float, float]
"""(west, south, east, north) in degrees."""

WEIGHTS = {"unit": 3.0, "strike": 3.0, "stale_unit": 1.0, "base": 1.0, "place": 0.5}
"""How much a feature pulls the frame, by kind: current units and strikes most."""
HISTORICAL_WEIGHT = 0.25
"""Historical places (an intervention of 1989) are context, not the situation."""
SPREAD_FACTOR = 3.0
"""The clustering radius is this many times the data's spread (see :func:`frame_features`)."""
EPS_MIN_KM, EPS_MAX_KM = 150.0, 2000.0
"""The clustering radius stays between a harbour's approaches and a theatre."""
MIN_CORE_WEIGHT = 6.0
"""Weight within the radius that makes a point a core: two current units, say."""
MARGIN = 0.06
"""Fraction of the frame's span added on each side."""
MIN_PAD_DEG = 0.3
MIN_SPAN_DEG = 2.0
"""A frame is at least this many degrees across (a lone ship is not shown at street level)."""
MAX_LAT = 85.0
EXTENT_IGNORE_KM = 1000.0
"""Points whose uncertainty is at least this large do not pull a view out."""

_COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


@dataclass(frozen=True)
class FarFeature:
    """A point feature outside the frame, with where it lies from the frame's centre."""

    id: str
    name: str
    layer: str
    lon: float
    lat: float
    weight: float
    distance_nm: float
    bearing: str
    """Compass point (8 winds) from the frame's centre: ``NW``."""
    beyond_view: bool
    """Outside the estimated view too: most likely off the slide's map."""


@dataclass(frozen=True)
class Framing:
    """The frame of a slide and what lies outside it.

    Attributes
    ----------
    bounds : Bounds
        The area of interest, padded: what the map is fitted to.
    view : Bounds
        About what the slide shows of the map at the given aspect (the frame widened or
        heightened to the free area's shape): an estimate, the page knows.
    far : tuple of FarFeature
        Point features outside ``bounds``: those beyond ``view`` first, then heaviest first,
        then nearest. The page shows on its locator inset those it finds off its map.
    members : tuple of str
        Ids of the features of the area of interest.
    eps_km, spread_km : float
        The clustering radius and the data's spread it came from (0 with explicit bounds).
    """

    bounds: Bounds
    view: Bounds
    far: tuple[FarFeature, ...]
    members: tuple[str, ...]
    eps_km: float = 0.0
    spread_km: float = 0.0


@dataclass(frozen=True)
class _Points:
    ids: np.ndarray
    names: np.ndarray
    layers: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    weight: np.ndarray


def frame_features(
    shown: Dataset,
    *,
    aspect: float = 16 / 9,
    as_of: date | None = None,
    bounds: Bounds | None = None,
    stale_days: int = STALE_DAYS,
) -> Framing | None:
    """Frame the area of interest of ``shown``; list the point features outside the frame.

    The rule:

    1. Every point feature shown is weighted by kind (:data:`WEIGHTS`): current units and
       strikes 3, units last seen ``stale_days`` (default
       :data:`~geo.web.contract.STALE_DAYS`) days before ``as_of`` or earlier 1, bases 1,
       places 0.5, historical places 0.25. Points known only to within
       :data:`EXTENT_IGNORE_KM` or worse ("in the Mediterranean") weigh 0. Areas count by a
       representative point; tracks do not count (they join a theatre to its home bases).
    2. The data's spread is the weighted median geodesic distance from the weighted medoid
       (the point with the least weighted sum of distances to the others) to the other points.
    3. The points are clustered DBSCAN-like by geodesic distance with a radius of
       :data:`SPREAD_FACTOR` times the spread, kept within :data:`EPS_MIN_KM` ..
       :data:`EPS_MAX_KM`: a point with at least :data:`MIN_CORE_WEIGHT` (or half the total)
       of weight within the radius is a core; cores within the radius of each other form a
       cluster; other points join the cluster of the nearest core within the radius.
    4. The area of interest is the cluster of greatest weight; the frame is its bounding box
       plus :data:`MARGIN` of its span on each side, at least :data:`MIN_SPAN_DEG` across.
    5. Every point feature outside the frame is a far feature, with its geodesic distance and
       compass bearing from the frame's centre. The slide may show it anyway (the map fills the
       slide beyond the frame): those outside the frame widened (or heightened) in Web
       Mercator to ``aspect``, the estimated view, come first; the page puts on its locator
       inset the ones it finds off its map as laid out.

    Explicit ``bounds`` replace steps 1-4. More than :data:`geo.web.clustering.MAX_CELLS`
    points are first pooled on a grid (weighted centre and total weight per cell). Frames do
    not cross the antimeridian.

    Parameters
    ----------
    shown : Dataset
        What the slide shows (the as-of selection).
    aspect : float
        Width over height of the map area the decorations leave free.
    as_of : date, optional
        The slide's date (unit staleness); default the latest unit report's day.
    bounds : Bounds, optional
        An explicit frame (``--bounds``).
    stale_days : int
        Units last reported this many days before ``as_of`` or earlier weigh as stale.

    Returns
    -------
    Framing or None
        None when nothing can be framed (no geometry at all and no ``bounds``).
    """
    points = _points(shown, as_of, stale_days)
    eps = spread = 0.0
    if bounds is not None:
        frame = bounds
    elif points.weight.sum() > 0:
        members, eps, spread = _area_of_interest(points)
        frame = _pad(
            (
                float(points.lon[members].min()),
                float(points.lat[members].min()),
                float(points.lon[members].max()),
                float(points.lat[members].max()),
            )
        )
    else:
        box = extent(shown)
        if box is None or not all(math.isfinite(v) for v in box):
            return None
        frame = _pad(box)
    view = view_bounds(frame, aspect)
    return Framing(
        bounds=frame,
        view=view,
        far=_far(points, ~_inside(points, frame), frame, view),
        members=tuple(str(i) for i in points.ids[_inside(points, frame)]),
        eps_km=round(eps, 1),
        spread_km=round(spread, 1),
    )


def extent(dataset: Dataset) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the features, leaving out points known only very roughly.

    Points with ``uncertainty_km`` >= :data:`EXTENT_IGNORE_KM` (an aircraft carrier "in the
    Mediterranean") are drawn but do not pull the initial view out.
    """
    boxes = []
    for frame in dataset.layers.values():
        if frame.empty:
            continue
        keep = frame
        if "uncertainty_km" in frame:
            unc = pd.to_numeric(frame["uncertainty_km"], errors="coerce").fillna(0)
            keep = frame[unc < EXTENT_IGNORE_KM]
        if not keep.empty:
            boxes.append(keep.total_bounds)
    if not boxes:
        return None
    stacked = np.vstack(boxes)
    return (
        float(stacked[:, 0].min()),
        float(stacked[:, 1].min()),
        float(stacked[:, 2].max()),
        float(stacked[:, 3].max()),
    )


def view_bounds(bounds: Bounds, aspect: float) -> Bounds:
    """``bounds`` widened or heightened in Web Mercator to width / height = ``aspect``."""
    west, south, east, north = bounds
    x0, x1 = math.radians(west), math.radians(east)
    y0, y1 = _merc(south), _merc(north)
    width, height = x1 - x0, y1 - y0
    if width < height * aspect:
        grow = (height * aspect - width) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (width / aspect - height) / 2
        y0, y1 = y0 - grow, y1 + grow
    return (
        max(-180.0, math.degrees(x0)),
        max(-MAX_LAT, _unmerc(y0)),
        min(180.0, math.degrees(x1)),
        min(MAX_LAT, _unmerc(y1)),
    )


def bearing_name(degrees: float) -> str:
    """The nearest of the 8 compass points to an azimuth in degrees: ``315`` -> ``NW``."""
    return _COMPASS[round((degrees % 360) / 45) % 8]


# --- the rule's steps -----------------------------------------------------------------------


def _points(shown: Dataset, as_of: date | None, stale_days: int) -> _Points:
    """Every point feature shown (areas by a representative point), with its weight."""
    stale_before = _stale_before(shown, as_of, stale_days)
    rows: list[pd.DataFrame] = []
    for layer in ("assets", "strikes", "bases", "places"):
        frame = shown[layer]
        if frame.empty:
            continue
        geoms = frame.geometry
        points = geoms.where(geoms.geom_type == "Point", geoms.representative_point())
        weight = np.full(len(frame), _layer_weight(layer))
        if layer == "places":
            weight[is_historical(frame)] = HISTORICAL_WEIGHT
        if layer == "assets" and stale_before is not None and "observed" in frame:
            observed = pd.to_datetime(frame["observed"], utc=True)
            weight[(observed < stale_before).to_numpy()] = WEIGHTS["stale_unit"]
        if "uncertainty_km" in frame:
            unc = pd.to_numeric(frame["uncertainty_km"], errors="coerce").fillna(0).to_numpy()
            weight[unc >= EXTENT_IGNORE_KM] = 0.0
        names = frame["name"] if "name" in frame else frame["id"]
        rows.append(
            pd.DataFrame(
                {
                    "id": frame["id"].astype(str).to_numpy(),
                    "name": names.fillna(frame["id"]).astype(str).to_numpy(),
                    "layer": layer,
                    "lon": points.x.to_numpy(),
                    "lat": points.y.to_numpy(),
                    "weight": weight,
                }
            )
        )
    table = (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame(columns=["id", "name", "layer", "lon", "lat", "weight"])
    )
    table = table[np.isfinite(table["lon"].astype(float)) & np.isfinite(table["lat"].astype(float))]
    return _Points(
        *(table[c].to_numpy() for c in ("id", "name", "layer")),
        *(table[c].to_numpy(dtype=float) for c in ("lon", "lat", "weight")),
    )


def _layer_weight(layer: str) -> float:
    return WEIGHTS[{"assets": "unit", "strikes": "strike", "bases": "base"}.get(layer, "place")]


def _stale_before(shown: Dataset, as_of: date | None, stale_days: int) -> pd.Timestamp | None:
    """Unit reports observed before this moment are stale (the map draws them faded)."""
    if as_of is None:
        observed = shown["assets"].get("observed")
        if observed is None or observed.dropna().empty:
            return None
        as_of = pd.Timestamp(observed.dropna().max()).date()
    end = datetime(as_of.year, as_of.month, as_of.day, tzinfo=timezone.utc) + timedelta(days=1)
    return pd.Timestamp(end - timedelta(days=stale_days))


def _area_of_interest(points: _Points) -> tuple[np.ndarray, float, float]:
    """Indices of the heaviest cluster's points, the clustering radius and the spread."""
    heavy = np.flatnonzero(points.weight > 0)
    cell_of, lon, lat, weight = clustering.pool(
        points.lon[heavy], points.lat[heavy], points.weight[heavy]
    )
    dist = distance_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    medoid = int(np.argmin(dist @ weight))
    spread = clustering.weighted_median(np.delete(dist[medoid], medoid), np.delete(weight, medoid))
    eps = float(np.clip(SPREAD_FACTOR * spread, EPS_MIN_KM, EPS_MAX_KM))
    labels = clustering.dbscan(dist, weight, eps, min(MIN_CORE_WEIGHT, 0.5 * weight.sum()))
    totals = np.bincount(labels, weights=weight)
    chosen = np.flatnonzero(labels == int(np.argmax(totals)))
    return heavy[np.isin(cell_of, chosen)], eps, spread


def _pad(box: Bounds) -> Bounds:
    west, south, east, north = box
    pad_x = max((east - west) * MARGIN, MIN_PAD_DEG, (MIN_SPAN_DEG - (east - west)) / 2)
    pad_y = max((north - south) * MARGIN, MIN_PAD_DEG, (MIN_SPAN_DEG - (north - south)) / 2)
    return (
        max(-180.0, west - pad_x),
        max(-MAX_LAT, south - pad_y),
        min(180.0, east + pad_x),
        min(MAX_LAT, north + pad_y),
    )


def _inside(points: _Points, box: Bounds | tuple[float, ...]) -> np.ndarray:
    west, south, east, north = box
    return (
        (points.lon >= west) & (points.lon <= east) & (points.lat >= south) & (points.lat <= north)
    )


def _far(
    points: _Points, outside: np.ndarray, frame: Bounds, view: Bounds
) -> tuple[FarFeature, ...]:
    """The points outside the frame: beyond the view first, then heaviest, then nearest."""
    index = np.flatnonzero(outside)
    if not len(index):
        return ()
    west, south, east, north = frame
    lon0, lat0 = (west + east) / 2, _unmerc((_merc(south) + _merc(north)) / 2)
    azimuth, _, metres = GEOD.inv(
        np.full(len(index), lon0), np.full(len(index), lat0), points.lon[index], points.lat[index]
    )
    far = [
        FarFeature(
            id=str(points.ids[i]),
            name=str(points.names[i]),
            layer=str(points.layers[i]),
            lon=float(points.lon[i]),
            lat=float(points.lat[i]),
            weight=float(points.weight[i]),
            distance_nm=round(float(m) / 1852.0, 1),
            bearing=bearing_name(float(a)),
            beyond_view=not bool(seen),
        )
        for i, a, m, seen in zip(
            index,
            np.atleast_1d(azimuth),
            np.atleast_1d(metres),
            _inside(points, view)[index],
            strict=True,
        )
    ]
    return tuple(sorted(far, key=lambda f: (not f.beyond_view, -f.weight, f.distance_nm, f.id)))


def _merc(lat: float) -> float:
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _unmerc(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)
