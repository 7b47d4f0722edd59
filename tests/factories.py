"""Builders of test data: GeoJSON features, valid data sets, data directories and uploads.

Plain functions (not fixtures) so that tests can build variations inline; the fixtures in
``conftest.py`` use them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SOURCES = [
    {
        "id": "src-a",
        "title": "Test report",
        "publisher": "Test Wire",
        "published": "2025-10-01",
        "url": "https://example.org/report",
        "kind": "news",
    }
]


def feature(geometry: dict[str, Any] | None, **props: Any) -> dict[str, Any]:
    """Build one GeoJSON Feature."""
    return {"type": "Feature", "geometry": geometry, "properties": props}


def point(lon: float, lat: float) -> dict[str, Any]:
    """Build a GeoJSON Point."""
    return {"type": "Point", "coordinates": [lon, lat]}


def ship(fid: str, lon: float, lat: float, **props: Any) -> dict[str, Any]:
    """A valid asset report of one ship (``name`` defaults to ``fid``); ``props`` override."""
    fields = {
        "id": fid,
        "name": fid,
        "category": "ship",
        "type": "patrol vessel",
        "count": 1,
        "observed": "2025-10-01",
        "uncertainty_km": 5,
        "sources": ["src-a"],
        "confidence": "reported",
    }
    return feature(point(lon, lat), **{**fields, **props})


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    """Build a GeoJSON FeatureCollection."""
    return {"type": "FeatureCollection", "features": list(features)}


def valid_layers() -> dict[str, dict[str, Any]]:
    """A tiny valid data set covering every layer, as dicts (layer name -> FeatureCollection)."""
    common = {"sources": ["src-a"], "confidence": "reported"}
    return {
        "bases": collection(
            feature(
                point(-65.643, 18.255),
                id="b1",
                name="Base One",
                kind="naval base",
                country="United States",
                uncertainty_km=0,
                **common,
            )
        ),
        "assets": collection(
            feature(
                point(-66.5, 13.0),
                id="a1",
                name="Ship One",
                category="ship",
                type="guided-missile destroyer",
                count=1,
                base="b1",
                observed="2025-09-01",
                uncertainty_km=300,
                **common,
            ),
            feature(
                point(-66.0, 12.5),
                id="a1-later",
                entity="a1",
                name="Ship One",
                category="ship",
                type="guided-missile destroyer",
                count=1,
                observed="2025-10-01",
                uncertainty_km=300,
                **common,
            ),
        ),
        "tracks": collection(
            feature(
                {"type": "LineString", "coordinates": [[-93.6, 32.5], [-67.0, 11.5]]},
                id="t1",
                name="Flight",
                asset="a1",
                observed="2025-10-15",
                times=["2025-10-15T12:00:00Z", "2025-10-15T18:00:00Z"],
                **common,
            )
        ),
        "strikes": collection(
            feature(
                point(-66.9, 11.8),
                id="s1",
                name="Strike",
                killed=3,
                target="boat",
                observed="2025-09-02",
                uncertainty_km=200,
                **common,
            ),
            feature(
                point(-67.5, 12.1),
                id="s2",
                name="Strike two",
                killed=None,
                observed="2025-10-02",
                uncertainty_km=200,
                **common,
            ),
        ),
        "places": collection(
            feature(
                point(-66.904, 10.481),
                id="caracas",
                name="Caracas",
                kind="capital city",
                uncertainty_km=0,
                **common,
            )
        ),
    }


def write_dataset(directory: Path, layers: dict[str, Any], sources: Any = None) -> Path:
    """Write layer dicts (and sources) as a data directory; return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in layers.items():
        text = content if isinstance(content, str) else json.dumps(content)
        (directory / f"{name}.geojson").write_text(text, encoding="utf-8")
    (directory / "sources.json").write_text(
        json.dumps(SOURCES if sources is None else sources), encoding="utf-8"
    )
    return directory


def tiny_files(layers: dict | None = None, sources: list | None = None) -> dict[str, bytes]:
    """The tiny data set (or ``layers``/``sources``) as uploaded files: name -> bytes."""
    files = {
        f"{name}.geojson": json.dumps(fc).encode()
        for name, fc in (layers or valid_layers()).items()
    }
    files["sources.json"] = json.dumps(SOURCES if sources is None else sources).encode()
    return files


def red_sea_layers() -> dict[str, dict[str, Any]]:
    """A Red Sea theatre: bases of three sides, a carrier group, strikes by two actors.

    Not the Caribbean, so that nothing in the tool can lean on the default theatre: the
    capital is Sanaa, the PLA base in Djibouti is neutral, Hodeidah is hostile.
    """
    common = {"sources": ["src-a"], "confidence": "reported"}

    def base(fid: str, lon: float, lat: float, name: str, **props: Any) -> dict[str, Any]:
        fields = {"kind": "naval base", "country": "X", "uncertainty_km": 1, **common}
        return feature(point(lon, lat), id=fid, name=name, **{**fields, **props})

    def strike(fid: str, lon: float, lat: float, actor: str, killed: int | None, **props: Any):
        fields = {"observed": "2025-03-16", "uncertainty_km": 20, **common}
        return feature(
            point(lon, lat),
            id=fid,
            name=fid,
            killed=killed,
            actor=actor,
            **{
                **fields,
                **props,
            },
        )

    return {
        "bases": collection(
            base("camp-lemonnier", 43.15, 11.55, "Camp Lemonnier", country="Djibouti"),
            base("pla-djibouti", 43.05, 11.59, "PLA Support Base", affiliation="neutral"),
            base("nsa-bahrain", 50.61, 26.21, "NSA Bahrain", country="Bahrain"),
            base("hodeidah", 42.95, 14.80, "Hodeidah port", affiliation="hostile"),
        ),
        "assets": collection(
            ship(
                "cvn-75",
                38.5,
                20.5,
                name="USS Harry S. Truman",
                type="aircraft carrier",
                designation="CVN-75",
                uncertainty_km=150,
                personnel=5000,
                personnel_qualifier="about",
                observed="2025-03-15",
            ),
            ship("ddg-1", 39.0, 19.5, name="USS Stout", type="guided-missile destroyer"),
            ship(
                "f-18s",
                38.5,
                20.5,
                name="F/A-18 fighters",
                category="aircraft",
                type="F/A-18E Super Hornet",
                count=2,
                count_qualifier="at least",
            ),
            ship(
                "cvn-68",
                35.0,
                34.0,
                name="USS Nimitz",
                type="aircraft carrier",
                status="en route",
                uncertainty_km=500,
            ),
        ),
        "strikes": collection(
            strike("us-1", 43.0, 15.2, "United States", 30, killed_qualifier="at least"),
            strike("us-2", 44.2, 15.4, "United States", None),
            strike("houthi-1", 40.5, 16.5, "Houthis", 0),
        ),
        "places": collection(
            feature(
                point(44.206, 15.353),
                id="sanaa",
                name="Sanaa",
                kind="capital city",
                uncertainty_km=1,
                **common,
            )
        ),
    }
