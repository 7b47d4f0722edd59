"""Build the layered folium map of a data set.

The features travel as one compact payload (:func:`geo.web.payload.build_payload`) that
:class:`geo.web.script.MapData` draws: points and uncertainty circles on one canvas of its
own, lines and areas on Leaflet's canvas. Title block, legend and scale bar are
:mod:`geo.web.panels`. Nothing from the data is put into HTML here; the page builds popups
from text nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import folium
import geopandas as gpd

from geo.data.reading import Dataset
from geo.data.selection import dates_in, latest_date
from geo.web import assets
from geo.web.compare import compare_entry
from geo.web.contract import DAY_S, STALE_DAYS
from geo.web.escape import html_text
from geo.web.legend import as_of_text, legend_entries, source_line
from geo.web.panels import Legend, ScaleBar, Timeline, TitleBlock
from geo.web.payload import build_payload
from geo.web.script import MapData

CAVEAT = "Open sources; positions approximate"
DEFAULT_TITLE = "posturemap: military posture from open sources"


def build_map(
    dataset: Dataset,
    *,
    as_of: date | None = None,
    since: date | None = None,
    title: str | None = None,
    basemap: str = "light",
    rings: gpd.GeoDataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    show_uncertainty: bool = True,
    bounds: tuple[float, float, float, float] | None = None,
    timeline: bool = False,
    caveat: str = CAVEAT,
    legend: bool = True,
    title_block: bool = True,
    stale_days: int = STALE_DAYS,
    compare_from: date | None = None,
    history: Dataset | None = None,
    land_link: Callable[[dict[str, Any]], tuple[str, str]] | None = None,
    timeline_figures: Callable[[date], str] | None = None,
    where_rows: bool = True,
) -> folium.Map:
    """Build the layered map of ``dataset``.

    Parameters
    ----------
    dataset : Dataset
        Usually already selected with :func:`geo.data.selection.as_of`; with ``timeline`` the
        whole data set, which the page's time slider then selects from.
    as_of, since : date, optional
        Shown in the title block (and the timeline's starting point).
    title : str, optional
        Title text (escaped); a generic title by default.
    basemap : str
        One of :data:`geo.web.basemaps.BASEMAPS`; ``offline`` needs no network. The offline
        map is always offered as an alternative in the layer control.
    rings, zones : GeoDataFrame, optional
        From :func:`geo.analysis.joins.range_rings` and :func:`geo.analysis.zonebands.zone_bands`.
    show_uncertainty : bool
        Draw uncertainty circles.
    bounds : (west, south, east, north), optional
        The initial view; default the features' extent.
    timeline : bool
        Add a time slider and play button.
    caveat : str
        The caveat line.
    legend, title_block : bool
        Include the legend and the title block.
    stale_days : int
        Unit reports older than this many days before ``as_of`` (default: the latest
        report's date) are drawn faded, with "last seen DATE" in their label.
    compare_from : date, optional
        Compare mode: also show what changed from this date to ``as_of`` (default the latest
        date of ``history``): earlier positions ghosted, arrows with distances, arrivals and
        departures marked and listed in a panel (:mod:`geo.web.compare`).
    history : Dataset, optional
        The whole data set both dates of compare mode are selected from; default
        ``dataset`` (pass the unselected data when ``dataset`` is one date's selection).
    land_link : callable, optional
        Where the page finds the offline land instead of carrying it: called with the land
        (a GeoJSON dict), returns its key and the URL of a script that stores it as
        ``posturemap.lands[key]`` (``geo/web/static/map.js``). The app serves the land once,
        cached by the browser, instead of sending it with every map; None (an export)
        carries it in the page.
    timeline_figures : callable, optional
        With ``timeline``: the key figures at a date, as one line of text (the app's
        figures); the time slider's panel shows them as it plays. Called for each data date
        (and, with a window, each date a strike or track leaves it).
    where_rows : bool
        The popups' "where" and "crosses" rows (:func:`geo.web.payload.build_payload`).

    Returns
    -------
    folium.Map
        Uses Leaflet only (no jQuery, Bootstrap or icon fonts). Export it with
        :func:`geo.web.export.html_document`; in Streamlit use
        :func:`geo.web.assets.use_local_assets`.

    Raises
    ------
    ValueError
        For an unknown basemap, or a ``compare_from`` after the map's date.
    """
    timeline_spec = None
    if timeline:
        timeline_spec = _timeline_spec(dataset, as_of, since)
    if timeline_spec is not None and timeline_figures is not None:
        timeline_spec["figures"] = _figures_by_day(dataset, timeline_spec, timeline_figures)
    payload = build_payload(
        dataset,
        basemap=basemap,
        rings=rings,
        zones=zones,
        show_uncertainty=show_uncertainty,
        bounds=bounds,
        timeline=timeline_spec,
        as_of=as_of,
        stale_days=stale_days,
        compare=_compare(history or dataset, compare_from, as_of),
        where_rows=where_rows,
    )
    fmap = folium.Map(
        location=[15, -70], zoom_start=4, tiles=None, prefer_canvas=True, control_scale=False
    )
    assets.link_page(fmap)
    if land_link is not None and payload.get("land") is not None:
        payload["land_key"], url = land_link(payload["land"])
        payload["land"] = None
        fmap.default_js.append(("posturemap_land", url))  # loaded before the map's script runs
    fmap.add_child(MapData(payload))
    if timeline_spec is not None:
        fmap.add_child(Timeline())
    if title_block:
        fmap.add_child(
            TitleBlock(
                title=html_text(title or DEFAULT_TITLE),
                as_of=html_text(
                    _timeline_text(timeline_spec) if timeline else as_of_text(as_of, since)
                ),
                sources=html_text(source_line(dataset)),
                caveat=html_text(caveat),
            )
        )
    if legend:
        fmap.add_child(Legend(legend_entries(dataset, rings, zones, show_uncertainty)))
    fmap.add_child(ScaleBar())
    return fmap


def _compare(history: Dataset, start: date | None, end: date | None) -> dict[str, Any] | None:
    if start is None:
        return None
    end = end or latest_date(history) or start
    return compare_entry(history, start, end)


def _figures_by_day(
    dataset: Dataset, spec: dict[str, Any], figures: Callable[[date], str]
) -> list[list[Any]]:
    """``[[end of day (epoch s), text], ...]`` at each date the figures may change, in order."""
    days = set(dates_in(dataset))
    if spec.get("window_days"):  # a strike or track leaves the window the day after it ends
        days |= {d + timedelta(days=spec["window_days"]) for d in list(days)}
    first, last = _day_of(spec["start"]), _day_of(spec["end"])
    return [[_end_of(d), figures(d)] for d in sorted(days) if first <= d <= last]


def _end_of(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()) + DAY_S


def _day_of(end: int) -> date:
    return datetime.fromtimestamp(end - DAY_S, tz=timezone.utc).date()


def _timeline_text(spec: dict[str, Any] | None) -> str:
    if spec is None:
        return "Timeline: no dated features"
    first, last = _day_of(spec["start"]), _day_of(spec["end"])
    window = spec.get("window_days")
    shown = f"; strikes and tracks of the last {window} days" if window else ""
    return (
        f"Timeline {first.isoformat()} to {last.isoformat()}{shown}: press play or move the slider"
    )


def _timeline_spec(
    dataset: Dataset, as_of: date | None, since: date | None = None
) -> dict[str, Any] | None:
    """The time slider: first and last day, the starting day, and the strike/track window.

    Days are given as the end of the day (epoch seconds of the next midnight, UTC), the
    moment :func:`geo.data.selection.as_of` selects at. A window of ``since`` to ``as_of``
    (inclusive) moves with the slider: strikes and tracks of the last so many days.
    """
    stamps = []
    for layer in ("assets", "tracks", "strikes"):
        frame = dataset[layer]
        for column in ("observed", "until"):
            if column in frame and not frame.empty:
                stamps.extend(t for t in frame[column].dropna())
    if not stamps:
        return None
    first, last = min(stamps).date(), max(stamps).date()
    now = as_of or last
    window = (as_of - since).days + 1 if as_of and since and since <= as_of else None
    return {
        "start": _end_of(first),
        "end": _end_of(last),
        "now": _end_of(min(max(now, first), last)),
        "step_ms": 400,
        "window_days": window,
    }
