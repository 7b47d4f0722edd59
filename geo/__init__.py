"""posturemap: map where military assets are positioned, from open sources.

The public API; data functions take and return GeoDataFrames (inside a
:class:`Dataset`) and never import folium.
"""

from __future__ import annotations

from geo.io import Dataset, load, load_bytes, to_feature_collection, write_geojson
from geo.paths import default_data_dir
from geo.schema import LAYERS, Problem
from geo.selection import as_of, dates_in, filter_layers, history, latest_date, summary

__all__ = [
    "LAYERS",
    "Dataset",
    "Problem",
    "as_of",
    "dates_in",
    "default_data_dir",
    "filter_layers",
    "history",
    "latest_date",
    "load",
    "load_bytes",
    "summary",
    "to_feature_collection",
    "write_geojson",
]
