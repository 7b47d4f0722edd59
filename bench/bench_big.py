"""Benchmark: a big asset layer as GeoParquet against the same layer as GeoJSON (issue 15).

Run by hand (not a test)::

    python bench/bench_big.py                       # 1,000,000 asset points
    python bench/bench_big.py --features 100000     # quicker
    python bench/bench_big.py --no-geojson          # the parquet layer only
    python bench/bench_big.py --fgb --times         # FlatGeobuf too; a distinct time a row

It writes the synthetic data directory of ``bench_validation.py`` (all assets valid), then
the same assets as ``assets.parquet`` in a second directory. For each directory it runs
``python -m geo validate`` and ``python -m geo export html --basemap offline`` under
``/usr/bin/time -v`` (with ``--max-file-mb`` raised so the GeoJSON is read at all) and
prints wall time, CPU time and peak RSS, after the machine's load averages (other work on
the machine slows the wall times). ``--fgb`` adds the same assets as FlatGeobuf (lists as
JSON text); ``--times`` gives every asset its own ``observed`` time of day (tracker data),
not one of 336 dates. The target of issue 15: 1,000,000 points in GeoParquet validate and
export in under 30 s and 2 GB each.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_validation import make_files

_FIELDS = {
    "wall": r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)",
    "user": r"User time \(seconds\): (\S+)",
    "system": r"System time \(seconds\): (\S+)",
    "rss_kb": r"Maximum resident set size \(kbytes\): (\d+)",
}


def _seconds(text: str) -> float:
    parts = [float(part) for part in text.split(":")]
    return sum(part * 60**power for power, part in enumerate(reversed(parts)))


def _timed(args: list[str]) -> dict[str, float | int]:
    """Run ``python -m geo ARGS`` under ``/usr/bin/time -v``; wall, CPU, peak RSS and exit code."""
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "geo", *args]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    found = {key: re.search(pattern, run.stderr) for key, pattern in _FIELDS.items()}
    if not all(found.values()):
        raise SystemExit(f"no /usr/bin/time figures for {args}: {run.stderr[-500:]}")
    values = {key: match.group(1) for key, match in found.items() if match}
    return {
        "wall": _seconds(values["wall"]),
        "cpu": float(values["user"]) + float(values["system"]),
        "rss_mb": int(values["rss_kb"]) / 1024,
        "code": run.returncode,
    }


def _to_parquet(source: Path, target: Path, times: bool = False, fgb: Path | None = None) -> None:
    """The directory again, with its assets as GeoParquet (and as FlatGeobuf in ``fgb``)."""
    import json

    import geopandas as gpd
    import pandas as pd

    for folder in (target, fgb):
        if folder is None:
            continue
        folder.mkdir()
        for path in source.iterdir():
            if path.name != "assets.geojson":
                (folder / path.name).write_bytes(path.read_bytes())
    frame = gpd.read_file(source / "assets.geojson", engine="pyogrio")
    if times:  # seven seconds apart from midnight on the asset's date
        frame["observed"] += pd.to_timedelta(range(len(frame)), unit="s") * 7 % (24 * 3600)
    frame.to_parquet(target / "assets.parquet")
    if fgb is not None:  # no list columns: the sources as JSON text; no spatial index
        frame["sources"] = frame["sources"].map(lambda value: json.dumps(list(value)))
        frame.to_file(fgb / "assets.fgb", engine="pyogrio", SPATIAL_INDEX="NO")


def main() -> None:
    """Build the directories, run the commands, print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--features", type=int, default=1_000_000)
    parser.add_argument("--no-geojson", action="store_true", help="Skip the GeoJSON anchor.")
    parser.add_argument("--fgb", action="store_true", help="Also the assets as FlatGeobuf.")
    parser.add_argument("--times", action="store_true", help="A distinct time for each asset.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        geojson, parquet = Path(folder, "geojson"), Path(folder, "parquet")
        geojson.mkdir()
        make_files(geojson, options.features, bad=0.0)
        fgb = Path(folder, "fgb") if options.fgb else None
        _to_parquet(geojson, parquet, options.times, fgb)
        runs = [("parquet", parquet)] + ([("fgb", fgb)] if fgb else [])
        runs += [] if options.no_geojson else [("geojson", geojson)]
        for label, directory in runs:
            load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
            print(f"load average (1, 5, 15 min): {load}")
            size = sum(p.stat().st_size for p in directory.iterdir()) / 2**20
            print(f"{label}: {options.features:,} assets, {size:.0f} MB on disk")
            limit = ["--max-file-mb", "4000"]
            html = str(Path(folder, f"{label}.html"))
            for name, args in (
                ("validate", ["validate", str(directory), *limit]),
                ("export html", ["export", "html", html, "--data", str(directory), *limit]),
            ):
                if name == "export html":
                    args += ["--basemap", "offline", "--force"]
                result = _timed(args)
                print(
                    f"  {name:<12} wall {result['wall']:6.1f} s  cpu {result['cpu']:6.1f} s  "
                    f"peak RSS {result['rss_mb']:6.0f} MB  exit {result['code']}"
                )


if __name__ == "__main__":
    main()
