"""The app's first page on a fresh server, for one or more checkouts, taken in turns.

Run by hand (not with the tests)::

    python bench/bench_first_page.py [DIR ...] [--runs N] [--cold]

Each round starts ``streamlit run app.py`` in each checkout ``DIR`` in turn (default: this
one) on a free port, opens ``/?basemap=offline`` in a new Chromium context (``/usr/bin/chromium``,
requests away from this machine aborted) and times the page from the request to the map drawn
(``window.posturemap.ready`` in its frame), then stops the server. Taking the checkouts in
turns puts them side by side under the same load, so ``git worktree add /tmp/before <rev>``
gives the anchor. ``--cold`` gives each server an empty cache folder, as on a fresh install
(the results kept on disk and the coast index are made again).

Prints, per checkout, every time, the median and the range, in seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_app_browser import AWAY, CHROMIUM, REPO, _map_frame, _streamlit_server


def _first_page(browser: object, checkout: Path, cold: bool) -> float:
    try:
        with _streamlit_server(checkout, cold) as port:
            context = browser.new_context(viewport={"width": 1600, "height": 1000})  # type: ignore[attr-defined]
            page = context.new_page()
            page.route(AWAY, lambda route: route.abort())
            start = time.monotonic()
            page.goto(f"http://localhost:{port}/?basemap=offline")
            _map_frame(page)
            took = time.monotonic() - start
            context.close()
            return took
    finally:
        time.sleep(1)  # the port and the CPU free again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", nargs="*", type=Path, default=[REPO])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--cold", action="store_true", help="an empty cache folder per server")
    args = parser.parse_args()
    times: dict[Path, list[float]] = {c: [] for c in args.checkouts}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for _ in range(args.runs):
            for checkout in args.checkouts:
                times[checkout].append(_first_page(browser, checkout, args.cold))
        browser.close()
    for checkout, found in times.items():
        cells = " ".join(f"{t:.2f}" for t in found)
        print(
            f"{checkout!s:<40} median {statistics.median(found):.2f} s "
            f"(range {min(found):.2f}-{max(found):.2f}): {cells}"
        )


if __name__ == "__main__":
    main()
