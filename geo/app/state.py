"""The Streamlit app's state: the user's choices, in the URL and in the widgets.

The choices are one value (:class:`ViewState`); here is how it travels through URL
query parameters (a shared link) and through the app's widgets, and what the
widgets offer. What the map and table report back is in :mod:`geo.app.clicks`, what
is in view and the figures in :mod:`geo.app.view`. No Streamlit and no folium:
plain values in and out, so that it can be tested without Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from geo.data import schema, selection
from geo.data.schema import LAYERS
from geo.web.basemaps import BASEMAPS
from geo.web.contract import MAX_STALE_DAYS, STALE_DAYS

WINDOWS: tuple[int | None, ...] = (None, 1, 7, 30, 90)
"""Date windows offered for strikes and tracks, in days ending on the as-of date."""

NONE = ""
"""What a single-choice widget holds for "none" (Streamlit shows a None value as unset)."""

WINDOW_CHOICES: tuple[int, ...] = tuple(w or 0 for w in WINDOWS)
"""The window widget's options: 0 stands for no window."""

LAYER_LABELS = {
    "bases": "Bases",
    "assets": "Assets",
    "tracks": "Tracks",
    "strikes": "Strikes",
    "places": "Places",
}


@dataclass(frozen=True)
class ViewState:
    """Everything the user chose, as one value that a URL can carry.

    Attributes
    ----------
    as_of : date or None
        The as-of date; None means the latest date in the data.
    window : int or None
        Days (ending on ``as_of``) of strikes and tracks to show; None shows all before it.
    layers, categories, affiliations, confidences : tuple of str or None
        Filters; None keeps everything, an empty tuple keeps nothing.
    basemap : str
        One of :data:`BASEMAPS`.
    uncertainty : bool
        Draw the uncertainty circles.
    ring_origin : str or None
        Id of the base or asset range rings are drawn around.
    ring_nm : float or None
        Ring radius in nautical miles; None means the asset's nominal ranges.
    zone_state : str or None
        ISO A3 code of the state whose maritime zones are drawn.
    to : str or None
        Id of the place distances are measured to; None: the data's capital
        (:func:`geo.analysis.joins.default_target`), chosen when the data is known.
    selected : str or None
        Id of the feature whose details are shown.
    center : tuple of float or None
        Map centre (lat, lon) when the user has moved the map.
    zoom : int or None
        Map zoom when the user has moved the map.
    timeline : bool
        Give the map a time slider and play button that replay the build-up; the map then
        holds every dated report (filtered, not as-of selected), starting at ``as_of``.
    groups : tuple of str or None
        Show only the assets of these ``group``s (task forces, ready groups); None (no group
        chosen) shows every asset. Other layers are not filtered by group.
    stale_days : int
        Unit reports this many days older than the as-of date are drawn faded.
    compare : date or None
        Compare mode: what moved from this (earlier) data date to the as-of date, on the
        map and in the panel; None is off.
    """

    as_of: date | None = None
    window: int | None = None
    layers: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    affiliations: tuple[str, ...] | None = None
    confidences: tuple[str, ...] | None = None
    basemap: str = "light"
    uncertainty: bool = True
    ring_origin: str | None = None
    ring_nm: float | None = None
    zone_state: str | None = None
    to: str | None = None
    selected: str | None = None
    center: tuple[float, float] | None = None
    zoom: int | None = None
    timeline: bool = False
    groups: tuple[str, ...] | None = None
    stale_days: int = STALE_DAYS
    compare: date | None = None

    @property
    def since(self) -> date | None:
        """First day of the window, or None when the whole history is shown."""
        return window_start(self.as_of, self.window)


CHOICES: dict[str, tuple[str, ...]] = {
    "layers": LAYERS,
    "categories": schema.CATEGORIES,
    "affiliations": schema.AFFILIATIONS,
    "confidences": schema.CONFIDENCE,
}
"""The options of each multiple-choice filter."""

# Short query parameter names keep shared links readable.
_PARAM = {
    "as_of": "date",
    "window": "window",
    "layers": "layers",
    "categories": "cat",
    "affiliations": "aff",
    "confidences": "conf",
    "basemap": "basemap",
    "uncertainty": "unc",
    "ring_origin": "ring",
    "ring_nm": "ring_nm",
    "zone_state": "zone",
    "to": "to",
    "selected": "sel",
    "view": "view",
    "timeline": "play",
    "groups": "group",
    "stale_days": "stale",
    "compare": "compare",
}


