"""Benchmark: the editing engine against a naive read-modify-write, in one run.

Run by hand (not a test)::

    python bench/bench_edits.py                 # default data, a 10,000-asset layer, 20 writers
    python bench/bench_edits.py --features 50000 --writers 40

For each data directory (a copy of the default data set; one with ``--features`` synthetic
asset reports) it times ``geo.data.edits.add_report`` (lock, validation of the whole
directory, atomic write, history line), median of ``--repeat`` adds, beside the naive way
(``json.load``, append, ``json.dump`` over the file: no lock, no check, no history). Then
``--writers`` processes add one report each at the same moment, both ways, and it counts the
reports that landed: the naive way loses changes (and its writers can read a half-written
file).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from geo.data import edits  # noqa: E402

SHIP = {
    "category": "ship",
    "type": "patrol vessel",
    "count": 1,
    "observed": "2025-10-24",
    "uncertainty_km": 20,
    "sources": ["seed-000"],
    "confidence": "reported",
}


def _engine_add(directory: str, number: int) -> None:
    props = {**SHIP, "name": f"Boat {number}"}
    edits.add_report(directory, "assets", props, (12.0, -67.0 + number / 1000), editor="bench")


def _naive_add(directory: str, number: int) -> None:
    path = Path(directory) / "assets.geojson"
    document = json.loads(path.read_text(encoding="utf-8"))
    props = {**SHIP, "id": f"naive-{number}", "name": f"Boat {number}"}
    geometry = {"type": "Point", "coordinates": [-67.0 + number / 1000, 12.0]}
    document["features"].append({"type": "Feature", "properties": props, "geometry": geometry})
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")


def _big_copy(base: Path, features: int) -> Path:
    folder = edits.copy_default(base)
    path = folder / "assets.geojson"
    document = json.loads(path.read_text(encoding="utf-8"))
    for number in range(features):
        props = {**SHIP, "id": f"synthetic-{number}", "name": f"Synthetic {number}"}
        point = {"type": "Point", "coordinates": [-70 + (number % 100) / 10, 10 + number / 1e4]}
        document["features"].append({"type": "Feature", "properties": props, "geometry": point})
    path.write_text(json.dumps(document), encoding="utf-8")
    return folder


def _median_ms(add, directory: Path, repeat: int) -> float:
    times = []
    for number in range(repeat):
        start = time.perf_counter()
        add(str(directory), 10_000 + number)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _attempt(way: str, directory: str, number: int) -> bool:
    """One writer of the race; False when it failed (a naive reader sees a half-written file)."""
    try:
        {"engine": _engine_add, "naive": _naive_add}[way](directory, number)
    except (ValueError, OSError):
        return False
    return True


def _race(way: str, directory: Path, writers: int) -> tuple[float, int, int]:
    before = len(json.loads((directory / "assets.geojson").read_bytes())["features"])
    context = multiprocessing.get_context("fork")
    start = time.perf_counter()
    with context.Pool(writers) as pool:
        done = pool.starmap(_attempt, [(way, str(directory), 20_000 + n) for n in range(writers)])
    wall = time.perf_counter() - start
    try:
        after = len(json.loads((directory / "assets.geojson").read_bytes())["features"])
    except ValueError:
        after = before - 1  # the file itself was left broken
    return wall, after - before, writers - sum(done)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--features", type=int, default=10_000)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        cases = {
            "default data": lambda tag: edits.copy_default(root / f"default-{tag}"),
            f"{args.features:,} assets": lambda tag: _big_copy(root / f"big-{tag}", args.features),
        }
        print(f"{'directory':<18} {'engine add ms':>14} {'naive add ms':>13}")
        for label, make in cases.items():
            engine = _median_ms(_engine_add, make("engine"), args.repeat)
            naive = _median_ms(_naive_add, make("naive"), args.repeat)
            print(f"{label:<18} {engine:>14.1f} {naive:>13.1f}")
        print(f"\n{args.writers} processes adding one report each at once (default data):")
        for way in ("engine", "naive"):
            folder = edits.copy_default(root / f"race-{way}")
            wall, landed, failed = _race(way, folder, args.writers)
            print(
                f"  {way:<7} {wall:6.2f} s wall, {landed}/{args.writers} landed, "
                f"{failed} writers failed"
            )


if __name__ == "__main__":
    main()
