"""posturemap: map where military assets are positioned, from open sources.

The public API, one stage of the flow after another (data -> analysis, tracks -> web ->
slides; the app and the command line sit on top). Data and analysis functions take and
return GeoDataFrames (inside a :class:`Dataset`) and never import folium.

Names are imported when first used (PEP 562), so ``import geo`` stays light: it loads no
folium, Streamlit or Playwright until a map or a slide is asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_PUBLIC = {
    # data: the format, reading, selecting, writing
    "LAYERS": "geo.data.schema",
    "Problem": "geo.data.schema",
    "Dataset": "geo.data.reading",
    "load": "geo.data.reading",
    "load_bytes": "geo.data.reading",
    "default_data_dir": "geo.data.paths",
    "as_of": "geo.data.selection",
    "dates_in": "geo.data.selection",
    "filter_layers": "geo.data.selection",
    "history": "geo.data.selection",
    "latest_date": "geo.data.selection",
    "summary": "geo.data.selection",
    "gap_lines": "geo.data.gaps",
    "to_feature_collection": "geo.data.writing",
    "write_geojson": "geo.data.writing",
    # data: positions typed by people, features in from other tools, out to QGIS
    "parse_position": "geo.data.positions",
    "import_features": "geo.data.importing",
    "write_gpkg": "geo.data.gpkg",
    # data: editing a working directory, its history
    "copy_default": "geo.data.edits",
    "read_report": "geo.data.edits",
    "add_report": "geo.data.edits",
    "add_source": "geo.data.edits",
    "update_report": "geo.data.edits",
    "retire_report": "geo.data.edits",
    "delete_report": "geo.data.edits",
    "new_report": "geo.data.edits",
    "undo": "geo.data.edits",
    "EditError": "geo.data.edits",
    "read_history": "geo.data.history",
    # analysis
    "distance_km": "geo.analysis.geodesy",
    "distance_nm": "geo.analysis.geodesy",
    "geodesic_circle": "geo.analysis.geodesy",
    "analyze": "geo.analysis.joins",
    "strikes_by_zone": "geo.analysis.joins",
    "range_rings": "geo.analysis.rings",
    "zone_bands": "geo.analysis.zonebands",
    "zone_ranges": "geo.analysis.uncertainty",
    "track_crossings": ("geo.analysis.territory", "crossings"),
    "classify_zones": ("geo.analysis.zones", "classify"),
    "diff": "geo.analysis.diff",
    "write_kml": "geo.analysis.kml",
    # tracks
    "read_pings": "geo.tracks.readers",
    "build_tracks": "geo.tracks.legs",
    "import_tracks": "geo.tracks.importer",
    # web map
    "build_map": "geo.web.maps",
    "write_html": "geo.web.export",
    # slides
    "SlideRenderer": "geo.slides.browser",
    "kmz_icons": "geo.slides.icons",
    "render_png": "geo.slides.render",
    "slide_png_bytes": "geo.slides.render",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    """Import a public name on first use."""
    target = _PUBLIC.get(name)
    if target is None:
        raise AttributeError(f"module 'geo' has no attribute {name!r}")
    module, attribute = target if isinstance(target, tuple) else (target, name)
    value = getattr(import_module(module), attribute)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
