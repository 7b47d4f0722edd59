"""posturemap: map where military assets are positioned, from open sources.

The public API; data functions take and return GeoDataFrames (inside a
:class:`Dataset`) and never import folium.
"""

from __future__ import annotations

from geo.analysis.geodesy import distance_km, distance_nm, geodesic_circle
from geo.analysis.joins import analyze, strikes_by_zone
from geo.analysis.rings import range_rings
from geo.analysis.zonebands import zone_bands
from geo.analysis.zones import classify as classify_zones
from geo.data.gaps import gap_lines
from geo.data.paths import default_data_dir
from geo.data.reading import Dataset, load, load_bytes
from geo.data.schema import LAYERS, Problem
from geo.data.selection import as_of, dates_in, filter_layers, history, latest_date, summary
from geo.data.writing import to_feature_collection, write_geojson
from geo.slides.browser import SlideRenderer
from geo.slides.render import render_png, slide_png_bytes
from geo.tracks.legs import build_tracks
from geo.tracks.readers import read_pings

__all__ = [
    "LAYERS",
    "Dataset",
    "Problem",
    "SlideRenderer",
    "analyze",
    "as_of",
    "build_tracks",
    "classify_zones",
    "dates_in",
    "default_data_dir",
    "distance_km",
    "distance_nm",
    "filter_layers",
    "gap_lines",
    "geodesic_circle",
    "history",
    "latest_date",
    "load",
    "load_bytes",
    "range_rings",
    "read_pings",
    "render_png",
    "slide_png_bytes",
    "strikes_by_zone",
    "summary",
    "to_feature_collection",
    "write_geojson",
    "zone_bands",
]
