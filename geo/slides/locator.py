"""The slide's locator inset: where the main map lies, and the features beyond it.

:func:`inset_spec` turns a :class:`geo.web.framing.Framing` into what
``posturemap.slide`` (``geo/web/static/slides.js``) draws in a corner: a small map of coarse
land, the main map's view as a box, and the far features as dots labelled with their name,
distance and bearing from the centre of the main map ("Barksdale AFB · 1,808 nm NW").
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import shapely

from geo.analysis.naturalearth import countries
from geo.slides.text import short_name
from geo.web.framing import Bounds, FarFeature, Framing

MAX_DOTS = 40
"""Far features drawn on the inset (heaviest first); the rest are counted in its caption."""
GROUP_FRACTION = 0.2
"""Far features closer than this fraction of the inset's larger side share one label."""
MAX_LINES = 3
"""Lines of one label; the page ends a bigger group with "and N more"."""
EXTENT_PAD = 0.12
"""Fraction of the inset's extent added on each side, so that dots sit off its edges."""
LAND_DETAIL = 500
"""The inset's land is simplified to about 1/this of its extent (about a pixel)."""
CAPTION = "Off the main map · distance from its centre"


def far_label(feature: FarFeature) -> str:
    """``Barksdale AFB · 1,808 nm NW``: short name, distance and bearing from the map's centre."""
    return f"{short_name(feature.name)} · {feature.distance_nm:,.0f} nm {feature.bearing}"


def inset_spec(framing: Framing) -> dict[str, Any] | None:
    """What the locator inset draws, or None when nothing lies outside the view.

    Returns
    -------
    dict or None
        ``dots``: ``{lat, lon, layer}`` of the far features (the :data:`MAX_DOTS` heaviest);
        ``labels``: one per group of nearby dots (:func:`label_groups`), in priority order:
        ``members`` (indices into ``dots``) and their ``lines`` (:func:`far_label`). The page
        leaves out the dots it finds visible on the main map after all (this frame's view is an
        estimate), anchors each label at its first remaining member, shows at most
        ``max_lines`` lines ("and N more") and places as many labels as fit; the inset frames
        the main map's view and the dots left. ``land``: a GeoJSON MultiPolygon of coarse land
        around the view and every dot; ``caption``; ``unlisted``: far features not drawn.
    """
    if not framing.far:
        return None
    shown = framing.far[:MAX_DOTS]
    extent = _extent(framing.view, shown)
    index = {id(f): i for i, f in enumerate(shown)}
    labels = [
        {"members": [index[id(f)] for f in group], "lines": [far_label(f) for f in group]}
        for group in label_groups(shown, extent)
    ]
    return {
        "dots": [{"lat": f.lat, "lon": f.lon, "layer": f.layer} for f in shown],
        "labels": labels,
        "land": coarse_land(tuple(round(v) for v in extent)),
        "caption": CAPTION,
        "max_lines": MAX_LINES,
        "unlisted": len(framing.far) - len(shown),
    }


def label_groups(far: tuple[FarFeature, ...], extent: Bounds) -> list[list[FarFeature]]:
    """Far features that would crowd each other on the inset, grouped (single linkage).

    Two features are near when they lie within :data:`GROUP_FRACTION` of the inset's larger
    side of each other (in Web Mercator, as the inset draws them). Groups keep the order of
    ``far`` (heaviest first), and so does each group's list.
    """
    west, south, east, north = extent
    x = np.radians([f.lon for f in far])
    y = np.log(np.tan(np.pi / 4 + np.radians(np.clip([f.lat for f in far], -85, 85)) / 2))
    side = max(np.radians(east - west), _merc_y(north) - _merc_y(south))
    near = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) <= GROUP_FRACTION * side
    group = np.full(len(far), -1)
    for start in range(len(far)):
        if group[start] >= 0:
            continue
        group[start] = start
        queue = [start]
        while queue:
            linked = np.flatnonzero(near[queue.pop()] & (group < 0))
            group[linked] = start
            queue.extend(linked.tolist())
    return [
        [f for f, g in zip(far, group, strict=True) if g == key] for key in dict.fromkeys(group)
    ]


def _merc_y(lat: float) -> float:
    lat = max(-85.0, min(85.0, lat))
    return float(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))


def _extent(view: Bounds, far: tuple[FarFeature, ...]) -> Bounds:
    west = min(view[0], *(f.lon for f in far))
    east = max(view[2], *(f.lon for f in far))
    south = min(view[1], *(f.lat for f in far))
    north = max(view[3], *(f.lat for f in far))
    pad_x, pad_y = (east - west) * EXTENT_PAD, (north - south) * EXTENT_PAD
    return (
        max(-180.0, west - pad_x),
        max(-85.0, south - pad_y),
        min(180.0, east + pad_x),
        min(85.0, north + pad_y),
    )


@lru_cache(maxsize=8)
def coarse_land(extent: tuple[float, ...]) -> dict[str, Any]:
    """Land around ``extent`` (west, south, east, north), simplified for a small map.

    Natural Earth's countries, cut to the extent's box (plus a margin), simplified to about
    1/:data:`LAND_DETAIL` of its span without topology checks (fast; a pixel's error), outer
    rings only, islands smaller than the tolerance dropped, coordinates to 0.01 degree.
    """
    west, south, east, north = extent
    tolerance = min(0.5, max(0.02, max(east - west, north - south) / LAND_DETAIL))
    margin = 10 * tolerance
    near = countries().cx[west - margin : east + margin, south - margin : north + margin]
    simplified = shapely.simplify(near.geometry.to_numpy(), tolerance, preserve_topology=False)
    rings: list[list[list[list[float]]]] = []
    for geom in simplified:
        if geom is None or geom.is_empty:
            continue
        for part in getattr(geom, "geoms", [geom]):
            if part.geom_type != "Polygon" or part.area < tolerance * tolerance:
                continue
            coords = np.round(np.asarray(part.exterior.coords), 2)
            rings.append([coords.tolist()])
    return {"type": "MultiPolygon", "coordinates": rings}
