"""Benchmark the analysis layer: maritime zones and nearest base for a million points.

Run by hand (not a test): ``python bench/bench_analysis.py [--points N] [--rebuild]``.
Prints, in one run and side by side with the naive way:

* loading the coastline once per process (fresh interpreter, cached index) versus
  reading Natural Earth and dissolving land borders every time;
* zones + coast distance and nearest base for N points (default 1,000,000) versus
  the naive methods timed on a sample and scaled up;
* accuracy of ``coast_nm`` against a brute-force exact geodesic distance to the
  coastline densified to ~100 m, on a sample, and zone agreement.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.analysis.joins import coastindex, geodesy, joins, naturalearth, zones  # noqa: E402

THEATRE = (-100.0, 0.0, -55.0, 35.0)  # lon/lat box around the Caribbean theatre


def timed(label: str, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"  {label:<58} {seconds:8.2f} s")
    return result, seconds


def fresh_process_load() -> tuple[float, float]:
    code = (
        "import time; t0 = time.perf_counter(); from geo import coastindex, zones; "
        "t1 = time.perf_counter(); coastindex.coast_index(); t2 = time.perf_counter(); "
        "print(t1 - t0, t2 - t1)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def naive_load() -> None:
    naturalearth.countries.cache_clear()
    countries = naturalearth.countries()
    shapely.boundary(shapely.union_all(countries.geometry.values))


def exact_coast_km(index: coastindex.CoastIndex, lon: float, lat: float, hint_km: float) -> float:
    """Brute force: geodesic distance to every coast vertex, coast densified to 0.001 deg."""
    reach = hint_km * 1.2 + 20.0
    dlat = reach / 110.0
    dlon = min(180.0, reach / (111.0 * max(np.cos(np.radians(abs(lat) + dlat)), 0.05)))
    chunks = index.chunks[
        index.chunk_tree.query(shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat))
    ]
    xy = shapely.get_coordinates(shapely.segmentize(chunks, 0.001))
    return float(geodesy.distance_km(lon, lat, xy[:, 0], xy[:, 1]).min())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--bases", type=int, default=100)
    parser.add_argument("--sample", type=int, default=300, help="points checked for accuracy")
    parser.add_argument("--rebuild", action="store_true", help="also time building the index")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(2025)

    print("Loading the coastline (once per process)")
    if args.rebuild:
        timed("build the index from Natural Earth (cache miss, once)", coastindex.build_index)
    coastindex.coast_index()  # make sure the cache exists before timing a fresh process
    import_s, load_s = fresh_process_load()
    print(f"  {'fresh process: import geo.analysis.zones':<58} {import_s:8.2f} s")
    print(f"  {'fresh process: coastindex.coast_index() from the cache':<58} {load_s:8.2f} s")
    timed("naive: read Natural Earth + dissolve borders, every run", naive_load)
    index = coastindex.coast_index()
    info = index.info
    print(
        f"  index: {info['coast_vertices']:,} coast vertices in {info['coast_chunks']:,} chunks; "
        f"{info['land_pieces']:,} land pieces ({info['land_vertices']:,} vertices, "
        f"source {info['source_vertices']:,})"
    )

    n = args.points
    lon = rng.uniform(THEATRE[0], THEATRE[2], n)
    lat = rng.uniform(THEATRE[1], THEATRE[3], n)
    base_lon = rng.uniform(THEATRE[0], THEATRE[2], args.bases)
    base_lat = rng.uniform(THEATRE[1], THEATRE[3], args.bases)
    bases = gpd.GeoDataFrame(
        {"id": [f"base-{i:03d}" for i in range(args.bases)]},
        geometry=gpd.points_from_xy(base_lon, base_lat),
        crs=4326,
    )
    print(
        f"\n{n:,} random points in lon {THEATRE[0]}..{THEATRE[2]}, lat {THEATRE[1]}..{THEATRE[3]}; "
        f"{args.bases} bases"
    )
    result, zone_s = timed(
        "zones + coastal state + coast_nm (geo.analysis.zones.classify)",
        zones.classify,
        lon,
        lat,
        index,
    )
    points = gpd.GeoDataFrame(
        {"id": np.arange(n).astype(str)}, geometry=gpd.points_from_xy(lon, lat), crs=4326
    )
    near, base_s = timed(
        "nearest base (sjoin_nearest in aeqd + Geod refine)", joins.nearest, points, bases
    )
    print(f"  {'TOTAL zones + nearest base':<58} {zone_s + base_s:8.2f} s")
    counts = result["zone"].value_counts()
    print("  zones: " + ", ".join(f"{zone} {counts.get(zone, 0):,}" for zone in zones.ZONES))

    print("\nNaive ways, timed on a sample and scaled to the same number of points")
    small = 2000
    countries = naturalearth.countries()
    sample = points.iloc[:small]
    _, s = timed(
        f"sjoin_nearest to country polygons in degrees ({small:,} pts)",
        gpd.sjoin_nearest,
        sample,
        countries[["geometry"]],
        distance_col="deg",
    )
    print(f"  {'  -> scaled to ' + format(n, ',') + ' points':<58} {s * n / small:8.0f} s")
    world_m = countries.to_crs("EPSG:3857")
    _, s = timed(
        f"sjoin_nearest to countries in Web Mercator ({small:,} pts)",
        gpd.sjoin_nearest,
        sample.to_crs("EPSG:3857"),
        world_m[["geometry"]],
        distance_col="m",
    )
    print(f"  {'  -> scaled to ' + format(n, ',') + ' points':<58} {s * n / small:8.0f} s")
    brute_n = 20_000
    bx, by = lon[:brute_n, None], lat[:brute_n, None]
    brute, s = timed(
        f"nearest base by brute-force Geod ({brute_n:,} pts x {args.bases})",
        geodesy.distance_km,
        bx,
        by,
        base_lon[None, :],
        base_lat[None, :],
    )
    print(f"  {'  -> scaled to ' + format(n, ',') + ' points':<58} {s * n / brute_n:8.1f} s")
    agree = near["nearest_id"].to_numpy()[:brute_n] == bases["id"].to_numpy()[brute.argmin(axis=1)]
    err = np.abs(near["nearest_km"].to_numpy(dtype=float)[:brute_n] - brute.min(axis=1))
    print(
        f"  nearest base vs brute force: same base {agree.mean():.4%}, "
        f"distance error max {err.max():.2e} km"
    )

    print(
        f"\nAccuracy of coast_nm against exact geodesic distance "
        f"({args.sample} sea points <= 250 nm)"
    )
    sea = np.nonzero(
        (result["zone"] != zones.LAND).to_numpy() & (result["coast_nm"] <= 250).to_numpy()
    )[0]
    pick = rng.choice(sea, size=min(args.sample, len(sea)), replace=False)
    found_km = result["coast_km"].to_numpy()[pick]
    start = time.perf_counter()
    exact = np.array(
        [exact_coast_km(index, lon[i], lat[i], found_km[j]) for j, i in enumerate(pick)]
    )
    print(f"  (exact brute force took {time.perf_counter() - start:.1f} s for {len(pick)} points)")
    diff_nm = (found_km - exact) / geodesy.KM_PER_NM
    print(
        f"  |error| nm: median {np.median(np.abs(diff_nm)):.4f}, "
        f"p95 {np.percentile(np.abs(diff_nm), 95):.4f}, "
        f"max {np.abs(diff_nm).max():.4f} (exact is itself within ~0.03 nm: 111 m sampling)"
    )
    exact_nm = exact / geodesy.KM_PER_NM
    exact_zone = np.select(
        [exact_nm <= 12, exact_nm <= 24, exact_nm <= 200],
        [zones.TERRITORIAL, zones.CONTIGUOUS, zones.EEZ],
        zones.HIGH_SEAS,
    )
    same = result["zone"].to_numpy()[pick].astype(str) == exact_zone
    print(f"  zone agrees with the exact distance for {same.mean():.2%} of the sample")
    # The naive degree distance for the same sample, to show what it would get wrong.
    deg = gpd.sjoin_nearest(points.iloc[pick], countries[["geometry"]], distance_col="deg")
    deg = deg[~deg.index.duplicated()]["deg"].to_numpy()
    naive_nm = deg * 60.0  # "a degree is 60 nm": the planar lon/lat mistake
    naive_err = np.abs(naive_nm - exact_nm)
    print(
        f"  naive degrees x 60 nm: |error| median {np.median(naive_err):.2f}, "
        f"max {naive_err.max():.2f} nm"
    )


if __name__ == "__main__":
    main()
