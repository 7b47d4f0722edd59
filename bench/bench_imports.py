"""Benchmark: importing spreadsheets and placemarks, exporting KML/KMZ and GeoPackage.

Run by hand (not a test)::

    python bench/bench_imports.py                 # 20,000 rows and placemarks
    python bench/bench_imports.py --rows 50000

Writes a synthetic CSV (positions in degrees-minutes-seconds, MGRS and decimal, day-first
dates) and a KML of as many placemarks, imports each into an empty data directory (read,
check as validate does, write), imports the CSV again (everything already there), then
exports the directory as KML, KMZ and GeoPackage. Prints wall time and peak RSS of the
process for each step; the naive way beside it is a plain ``csv`` + ``json`` dump of the same
rows without any checking, for scale.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _positions(i: int) -> tuple[str, float, float]:
    import mgrs

    lat, lon = 12.0 + (i % 900) / 100, 38.0 + (i // 900 % 900) / 100  # Red Sea
    if i % 3 == 0:
        return mgrs.MGRS().toMGRS(lat, lon, MGRSPrecision=4), lat, lon
    if i % 3 == 1:
        d, m = int(lat), round((lat - int(lat)) * 60, 3)
        e, n = int(lon), round((lon - int(lon)) * 60, 3)
        return f"{d}°{m}'N {e}°{n}'E", lat, lon
    return f"{lat:.5f}, {lon:.5f}", lat, lon


def make_files(folder: Path, rows: int) -> tuple[Path, Path]:
    sheet, pins = folder / "sightings.csv", folder / "pins.kml"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Category", "Position", "Date", "Hull"])
        for i in range(rows):
            text, _, _ = _positions(i)
            writer.writerow([f"Unit {i}", "ship", text, f"{i % 28 + 1:02d}/10/2025", f"H-{i}"])
    marks = []
    for i in range(rows):
        _, lat, lon = _positions(i)
        marks.append(
            f"<Placemark><name>Pin {i}</name><TimeStamp><when>2025-10-{i % 28 + 1:02d}</when>"
            f"</TimeStamp><Point><coordinates>{lon},{lat}</coordinates></Point></Placemark>"
        )
    pins.write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>Ships</name>'
        + "".join(marks)
        + "</Folder></Document></kml>",
        encoding="utf-8",
    )
    return sheet, pins


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    from geo.analysis.kml import write_kml
    from geo.data import reading
    from geo.data.gpkg import write_gpkg
    from geo.data.importing import import_features, parse_settings

    settings = ["count=1", "confidence=reported", "uncertainty_km=5", "type=warship"]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        sheet, pins = make_files(folder, args.rows)
        print(
            f"{args.rows:,} rows; CSV {sheet.stat().st_size / 1e6:.1f} MB, "
            f"KML {pins.stat().st_size / 1e6:.1f} MB"
        )
        start = time.perf_counter()
        with sheet.open(encoding="utf-8") as handle:
            plain = list(csv.DictReader(handle))
        (folder / "plain.json").write_text(json.dumps(plain))
        print(f"naive csv + json dump, no checks: {time.perf_counter() - start:.2f} s")
        steps = [
            (
                "import CSV (DMS, MGRS, decimal)",
                lambda: import_features(
                    [sheet], "assets", folder / "a", settings=parse_settings(settings, "assets")
                ),
            ),
            (
                "import CSV again (all already there)",
                lambda: import_features(
                    [sheet], "assets", folder / "a", settings=parse_settings(settings, "assets")
                ),
            ),
            (
                "import KML placemarks",
                lambda: import_features(
                    [pins], "assets", folder / "b", settings=parse_settings(settings, "assets")
                ),
            ),
            ("export KML", lambda: write_kml(reading.load(folder / "a"), folder / "o.kml")),
            ("export KMZ (icons)", lambda: write_kml(reading.load(folder / "a"), folder / "o.kmz")),
            (
                "export GeoPackage",
                lambda: write_gpkg(reading.load(folder / "a"), folder / "o.gpkg"),
            ),
        ]
        for name, step in steps:
            start = time.perf_counter()
            result = step()
            took = time.perf_counter() - start
            extra = ""
            if hasattr(result, "added"):
                extra = f" ({len(result.added):,} added, {result.already_there:,} already there,"
                extra += f" {len(result.problems)} problems)"
            print(f"{name}: {took:.2f} s{extra}; peak RSS so far {_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
