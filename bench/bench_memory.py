"""Benchmark: peak memory and time of ``python -m geo validate`` on the largest inputs accepted.

Run by hand (not a test)::

    python bench/bench_memory.py              # a 50 MB layer file, a zip unpacking to 200 MB
    python bench/bench_memory.py --mb 20      # smaller, for a quick look

It writes, in a temporary folder: a data directory whose ``assets.geojson`` is a layer file
of about ``--mb`` MB of valid asset reports; the same file with every feature broken (bare
features: every required field missing); and a zip whose five layer files unpack to about
``4 * --mb`` MB in all (the zip limit is 200 MiB, a layer file's 50 MiB). Each input is
validated by ``python -m geo validate`` in its own process, under GNU ``time``
(``/usr/bin/time``); its peak resident memory, wall and CPU time are printed, beside the
same command on the bundled data set (the interpreter and the imports alone).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"
SOURCE = {"sources": ["src-a"], "confidence": "reported"}
SOURCES = [
    {
        "id": "src-a",
        "title": "Synthetic",
        "publisher": "bench",
        "published": "2025-10-01",
        "url": "https://example.org/a",
        "kind": "news",
    }
]


def _point(i: int) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [-70 + (i % 2000) * 0.005, 10 + (i // 2000) * 0.001]}


def _feature(layer: str, i: int) -> dict[str, Any]:
    """One valid feature of a layer (ids unique across layers)."""
    fid = f"{layer[0]}{i}"
    if layer == "tracks":
        line = [[-70 + k * 0.1, 10 + (i % 100) * 0.01] for k in range(10)]
        geometry = {"type": "LineString", "coordinates": line}
        props = {"observed": "2025-10-01"}
    elif layer == "assets":
        geometry = _point(i)
        props = {"category": "ship", "type": "patrol vessel", "count": 1, "observed": "2025-10-01"}
        props["uncertainty_km"] = 5
    elif layer == "strikes":
        geometry = _point(i)
        props = {"killed": 1, "observed": "2025-10-01", "uncertainty_km": 5}
    else:  # bases, places
        geometry = _point(i)
        props = {"kind": "naval base" if layer == "bases" else "city", "uncertainty_km": 1}
        if layer == "bases":
            props["country"] = "Nowhere"
    props = {"id": fid, "name": f"{layer} {i}", **props, **SOURCE}
    return {"type": "Feature", "geometry": geometry, "properties": props}


def layer_text(layer: str, megabytes: float, bare: bool = False) -> str:
    """A FeatureCollection of about ``megabytes`` MB (decimal) of one layer's features."""
    one = (  # the longest ids: the file stays under the size asked for
        '{"type": "Feature", "geometry": null, "properties": {}}'
        if bare
        else json.dumps(_feature(layer, 10**6))
    )
    count = int(megabytes * 1e6 / (len(one) + 2))
    if bare:
        features = ", ".join([one] * count)
    else:
        features = ", ".join(json.dumps(_feature(layer, i)) for i in range(count))
    return '{"type": "FeatureCollection", "features": [' + features + "]}"


def measure(args: list[str]) -> tuple[float, float, float, int, str]:
    """Run ``python -m geo ARGS``; return wall s, CPU s, peak RSS MB, exit code, last line.

    Under GNU ``time`` (``/usr/bin/time``): the child's own peak, not that of this process,
    which a child shares until it starts Python.
    """
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "time.txt"
        command = [TIME, "-o", str(report), "-f", "%e %U %S %M", sys.executable, "-m", "geo"]
        process = subprocess.run(
            [*command, *args], cwd=REPO, capture_output=True, text=True, check=False
        )
        wall, user, system, kilobytes = report.read_text().split()[-4:]
    output = (process.stdout + process.stderr).strip()
    last = output.splitlines()[-1] if output else ""
    cpu = float(user) + float(system)
    return float(wall), cpu, int(kilobytes) / 1024, process.returncode, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the one layer file")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        big = root / "big"
        big.mkdir()
        (big / "assets.geojson").write_text(layer_text("assets", options.mb))
        (big / "sources.json").write_text(json.dumps(SOURCES))
        bare = root / "bare"
        bare.mkdir()
        (bare / "assets.geojson").write_text(layer_text("assets", options.mb, bare=True))
        zipped = root / "upload.zip"
        share = options.mb * 4 / 5  # 200 MB of 209.7 MB (200 MiB) allowed
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
            for layer in ("bases", "assets", "tracks", "strikes", "places"):
                archive.writestr(f"data/{layer}.geojson", layer_text(layer, share))
            archive.writestr("data/sources.json", json.dumps(SOURCES))
        unpacked = sum(info.file_size for info in zipfile.ZipFile(zipped).infolist())
        cases = [
            ("bundled data set (baseline)", []),
            (f"one layer file, {(big / 'assets.geojson').stat().st_size / 1e6:.1f} MB", [big]),
            (f"bare features, {(bare / 'assets.geojson').stat().st_size / 1e6:.1f} MB", [bare]),
            (
                f"zip, {zipped.stat().st_size / 1e6:.1f} MB, unpacks to {unpacked / 1e6:.1f} MB",
                [zipped],
            ),
        ]
        print(
            f"{'input':<48} {'wall s':>7} {'CPU s':>6} {'peak RSS MB':>12} {'exit':>5}  last line"
        )
        for label, paths in cases:
            wall, cpu, rss, code, last = measure(["validate", *map(str, paths)])
            print(f"{label:<48} {wall:7.1f} {cpu:6.1f} {rss:12.0f} {code:5d}  {last[:60]}")


if __name__ == "__main__":
    main()
