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
  estimated or reconstructed feature: :func:`geo.web.display.is_faded`), and how labels,
  true-position dots, leader lines, groups and basemap names look;
- ``roles``: what a layer-control group's points are, in label priority (units first);
  each group of the payload names its ``role``;
- ``label``: the label text rules (ship prefixes dropped beside a hull number, the longest
  label, how many members a group's roster names);
- ``compare``: (a page entry, not a contract one) compare mode's changes, positions in
  plain degrees ``[lat, lon]`` (:func:`geo.web.compare.compare_entry`);
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
ROLES = ("unit", "base", "place", "strike")
"""What a group's points are, in label priority: units, then bases, places, strikes."""
STALE_DAYS = 14
"""A unit report older than this many days (before the map's date) is drawn faded, with
"last seen DATE" in its label."""
MAX_STALE_DAYS = 3650
"""The largest freshness option (``--stale-days``, the app's): ten years."""
LABEL: dict[str, Any] = {
    # Dropped before the name when a hull number or designation is there: "DDG-107 Gravely".
    "prefixes": [
        "USS",
        "USNS",
        "HMS",
        "HMCS",
        "HMAS",
        "HMNZS",
        "INS",
        "FS",
        "ARA",
        "BNS",
        "HNLMS",
        "ESPS",
        "ITS",
        "TCG",
        "JS",
        "ROKS",
        "RFS",
        "PNS",
        "KRI",
    ],
    "max_chars": 36,
    "roster_max": 6,
}
OVERLAYS = ("gaps", "rings", "zones")
"""Groups drawn from labelled GeoJSON in the payload entry of the same name, styled by the
:data:`STYLE` entry of that name (and a feature's own ``colour``)."""

GAP_COLOUR = "#868e96"
RING_COLOUR = "#d6336c"

STYLE: dict[str, dict[str, Any]] = {
    # Estimated or reconstructed features are drawn fainter and dashed, everywhere.
    "symbol": {"opacity": 1, "faded_opacity": 0.55},
    # Uncertainty circles: a faint outline; filled, and stronger, while their feature is
    # hovered or its popup open ("focus"). They never take the mouse.
    "circle": {
        "width": 1,
        "opacity": 0.4,
        "faded_opacity": 0.3,
        "faded_dash": [5, 5],
        "focus_width": 2,
        "focus_opacity": 0.9,
        "focus_fill_opacity": 0.16,
    },
    # Labels: halo text, dark on light basemaps and light on dark ones.
    "label": {
        "font": "'Liberation Sans', 'DejaVu Sans', Arial, sans-serif",
        "size": 14,
        "small": 12.5,
        "line": 1.25,
        "weight": {"unit": 700, "base": 700, "place": 600, "strike": 400},
        "halo": 3.5,
        "light": {"ink": "#15191e", "halo": "rgba(255, 255, 255, 0.92)", "stale": "#5c636a"},
        "dark": {"ink": "#f8f9fa", "halo": "rgba(10, 12, 16, 0.85)", "stale": "#ced4da"},
    },
    # The offset location indicator: a dot at the true position, a line to the symbol.
    "dot": {"radius": 3.5, "stroke": "#ffffff", "width": 1.5},
    "leader": {"colour": "#343a40", "width": 1.2, "opacity": 0.85},
    # A group drawn as one symbol: its lead's symbol on a second, offset frame.
    "stack": {"offset": 4, "opacity": 0.55},
    # Many points in one cell: one disc with their number.
    "aggregate": {"fill": "#495057", "ink": "#ffffff", "stroke": "#ffffff", "size": 26},
    # Basemap names (offline basemap): grey, lighter than data labels.
    "names": {
        "country": {"size": 14, "weight": 400, "ink": "#6c6a64", "spacing": 2.5},
        "capital": {"size": 12, "weight": 600, "ink": "#4a4843", "spacing": 0},
        "city": {"size": 11.5, "weight": 400, "ink": "#5b5953", "spacing": 0},
        "halo": "rgba(243, 241, 234, 0.9)",
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
    # Compare mode (geo/web/compare.py): earlier positions ghosted, arrows old to new, a ring
    # at arrivals; colours kept apart from the affiliations' blue, red, green and yellow.
    "compare": {
        "moved": "#5f3dc4",
        "within": "#868e96",
        "arrived": "#e8590c",
        "departed": "#495057",
        "weight": 3,
        "within_dash": "2 5",
        "ghost_opacity": 0.45,
        "ring_radius": 17,
        "head_px": 11,
    },
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
SPARSE_KEYS = (
    "circle_rings",
    "shape",
    "times",
    "arrows",
    "extras",
    "until",
    "label",
    "task_group",
)
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
    "land_key",
    "land_label",
    "sea",
    "offline_sea",
    "bounds",
    "focus",
    "collapsed",
    "timeline",
    "task_groups",
    "placenames",
    "freshness",
    "compare",
)
"""Payload entries about the whole page."""


def contract() -> dict[str, Any]:
    """The contract as sent in the payload (``payload["contract"]``).

    Returns
    -------
    dict
        JSON-ready: ``kind``, ``none``, ``same_as_id``, ``scale``, ``day_s``, ``windowed``,
        ``circles``, ``overlays``, ``roles``, ``label``, ``style`` and ``keys`` (``page``,
        ``feature``, ``sparse``).
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
        "roles": list(ROLES),
        "label": LABEL,
        "style": STYLE,
        "keys": {
            "page": list(PAGE_KEYS),
            "feature": list(PER_FEATURE_KEYS),
            "sparse": list(SPARSE_KEYS),
        },
    }
