"""Benchmark the briefing PNG export: one slide including the browser start, and a batch
of N dates with one browser against N separate launches (the naive way).

Run by hand: ``python bench/bench_png.py [--dates N] [--basemap NAME]``. Prints figures;
asserts nothing. On a machine without network, an online basemap costs one failed
tile attempt per browser before the fallback to the offline basemap.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import timedelta

import geo
from geo.data import selection
from geo.slides import browser, options, render


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dates", type=int, default=5, help="batch size N (default 5)")
    parser.add_argument("--basemap", default="offline", help="basemap (default offline)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    dataset = geo.load(geo.default_data_dir())
    load_s = time.perf_counter() - t0
    last = selection.latest_date(dataset)
    days = [last - timedelta(days=7 * i) for i in range(args.dates)][::-1]
    quiet = io.StringIO()
    warn = quiet.write

    def one(day=None, renderer=None) -> bytes:
        return render.slide_png_bytes(
            dataset, as_of=day, basemap=args.basemap, renderer=renderer, warn=warn
        )

    t = time.perf_counter()
    one()
    single = time.perf_counter() - t

    t = time.perf_counter()
    with browser.SlideRenderer() as renderer:
        start = time.perf_counter() - t
        for day in days:
            one(day, renderer)
    batch = time.perf_counter() - t

    t = time.perf_counter()
    for day in days:
        one(day)
    naive = time.perf_counter() - t

    t = time.perf_counter()
    slide = options.SlideOptions(as_of=last, basemap=args.basemap)
    render.slide_html(dataset, slide)
    html_s = time.perf_counter() - t

    n = len(days)
    print(f"data load: {load_s:.2f} s; slide HTML build: {html_s:.2f} s; basemap {args.basemap}")
    print(f"single 1920x1080 PNG incl. browser start: {single:.2f} s")
    print(f"browser start alone (in the batch):       {start:.2f} s")
    print(f"batch of {n}, one browser:                 {batch:.2f} s ({batch / n:.2f} s per slide)")
    print(
        f"batch of {n}, {n} separate launches (naive): {naive:.2f} s ({naive / n:.2f} s per slide)"
    )
    print(f"one browser is {naive / batch:.2f}x faster")
    if quiet.getvalue():
        print(f"(warnings: {quiet.getvalue().strip().splitlines()[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
