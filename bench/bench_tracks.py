"""Benchmark: pings -> tracks, the vectorised import against the naive way, side by side.

Run by hand (not a test)::

    python bench/bench_tracks.py                 # 1,000,000 pings from 500 aircraft
    python bench/bench_tracks.py --aircraft 50 --pings-per 2000

It writes a synthetic OpenSky-like CSV (time, icao24, callsign, lat, lon, baroaltitude,
velocity, heading; pings every ~10 s, flights with turns and orbits, ~10 m position noise,
silences of 40-90 min, and a few bad rows, duplicates and single-ping outliers), then runs
each way in its own Python process so that peak RSS is measured per way:

* ``fast``: ``geo.tracks.readers.read_pings`` + ``geo.tracks.legs.build_tracks`` (split,
  antimeridian, Douglas-Peucker and vertices added on long segments, within 100 m of the
  line as a web map draws it) + ``geo.data.writing.write_geojson``: what ``python -m geo
  tracks import`` does.
* ``naive``: a per-row Python loop over ``csv.reader`` (parse, check, group), a per-pair
  ``Geod.inv`` for the jump test, one shapely ``LineString`` per raw leg, no simplification,
  ``json.dump`` of every vertex with its time.

Figures printed: wall time, peak RSS, vertices written, output size, and the ratios.
When ``geo/web/maps.py`` (the map engineer's ``build_map``) exists, the map half is run too.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def make_pings(path: Path, aircraft: int, pings_per: int, seed: int = 7) -> int:
    """Write a synthetic OpenSky-style CSV; return the number of rows."""
    rng = np.random.default_rng(seed)
    steps = pings_per
    start = 1_760_529_600 + rng.integers(0, 6 * 3600, aircraft)
    dt = rng.uniform(8, 12, (aircraft, steps))
    dt[:, 0] = 0
    # Silences: 1-3 per aircraft, 40-90 minutes, at random steps.
    for column in rng.integers(100, steps - 100, (aircraft, 2)).T:
        dt[np.arange(aircraft), column] += rng.uniform(2400, 5400, aircraft)
    t = start[:, None] + np.cumsum(dt, axis=1)
    speed = rng.uniform(180, 250, (aircraft, 1))
    # Heading: straight legs with smooth turns; a quarter of the aircraft fly orbits.
    turn = rng.normal(0, 0.002, (aircraft, steps)).cumsum(axis=1)
    turn = np.clip(turn, -0.03, 0.03)
    orbit = rng.random(aircraft) < 0.25
    turn[orbit] = 0.02
    heading = rng.uniform(0, 2 * np.pi, (aircraft, 1)) + np.cumsum(turn * dt / 10, axis=1)
    step_m = speed * np.diff(np.c_[np.zeros((aircraft, 1)), t - t[:, :1]], axis=1)
    step_m[dt > 1000] = speed.repeat(steps, axis=1)[dt > 1000] * 10  # silent: carry on
    lat0 = rng.uniform(8, 26, (aircraft, 1))
    lon0 = rng.uniform(-85, -58, (aircraft, 1))
    lat = lat0 + np.cumsum(step_m * np.cos(heading), axis=1) / 111_320
    lat = np.clip(lat, -85, 85)
    lon = lon0 + np.cumsum(step_m * np.sin(heading), axis=1) / (111_320 * np.cos(np.radians(lat)))
    lon = (lon + 180) % 360 - 180
    noise = 10 / 111_320
    lat = lat + rng.normal(0, noise, lat.shape)
    lon = lon + rng.normal(0, noise, lon.shape)
    icao = np.array([f"ae{n:04x}" for n in range(aircraft)])
    frame = pd.DataFrame(
        {
            "time": np.round(t).astype("int64").ravel(),
            "icao24": np.repeat(icao, steps),
            "callsign": np.repeat(np.array([f"RCH{n:03d}" for n in range(aircraft)]), steps),
            "lat": np.round(lat.ravel(), 5),
            "lon": np.round(lon.ravel(), 5),
            "baroaltitude": rng.uniform(8000, 11000, aircraft * steps).round(0),
            "velocity": np.repeat(speed.ravel(), steps).round(1),
            "heading": np.degrees(heading.ravel() % (2 * np.pi)).round(1),
        }
    )
    n = len(frame)
    # A few outliers (one wild position), duplicates and bad values, as in real feeds.
    wild = rng.choice(n, n // 5000, replace=False)
    frame.loc[wild, "lat"] = frame.loc[wild, "lat"] + 5
    frame = frame.astype({"time": object, "lat": object})
    bad_time = rng.choice(n, n // 10000, replace=False)
    frame.loc[bad_time, "time"] = "not-a-time"
    bad_lat = rng.choice(n, n // 10000, replace=False)
    frame.loc[bad_lat, "lat"] = 123.0
    duplicates = frame.iloc[rng.choice(n, n // 1000, replace=False)]
    frame = pd.concat([frame, duplicates]).sample(frac=1.0, random_state=seed)
    frame.to_csv(path, index=False)
    return len(frame)


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_fast(csv_path: Path, out_dir: Path) -> dict:
    """The library way; returns timings and sizes."""
    from geo.data import writing
    from geo.tracks import legs as tracks_legs
    from geo.tracks import readers

    t0 = time.perf_counter()
    read = readers.read_pings([csv_path])
    t1 = time.perf_counter()
    layer, report = tracks_legs.build_tracks(read.frame, "bench")
    t2 = time.perf_counter()
    target = writing.write_geojson(layer, out_dir / "tracks.geojson", overwrite=True)
    t3 = time.perf_counter()
    return {
        "way": "fast",
        "read_s": t1 - t0,
        "build_s": t2 - t1,
        "write_s": t3 - t2,
        "total_s": t3 - t0,
        "peak_rss_mb": peak_rss_mb(),
        "rows": read.rows_read,
        "bad": read.bad.total + report.bad.total,
        "legs": report.legs,
        "vertices": report.points_out,
        "added": report.added_points,
        "points_in": report.points_in,
        "bytes": target.stat().st_size,
    }


def run_naive(csv_path: Path, out_dir: Path) -> dict:
    """The naive way: a Python loop per row, per pair, one line per raw leg, no simplification."""
    import csv
    from datetime import datetime, timezone

    import shapely
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    t0 = time.perf_counter()
    by_id: dict[str, list[tuple[float, float, float]]] = {}
    rows = bad = 0
    seen = set()
    with csv_path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            rows += 1
            try:
                stamp = float(row["time"])
                lat, lon = float(row["lat"]), float(row["lon"])
            except ValueError:
                bad += 1
                continue
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                bad += 1
                continue
            key = (row["icao24"], stamp)
            if key in seen:
                bad += 1
                continue
            seen.add(key)
            by_id.setdefault(row["icao24"], []).append((stamp, lon, lat))
    t1 = time.perf_counter()
    features = []
    vertices = 0
    for icao, points in by_id.items():
        points.sort()
        leg = [points[0]]
        legs = []
        for previous, current in itertools.pairwise(points):
            _, _, dist = geod.inv(previous[1], previous[2], current[1], current[2])
            elapsed = current[0] - previous[0]
            if elapsed > 1800 or dist > 700 * elapsed + 1000:
                legs.append(leg)
                leg = []
            leg.append(current)
        legs.append(leg)
        for number, leg in enumerate(legs, 1):
            if len(leg) < 2:
                continue
            line = shapely.LineString([(p[1], p[2]) for p in leg])
            times = [
                datetime.fromtimestamp(p[0], tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                for p in leg
            ]
            vertices += len(leg)
            features.append(
                {
                    "type": "Feature",
                    "properties": {"id": f"track-{icao}-{number}", "times": times},
                    "geometry": shapely.geometry.mapping(line),
                }
            )
    t2 = time.perf_counter()
    target = out_dir / "naive.geojson"
    with target.open("w") as handle:
        json.dump({"type": "FeatureCollection", "features": features}, handle)
    t3 = time.perf_counter()
    return {
        "way": "naive",
        "read_s": t1 - t0,
        "build_s": t2 - t1,
        "write_s": t3 - t2,
        "total_s": t3 - t0,
        "peak_rss_mb": peak_rss_mb(),
        "rows": rows,
        "bad": bad,
        "legs": len(features),
        "vertices": vertices,
        "added": 0,
        "points_in": vertices,
        "bytes": target.stat().st_size,
    }


def child(way: str, csv_path: Path, out_dir: Path, repeat: int) -> dict:
    """Run one way ``repeat`` times, each in a fresh Python process; keep the fastest run."""
    runs = []
    for _ in range(repeat):
        command = [sys.executable, __file__, "--run", way]
        command += ["--csv", str(csv_path), "--out", str(out_dir)]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda figures: figures["total_s"])
    best["runs_s"] = [round(figures["total_s"], 2) for figures in runs]
    return best


def open_seconds(path: Path, ready: str) -> float:
    """Seconds until the page has drawn, in headless Chromium with no network (see bench_map)."""
    import shutil

    from bench_map import open_time
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            return open_time(browser, path, ready)
        finally:
            browser.close()


def map_half(out_dir: Path) -> None:
    """Map size and opening time: ``build_map`` on the tracks vs one PolyLine per raw leg."""
    try:
        from geo.web.export import write_html
        from geo.web.maps import build_map
    except ImportError:
        print("map half not run: geo.web.maps.build_map does not exist yet")
        return
    import shutil

    import folium

    import geo

    data = out_dir / "mapdata"
    data.mkdir(exist_ok=True)
    shutil.copy(out_dir / "tracks.geojson", data / "tracks.geojson")
    source = {
        "id": "bench",
        "title": "Synthetic pings",
        "publisher": "bench",
        "published": "2025-10-15",
        "kind": "flight-tracker",
    }
    (data / "sources.json").write_text(json.dumps([source]))
    fast_html = out_dir / "fast.html"
    try:
        t0 = time.perf_counter()
        write_html(build_map(geo.load(data), basemap="offline"), fast_html, overwrite=True)
        fast_build = time.perf_counter() - t0
    except Exception as error:  # the map engineer's API may differ from this guess
        print(f"map half failed: build_map(geo.load(DIR)): {type(error).__name__}: {error}")
        return
    naive = json.loads((out_dir / "naive.geojson").read_text())
    t0 = time.perf_counter()
    page_map = folium.Map(location=[15, -70], zoom_start=5, prefer_canvas=True)
    for feature in naive["features"]:
        coords = feature["geometry"]["coordinates"]
        folium.PolyLine([(lat, lon) for lon, lat in coords]).add_to(page_map)
    naive_html = out_dir / "naive.html"
    page_map.save(str(naive_html))
    naive_build = time.perf_counter() - t0
    runs = (
        ("fast", fast_html, fast_build, "window.posturemap && window.posturemap.ready"),
        ("naive", naive_html, naive_build, "document.readyState === 'complete'"),
    )
    for label, html, built, ready in runs:
        seconds = open_seconds(html, ready)
        size = html.stat().st_size / 1e6
        print(f"map {label}: built in {built:.1f} s, {size:.1f} MB HTML, opened in {seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aircraft", type=int, default=500)
    parser.add_argument("--pings-per", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per way; the fastest is shown")
    parser.add_argument("--run", choices=("fast", "naive"), help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        figures = (run_fast if args.run == "fast" else run_naive)(args.csv, args.out)
        print(json.dumps(figures))
        return

    with tempfile.TemporaryDirectory(prefix="bench-tracks-") as tmp:
        tmp_path = Path(tmp)
        csv_path = tmp_path / "pings.csv"
        t0 = time.perf_counter()
        rows = make_pings(csv_path, args.aircraft, args.pings_per)
        print(
            f"generated {rows:,} pings from {args.aircraft} aircraft "
            f"({csv_path.stat().st_size / 1e6:.0f} MB CSV) in {time.perf_counter() - t0:.1f} s"
        )
        print(f"load average before the runs: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        fast = child("fast", csv_path, tmp_path, args.repeat)
        naive = child("naive", csv_path, tmp_path, args.repeat)
        keys = [
            ("total_s", "wall time, s", "{:.2f}"),
            ("read_s", "  read + check, s", "{:.2f}"),
            ("build_s", "  split + simplify, s", "{:.2f}"),
            ("write_s", "  write GeoJSON, s", "{:.2f}"),
            ("peak_rss_mb", "peak RSS, MB", "{:.0f}"),
            ("bad", "rows not used", "{:,}"),
            ("legs", "legs", "{:,}"),
            ("vertices", "vertices written", "{:,}"),
            ("added", "  added for web maps", "{:,}"),
            ("bytes", "output, MB", None),
        ]
        print(f"\n{'':24}{'fast':>14}{'naive':>14}{'naive/fast':>12}")
        for key, label, fmt in keys:
            a, b = fast[key], naive[key]
            if key == "bytes":
                text_a, text_b = f"{a / 1e6:.1f}", f"{b / 1e6:.1f}"
            else:
                text_a, text_b = fmt.format(a), fmt.format(b)
            ratio = f"{b / a:.1f}x" if a and b else "-"
            print(f"{label:24}{text_a:>14}{text_b:>14}{ratio:>12}")
        print(f"runs, s: fast {fast['runs_s']}, naive {naive['runs_s']}")
        goal_time = "met" if fast["total_s"] < 10 else "MISSED"
        goal_rss = "met" if fast["peak_rss_mb"] < 2048 else "MISSED"
        print(f"\ngoal under 10 s: {goal_time}; under 2 GB peak RSS: {goal_rss}")
        map_half(tmp_path)


if __name__ == "__main__":
    main()
