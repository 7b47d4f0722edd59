"""Benchmark: validating a large layer file, this tree against an older revision, in one run.

Run by hand (not a test)::

    python bench/bench_validation.py                     # 100,000 assets, this tree only
    python bench/bench_validation.py --against HEAD~3    # and the tree at HEAD~3, side by side
    python bench/bench_validation.py --features 20000 --bad 0.5

It writes one synthetic data directory (``bases.geojson``, ``assets.geojson`` with N asset
reports of every category, some with the optional fields, and ``sources.json``), with a
fraction ``--bad`` of the assets broken in one field each (bad enum, wrong type, missing
field, count out of range, until before observed). Then, for each tree, in its own Python
process (``git archive REV geo`` unpacked to a temporary folder for ``--against``), it
times ``geo.data.reading.load_bytes`` on the files (parse, check, build the frames), best
of ``--repeat`` runs, and prints wall time, microseconds per feature, problems found and
problem lines kept.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CATEGORIES = ("ship", "submarine", "aircraft", "helicopter", "drone", "ground", "special")


def make_files(directory: Path, features: int, bad: float, seed: int = 3) -> None:
    """Write the synthetic data directory."""
    import random

    rng = random.Random(seed)
    sources = [
        {
            "id": f"src-{i}",
            "title": f"Report {i}",
            "publisher": "Wire",
            "published": "2025-10-01",
            "url": f"https://example.org/{i}",
            "kind": "news",
        }
        for i in range(20)
    ]
    bases = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-66.0 + i, 18.0]},
                "properties": {
                    "id": f"base-{i}",
                    "name": f"Base {i}",
                    "kind": "air base",
                    "country": "United States",
                    "sources": ["src-0"],
                    "confidence": "confirmed",
                    "uncertainty_km": 0,
                },
            }
            for i in range(10)
        ],
    }
    breakages = [
        ("confidence", "sure"),
        ("count", "two"),
        ("count", 0),
        ("category", None),
        ("until", "2020-01-01"),
        ("uncertainty_km", -1),
    ]
    assets = []
    for i in range(features):
        props = {
            "id": f"asset-{i}",
            "entity": f"unit-{i % 5000}",
            "name": f"Unit {i}",
            "category": CATEGORIES[i % len(CATEGORIES)],
            "type": "patrol vessel",
            "count": 1 + i % 4,
            "observed": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "sources": [f"src-{i % 20}"],
            "confidence": "reported",
            "uncertainty_km": 5 + i % 100,
        }
        if i % 3 == 0:
            props.update(base=f"base-{i % 10}", personnel=300, affiliation="friend")
            props.update(geo_precision=2, time_precision=1, designation=f"DDG-{i}")
            props["notes"] = "Position from a fleet tracker."
        if rng.random() < bad:
            field, value = breakages[i % len(breakages)]
            if value is None:
                del props[field]
            else:
                props[field] = value
        lon, lat = rng.uniform(-90, -55), rng.uniform(5, 30)
        assets.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]},
                "properties": props,
            }
        )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sources.json").write_text(json.dumps(sources))
    (directory / "bases.geojson").write_text(json.dumps(bases))
    (directory / "assets.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": assets})
    )


def measure(directory: Path, repeat: int) -> dict[str, float]:
    """Time ``load_bytes`` on the directory's files with whatever ``geo`` is importable."""
    from geo.data import reading

    files = {path.name: path.read_bytes() for path in sorted(directory.iterdir())}
    best = cpu = float("inf")
    dataset = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        dataset = reading.load_bytes(files)
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    assert dataset is not None
    lines = len(dataset.problems)
    found = sum(
        int(p.message.split()[2]) if p.message.startswith("... and ") else 1
        for p in dataset.problems
    )
    return {
        "seconds": best,
        "cpu": cpu,
        "assets": len(dataset["assets"]),
        "found": found,
        "lines": lines,
    }


def _tree_at(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", revision, "geo"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _run_child(tree: Path, directory: Path, repeat: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); "
        "from pathlib import Path; import bench_validation as b; "
        "print(json.dumps(b.measure(Path(sys.argv[2]), int(sys.argv[3]))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), str(directory), str(repeat)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=tree,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    """Generate the file, measure each tree, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--features", type=int, default=100_000)
    parser.add_argument("--bad", type=float, default=0.01, help="fraction of broken assets")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", help="a git revision to measure too (e.g. HEAD~3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "data"
        make_files(directory, args.features, args.bad)
        size = (directory / "assets.geojson").stat().st_size / 1e6
        print(f"{args.features:,} assets ({size:.1f} MB), ~{args.bad:.0%} broken")
        trees = {"this tree": REPO}
        if args.against:
            trees[args.against] = _tree_at(args.against, Path(tmp) / "against")
        print(
            f"  {'tree':<16} {'wall':>9} {'CPU':>9} {'CPU µs/feature':>15} {'valid':>8}  problems"
        )
        for label, tree in trees.items():
            r = _run_child(tree, directory, args.repeat)
            per = r["cpu"] / args.features * 1e6
            found = f"{r['found']:,.0f} ({r['lines']:.0f} lines)"
            print(
                f"  {label[:16]:<16} {r['seconds']:>7.2f} s {r['cpu']:>7.2f} s {per:>15.1f}"
                f" {r['assets']:>8,.0f}  {found}"
            )


if __name__ == "__main__":
    main()