def window_start(as_of: date | None, window: int | None) -> date | None:
    """Return the first day of a window of ``window`` days ending on ``as_of`` (inclusive).

    Examples
    --------
    >>> window_start(date(2025, 10, 7), 7)
    datetime.date(2025, 10, 1)
    """
    if as_of is None or window is None:
        return None
    return as_of - timedelta(days=window - 1)


def normalise_choice(
    chosen: Iterable[str] | None, options: Sequence[str]
) -> tuple[str, ...] | None:
    """Turn a multiselect value into a filter: None when every option is chosen.

    Unknown values are dropped and the options' order is kept, so that equal
    choices give equal states (and equal URLs).
    """
    if chosen is None:
        return None
    picked = set(chosen)
    kept = tuple(option for option in options if option in picked)
    return None if len(kept) == len(options) else kept


# --- query parameters ---------------------------------------------------------------


def _first(value: str | Sequence[str] | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value[-1] if value else None


def _nearest_day(text: str, days: Sequence[date]) -> date | None:
    """Parse an ISO date and snap it to the latest data date on or before it."""
    try:
        wanted = selection.to_day(text)
    except ValueError:
        return None
    if not days:
        return wanted
    earlier = [day for day in days if day <= wanted]
    return earlier[-1] if earlier else days[0]


def _float(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def decode_query(
    params: Mapping[str, str | Sequence[str]],
    days: Sequence[date] = (),
    ids: Iterable[str] | None = None,
    origins: Iterable[str] | None = None,
) -> ViewState:
    """Read a :class:`ViewState` from URL query parameters, ignoring anything invalid.

    A shared link must never break the app: unknown values are dropped, a date is
    snapped to the data's dates, a feature id that is not in the data is ignored.

    Parameters
    ----------
    params : mapping
        ``st.query_params.to_dict()`` (or lists of values per key).
    days : sequence of date
        The data's dates, sorted (``geo.data.selection.dates_in``).
    ids : iterable of str, optional
        Feature ids in the data; when given, ``to`` and ``sel`` must be among them.
    origins : iterable of str, optional
        What range rings can be drawn around (base ids, asset entities and ids); when
        given, ``ring`` must be among them (else among ``ids``).

    Returns
    -------
    ViewState
    """
    get = {name: _first(params.get(param)) for name, param in _PARAM.items()}
    known = set(ids) if ids is not None else None
    ring_keys = set(origins) if origins is not None else known

    def feature_id(text: str | None, allowed: set[str] | None = known) -> str | None:
        if not text or (allowed is not None and text not in allowed):
            return None
        return text

    state = ViewState()
    if get["as_of"]:
        day = _nearest_day(get["as_of"], days)
        if day is not None and (not days or day != days[-1]):
            state = replace(state, as_of=day)
    window = get["window"]
    if window and window.isdigit() and int(window) in WINDOWS:
        state = replace(state, window=int(window))
    for name, options in CHOICES.items():
        text = get[name]
        if text is not None:
            values = [v for v in text.split(",") if v]
            state = replace(state, **{name: normalise_choice(values, options)})
    if get["basemap"] in BASEMAPS:
        state = replace(state, basemap=get["basemap"])
    if get["uncertainty"] in ("0", "1"):
        state = replace(state, uncertainty=get["uncertainty"] == "1")
    if get["timeline"] in ("0", "1"):
        state = replace(state, timeline=get["timeline"] == "1")
    state = replace(state, ring_origin=feature_id(get["ring_origin"], ring_keys))
    ring_nm = _float(get["ring_nm"])
    if ring_nm is not None and 0 < ring_nm <= 12_000:
        state = replace(state, ring_nm=ring_nm)
    zone = (get["zone_state"] or "").upper()
    if len(zone) == 3 and zone.isalpha():
        state = replace(state, zone_state=zone)
    if get["groups"]:
        names = tuple(dict.fromkeys(v for v in get["groups"].split(",") if v))
        state = replace(state, groups=names or None)
    stale = get["stale_days"]
    if stale and stale.isdigit() and 1 <= int(stale) <= MAX_STALE_DAYS:
        state = replace(state, stale_days=int(stale))
    if get["compare"]:
        before = _nearest_day(get["compare"], days)
        latest = days[-1] if days else None
        if before is not None and before < (state.as_of or latest or before):
            state = replace(state, compare=before)
    state = replace(state, to=feature_id(get["to"]))
    state = replace(state, selected=feature_id(get["selected"]))
    view = (get["view"] or "").split(",")
    if len(view) == 3:
        lat, lon, zoom = (_float(v) for v in view)
        if lat is not None and lon is not None and zoom is not None and abs(lat) <= 90:
            state = replace(state, center=(lat, lon), zoom=int(min(max(zoom, 0), 20)))
    return state


def encode_query(state: ViewState) -> dict[str, str]:
    """Write a :class:`ViewState` as URL query parameters, leaving out defaults.

    ``decode_query(encode_query(s))`` gives ``s`` back (for dates that are in the data).
    """
    out: dict[str, str] = {}
    default = ViewState()
    if state.as_of is not None:
        out["date"] = state.as_of.isoformat()
    if state.window is not None:
        out["window"] = str(state.window)
    for name in CHOICES:
        value = getattr(state, name)
        if value is not None:
            out[_PARAM[name]] = ",".join(value)
    if state.basemap != default.basemap:
        out["basemap"] = state.basemap
    if not state.uncertainty:
        out["unc"] = "0"
    if state.timeline:
        out["play"] = "1"
    if state.groups:
        out["group"] = ",".join(state.groups)
    if state.stale_days != default.stale_days:
        out["stale"] = str(state.stale_days)
    if state.compare is not None:
        out["compare"] = state.compare.isoformat()
    if state.ring_origin:
        out["ring"] = state.ring_origin
    if state.ring_nm is not None:
        out["ring_nm"] = f"{state.ring_nm:g}"
    if state.zone_state:
        out["zone"] = state.zone_state
    if state.to:
        out["to"] = state.to
    if state.selected:
        out["sel"] = state.selected
    if state.center is not None and state.zoom is not None:
        lat, lon = state.center
        out["view"] = f"{lat:.4f},{lon:.4f},{state.zoom}"
    return out


# --- widgets ---------------------------------------------------------------------------

DEFAULT_RING_NM = 500.0


def widget_values(state: ViewState, days: Sequence[date]) -> dict[str, Any]:
    """The widget values that show ``state`` (to seed ``st.session_state``).

    Multiselects get lists (every option when the filter is off); the as-of
    slider gets a date from ``days`` (the latest when ``state.as_of`` is None).
    """
    as_of = state.as_of if state.as_of in days else (days[-1] if days else None)
    values: dict[str, Any] = {
        "as_of": as_of,
        "window": state.window or 0,
        "basemap": state.basemap,
        "uncertainty": state.uncertainty,
        "timeline": state.timeline,
        "ring_origin": state.ring_origin or NONE,
        "ring_mode": "nominal" if state.ring_nm is None else "custom",
        "ring_nm": state.ring_nm if state.ring_nm is not None else DEFAULT_RING_NM,
        "zone_state": state.zone_state or NONE,
        "to": state.to,
        "groups": list(state.groups or ()),
        "stale_days": state.stale_days,
        "compare": state.compare if state.compare in days else NONE,
    }
    for name, options in CHOICES.items():
        chosen = getattr(state, name)
        values[name] = list(options if chosen is None else chosen)
    return values


def state_from_widgets(
    values: Mapping[str, Any],
    days: Sequence[date],
    selected: str | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> ViewState:
    """Build the :class:`ViewState` from widget values (the inverse of :func:`widget_values`).

    The latest data date becomes ``as_of=None`` so that a shared link follows new data;
    :data:`NONE` and a window of 0 become None, and so does a compare date that is not
    before the as-of date.
    """
    as_of = values.get("as_of")
    if days and as_of == days[-1]:
        as_of = None
    compare = values.get("compare") or None
    end = as_of or (days[-1] if days else None)
    if not isinstance(compare, date) or end is None or compare >= end:
        compare = None
    window = values.get("window")
    basemap = values.get("basemap")
    ring_nm = values.get("ring_nm") if values.get("ring_mode") == "custom" else None
    stale = values.get("stale_days")
    return ViewState(
        as_of=as_of,
        window=window if window and window in WINDOWS else None,
        basemap=basemap if basemap in BASEMAPS else "light",
        uncertainty=bool(values.get("uncertainty", True)),
        timeline=bool(values.get("timeline", False)),
        ring_origin=values.get("ring_origin") or None,
        ring_nm=float(ring_nm) if ring_nm else None,
        zone_state=values.get("zone_state") or None,
        to=values.get("to") or None,
        selected=selected or None,
        center=center,
        zoom=zoom,
        groups=tuple(dict.fromkeys(values.get("groups") or ())) or None,
        stale_days=int(stale)
        if isinstance(stale, int) and 1 <= stale <= MAX_STALE_DAYS
        else STALE_DAYS,
        compare=compare,
        **{name: normalise_choice(values.get(name), options) for name, options in CHOICES.items()},
    )
