"""Benchmark: a large raw AIS NMEA log streamed into pings, time and peak memory.

Run by hand (not a test)::

    python bench/bench_nmea.py              # a 100 MB log
    python bench/bench_nmea.py --mb 20

It writes a log of tag-blocked ``!AIVDM`` sentences (2,000 ships, position reports with a
type 5 static message, two sentences, now and then), then reads it with
``geo.tracks.readers.read_file`` in a child process and prints the pings read, wall and CPU
time and the child's peak RSS, beside the size of the log: streaming means memory grows with
the pings kept, not with the bytes read.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from functools import reduce
from operator import xor
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def make_log(path: Path, megabytes: float, ships: int = 2000, seed: int = 3) -> int:
    """Write an NMEA log of about ``megabytes``; return the number of lines."""
    from pyais.encode import encode_dict

    rng = np.random.default_rng(seed)
    mmsi = 338_000_000 + np.arange(ships)
    lat = rng.uniform(10, 30, ships)
    lon = rng.uniform(-80, -60, ships)
    # A few distinct reports per ship, cycled with moving times (encoding is the slow part).
    variants = 8
    sentences = [
        encode_dict(
            {"type": 1, "mmsi": int(m), "lat": float(y + k * 0.001), "lon": float(x)},
            talker_id="AI",
        )[0]
        for k in range(variants)
        for m, y, x in zip(mmsi, lat, lon, strict=True)
    ]
    static = [
        encode_dict({"type": 5, "mmsi": int(m), "shipname": f"SHIP {m}"}, talker_id="AI")
        for m in mmsi[:200]
    ]
    target = int(megabytes * 1e6)
    written = lines = 0
    t = 1_760_529_600
    with path.open("w", encoding="ascii") as handle:
        while written < target:
            block = []
            for sentence in sentences:
                body = f"s:rx1,c:{t}"
                block.append(f"\\{body}*{reduce(xor, body.encode(), 0):02X}\\{sentence}")
                t += 1
            for parts in static:
                block.extend(parts)
            text = "\n".join(block) + "\n"
            handle.write(text)
            written += len(text)
            lines += len(block)
    return lines


def run(path: Path) -> dict:
    """Read the log; figures as JSON-able numbers."""
    from geo.tracks import readers

    started = time.perf_counter()
    cpu = time.process_time()
    pings = readers.read_file(path)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "pings": len(pings.frame),
        "not_used": pings.bad.total,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=100.0)
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run(args.run)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-nmea-") as tmp:
        path = Path(tmp) / "log"
        started = time.perf_counter()
        lines = make_log(path, args.mb)
        size = path.stat().st_size / 1e6
        print(f"generated {lines:,} lines ({size:.0f} MB) in {time.perf_counter() - started:.1f} s")
        command = [sys.executable, __file__, "--run", str(path)]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"read {figures['pings']:,} pings ({figures['not_used']:,} not used) in "
            f"{figures['seconds']:.1f} s ({figures['cpu_seconds']:.1f} s CPU); "
            f"peak RSS {figures['peak_rss_mb']:.0f} MB for a {size:.0f} MB log"
        )


if __name__ == "__main__":
    main()
