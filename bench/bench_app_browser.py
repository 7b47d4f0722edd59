"""How long the app takes in a real browser, from input to updated map and panel.

Run by hand (not with the tests): ``python bench/bench_app_browser.py [--runs N]``. Starts
``streamlit run app.py`` headless on a free port (a fresh server), opens it in Chromium
(``/usr/bin/chromium``, every request outside localhost aborted) with
``?basemap=offline``, and times: the first page load (to the map drawn), a click on a
symbol (to the details), a date change (the date slider, one step), a filter change (the
uncertainty circles toggle) and starting the timeline. "Done" is: Streamlit's script
ran and is idle again (``stApp``'s ``data-test-script-state``) and the map's page ready
(``window.posturemap.ready`` in its frame).
Prints a table of medians and maxima in milliseconds, with the median time until
Streamlit's script had run ("script ran": the server's part; the rest is the browser's).
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
_APP = '[data-testid="stApp"]'
READY = "() => !!(window.posturemap && window.posturemap.ready)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _map_frame(page: Any, timeout_s: float = 60) -> Any:
    """The component frame that holds the map, once it is drawn."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        for frame in page.frames:
            try:
                if frame.evaluate(READY):
                    return frame
            except Exception:
                continue
        page.wait_for_timeout(20)
    raise TimeoutError("the map was not drawn")


def _settled(page: Any, start: float) -> tuple[float, float]:
    """Wait until Streamlit has finished its rerun and the map is drawn.

    Returns the milliseconds from ``start`` to the end of the script run (the server's part)
    and to the map drawn (the whole step).
    """
    # The rerun starts (a step that starts none shows as slow, not as fast).
    with contextlib.suppress(Exception):
        page.wait_for_selector(f"{_APP}[data-test-script-state=running]", timeout=1000)
    page.wait_for_selector(f"{_APP}[data-test-script-state=notRunning]", timeout=60_000)
    ran = (time.perf_counter() - start) * 1000
    _map_frame(page)
    return ran, (time.perf_counter() - start) * 1000


def _timed(action: Callable[[], None], page: Any) -> tuple[float, float]:
    start = time.perf_counter()
    action()
    return _settled(page, start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://localhost:{port}/?basemap=offline"
    rows: dict[str, list[tuple[float, float]]] = {}
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.route(
                "**/*",
                lambda r: (
                    r.continue_()
                    if r.request.url.startswith(("http://localhost", "http://127.0.0.1", "data:"))
                    else r.abort()
                ),
            )
            start = time.perf_counter()
            page.goto(url)
            rows["first page load (fresh server)"] = [_settled(page, start)]

            def click_symbol() -> None:
                frame = _map_frame(page)
                x, y = frame.evaluate("window.posturemap.drawn()[0]")[1:]
                box = frame.frame_element().bounding_box()
                page.mouse.click(box["x"] + x, box["y"] + y)

            def date_step(key: str) -> Callable[[], None]:
                def step() -> None:
                    thumb = page.locator('[data-testid="stSliderThumbValue"]').first
                    thumb.locator("..").click()
                    page.keyboard.press(key)

                return step

            def toggle(text: str) -> Callable[[], None]:
                return lambda: page.get_by_text(text, exact=False).first.click()

            actions = {
                "click a symbol -> details": click_symbol,
                "date change (one step)": date_step("ArrowLeft"),
                "date change back": date_step("ArrowRight"),
                "filter: uncertainty circles": toggle("Uncertainty circles"),
                "timeline on / off": toggle("Play the timeline"),
            }
            for _ in range(args.runs):
                for name, action in actions.items():
                    try:
                        rows.setdefault(name, []).append(_timed(action, page))
                    except Exception as error:
                        print(f"{name}: {type(error).__name__}: {error}", file=sys.stderr)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"{'step':<34} {'median ms':>10} {'max ms':>8} {'script ran':>11} {'runs':>5}")
    for name, times in rows.items():
        if times:
            total = [t for _, t in times]
            ran = statistics.median(r for r, _ in times)
            print(
                f"{name:<34} {statistics.median(total):>10.0f} {max(total):>8.0f} "
                f"{ran:>11.0f} {len(times):>5}"
            )


if __name__ == "__main__":
    main()
