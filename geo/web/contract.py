"""What the payload means to the page's script, defined once here and sent with every payload.

The page (``geo/web/static/*.js``) declares none of these values itself: it reads them from
the payload's ``contract`` entry. So a kind code, a sentinel, the groups the time slider
windows or the way estimated features are faded can change here, and only here.

- ``kind``: feature kinds of the ``kind`` column;
- ``none``, ``same_as_id``: the "no value" index of every indexed column, and the
  ``entity`` of a feature that reports on itself;
- ``scale``: coordinates (``lon``, ``lat``, ``shape``, ``arrows``) are integers of
  ``1 / scale`` degree;
- ``day_s``: the time slider's step, one day in seconds;
- ``windowed``: the groups whose features stay shown once they happened, within the
  window when there is one (:func:`geo.data.selection.as_of` treats these layers so);
- ``circles``: the group of the uncertainty circles (drawn by the point canvas);
- ``overlays``: the groups drawn from labelled GeoJSON (track gaps, range rings, zones);
- ``style``: how features are drawn, normal and faded (``faded[i]`` is 1 for an
  estimated or reconstructed feature: :func:`geo.web.display.is_faded`);
- ``keys``: every payload entry, so that the page's use of them can be checked
  (``tests/js/contract.test.js``).
"""

from __future__ import annotations

from typing import Any

POINT, LINE, AREA = 0, 1, 2
"""Feature kinds in the payload's ``kind`` column."""
NONE = -1
"""Index meaning "no value" in every indexed column (``refs``, ``observed``, ``entity``...)."""
SAME_AS_ID = -2
"""``entity`` value of a feature whose entity is its own id (most features)."""
SCALE = 100_000
"""Coordinates travel as integers of 1e-5 degree (about 1 m)."""
DAY_S = 86_400
WINDOWED = ("strikes", "tracks")
"""Groups shown once they happened (within the window), as :func:`geo.data.selection.as_of`
selects strikes and tracks; every other dated feature is an asset report."""
CIRCLES = "uncertainty"
"""The group of the uncertainty circles."""
OVERLAYS = ("gaps", "rings", "zones")
"""Groups drawn from labelled GeoJSON in the payload entry of the same name, styled by the
:data:`STYLE` entry of that name (and a feature's own ``colour``)."""

GAP_COLOUR = "#868e96"
RING_COLOUR = "#d6336c"

STYLE: dict[str, dict[str, Any]] = {
    # Estimated or reconstructed features are drawn fainter and dashed, everywhere.
    "symbol": {"opacity": 1, "faded_opacity": 0.55},
    "circle": {
        "width": 1.2,
        "opacity": 0.8,
        "fill_opacity": 0.08,
        "faded_opacity": 0.5,
        "faded_fill_opacity": 0.05,
        "faded_dash": [5, 5],
    },
    "line": {
        "weight": 2.6,
        "opacity": 0.9,
        "faded_opacity": 0.65,
        "faded_dash": "9 7",
        "area_fill_opacity": 0.12,
    },
    "arrow": {"opacity": 0.95, "faded_opacity": 0.6},
    # Leaflet path options of the overlays (the legend draws their keys in the same colours).
    "gaps": {"color": GAP_COLOUR, "weight": 2, "dashArray": "2 6", "opacity": 0.9},
    "rings": {"color": RING_COLOUR, "weight": 1.6, "dashArray": "10 6", "fillOpacity": 0.03},
    "zones": {"weight": 1, "fillOpacity": 0.13},
    "land": {"color": "#8d8a80", "weight": 0.7, "fillColor": "#f3f1ea", "fillOpacity": 1},
}

PER_FEATURE_KEYS = (
    "kind",
    "group",
    "lon",
    "lat",
    "symbol",
    "faded",
    "colour",
    "circle",
    "refs",
    "observed",
    "entity",
)
"""Payload columns with one value per feature."""
SPARSE_KEYS = ("circle_rings", "shape", "times", "arrows", "extras", "until")
"""Payload entries ``{feature index: value}`` for the features that have one."""
PAGE_KEYS = (
    "contract",
    "strings",
    "columns",
    "fields",
    "symbols",
    "sources",
    "refsets",
    "epochs",
    "palette",
    "groups",
    "gaps",
    "rings",
    "zones",
    "tiles",
    "tiles_label",
    "land",
    "land_label",
    "sea",
    "offline_sea",
    "bounds",
    "collapsed",
    "timeline",
)
"""Payload entries about the whole page."""


def contract() -> dict[str, Any]:
    """The contract as sent in the payload (``payload["contract"]``).

    Returns
    -------
    dict
        JSON-ready: ``kind``, ``none``, ``same_as_id``, ``scale``, ``day_s``, ``windowed``,
        ``circles``, ``overlays``, ``style`` and ``keys`` (``page``, ``feature``, ``sparse``).
    """
    return {
        "kind": {"point": POINT, "line": LINE, "area": AREA},
        "none": NONE,
        "same_as_id": SAME_AS_ID,
        "scale": SCALE,
        "day_s": DAY_S,
        "windowed": list(WINDOWED),
        "circles": CIRCLES,
        "overlays": list(OVERLAYS),
        "style": STYLE,
        "keys": {
            "page": list(PAGE_KEYS),
            "feature": list(PER_FEATURE_KEYS),
            "sparse": list(SPARSE_KEYS),
        },
    }
