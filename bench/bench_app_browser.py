"""How long the app takes in a real browser, from input to updated map and panel, and where.

Run by hand (not with the tests):
``python bench/bench_app_browser.py [--runs N] [--pause S] [--cold]``.
Starts ``streamlit run app.py`` headless on a free port (a fresh server), opens it in Chromium
(``/usr/bin/chromium``, every request away from localhost aborted) with ``?basemap=offline``,
and times: the first page load (to the map drawn; with ``--cold`` the server's cache folder
starts empty, as on a fresh install, so the results kept on disk are made again), a click on
a symbol (to its details), a
date change (the date slider, one step, and back), a filter change (the uncertainty circles
toggle) and starting and stopping the timeline.

"Done" is: Streamlit's script ran and is idle again (``stApp``'s ``data-test-script-state``,
watched in the page by a MutationObserver) and the map's page is ready
(``window.posturemap.ready`` in its frame). Each step is then broken down:

- ``server``: input to the end of the first script run (the browser sends the input, the
  server reruns the script and sends what changed);
- ``map``: the end of that run to the map drawn (a new map is a new component frame that
  loads and draws the page; the same map is only updated);
- ``KB``: what the server sent over the websocket during the step;
- ``new map``: whether the map component was rebuilt (its frame loaded again);
- ``reruns`` and ``idle``: script runs until the page had been quiet for 1 s, and the time
  to the end of the last one (a new map reports its view, which reruns the script once).

Prints medians (and the maximum of the total) in milliseconds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
READY = "() => !!(window.posturemap && window.posturemap.ready)"
# Script state changes, stamped in the page (Date.now(), ms) as they happen.
WATCH = """
window.__states = [];
new MutationObserver(function (changes) {
  changes.forEach(function (c) {
    var v = c.target.getAttribute('data-test-script-state');
    if (c.attributeName === 'data-test-script-state') { window.__states.push([Date.now(), v]); }
  });
}).observe(document, {attributes: true, subtree: true,
                      attributeFilter: ['data-test-script-state']});
"""
# The symbol farthest from the others, away from the map's edges: a click opens its details
# (the first symbol may be a group's or lie under a panel).
ISOLATED = """() => {
  const PM = window.posturemap, size = PM.map.getSize(), drawn = PM.drawn();
  let best = null, bestGap = -1;
  for (const [i, x, y] of drawn) {
    if (x < 60 || y < 60 || x > size.x - 60 || y > size.y - 60) continue;
    let gap = Infinity;
    for (const [j, u, v] of drawn) { if (j !== i) gap = Math.min(gap, Math.hypot(x - u, y - v)); }
    if (gap > bestGap) { bestGap = gap; best = [x, y]; }
  }
  return best;
}"""
AWAY = re.compile(r"^(?!(http://(localhost|127\.0\.0\.1)[:/]|data:|blob:|about:))")
"""Requests away from this machine (aborted: the benches run offline)."""
COLUMNS = ("total", "server", "map", "KB", "new map", "reruns", "idle")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _streamlit_server(checkout: Path, cold: bool) -> Iterator[int]:
    """``streamlit run app.py`` in ``checkout`` on a free port, once it answers; its port.

    ``cold``: the server's cache folder starts empty (a temporary one), as on a fresh install.
    """
    env = dict(os.environ)
    if cold:
        env["POSTUREMAP_CACHE_DIR"] = tempfile.mkdtemp(prefix="posturemap-cold-cache-")
    port = _free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)),
            *("--server.headless", "true", "--browser.gatherUsageStats", "false"),
        ],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _map_frame(page: Any, timeout_s: float = 60) -> Any:
    """The component frame that holds the map, once it is drawn."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        for frame in page.frames:
            with contextlib.suppress(Exception):
                if frame.evaluate(READY):
                    return frame
        page.wait_for_timeout(20)
    raise TimeoutError("the map was not drawn")


class Recorder:
    """What the page received and when its frames loaded, while a step runs."""

    def __init__(self, page: Any) -> None:
        self.bytes = 0
        self.navigations = 0
        page.on("websocket", self._socket)
        page.on("framenavigated", self._navigated)
        self._page = page

    def _socket(self, ws: Any) -> None:
        ws.on("framereceived", self._received)

    def _received(self, payload: Any) -> None:
        self.bytes += len(payload) if isinstance(payload, (bytes, str)) else 0

    def _navigated(self, frame: Any) -> None:
        if frame != self._page.main_frame:
            self.navigations += 1

    def step(self, action: Callable[[], None]) -> dict[str, float]:
        """Run ``action`` and measure it (see the module's docstring)."""
        page = self._page
        page.evaluate("() => { window.__states = []; }")
        self.bytes, self.navigations = 0, 0
        start = time.time() * 1000
        action()
        # The run starts (a step that starts none shows as slow, not as fast), then ends.
        try:
            page.wait_for_function(
                "() => window.__states.some(s => s[1] === 'running')", timeout=5000
            )
        except Exception as error:
            raise RuntimeError("the input started no run of the script") from error
        page.wait_for_function(
            "() => { const s = window.__states; return s.length && s[s.length-1][1] !== "
            "'running' && s.some(x => x[1] === 'running'); }",
            timeout=60_000,
        )
        states = page.evaluate("() => window.__states")
        ran = next(t for t, s in states if s != "running") - start
        _map_frame(page)
        drawn = time.time() * 1000 - start
        received = self.bytes
        new_map = self.navigations > 0
        # Quiet for 1 s: the reruns a step causes (a new map reports its view) are over.
        while True:
            page.wait_for_timeout(1000)
            states = page.evaluate("() => window.__states")
            if states[-1][1] != "running" and time.time() * 1000 - states[-1][0] >= 1000:
                break
        runs = sum(1 for s in states if s[1] == "running")
        return {
            "total": drawn,
            "server": ran,
            "map": drawn - ran,
            "KB": received / 1024,
            "new map": float(new_map),
            "reruns": float(runs),
            "idle": states[-1][0] - start,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between steps")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="as on a fresh install: the server's cache folder starts empty (a temporary one)",
    )
    args = parser.parse_args()
    rows: dict[str, list[dict[str, float]]] = {}
    blocked: list[str] = []
    with _streamlit_server(REPO, args.cold) as port:
        url = f"http://localhost:{port}/?basemap=offline"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            # Only requests away from this machine are intercepted (and aborted): routing
            # every request through this process would add its own delay to each of the
            # page's ~100 files.
            page.route(AWAY, lambda r: (blocked.append(r.request.url), r.abort()))
            page.add_init_script(WATCH)
            recorder = Recorder(page)
            page.goto("about:blank")
            rows["first page load (fresh server)"] = [recorder.step(lambda: page.goto(url))]

            def click_symbol() -> None:
                frame = _map_frame(page)
                x, y = frame.evaluate(ISOLATED)
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
                    time.sleep(args.pause)
                    try:
                        rows.setdefault(name, []).append(recorder.step(action))
                    except Exception as error:
                        print(f"{name}: {type(error).__name__}: {error}", file=sys.stderr)
            browser.close()
    if blocked:
        print(f"requests away from this machine (aborted): {len(blocked)}", file=sys.stderr)
    print(f"{'step (medians, ms)':<32}" + "".join(f"{c:>9}" for c in COLUMNS) + f"{'max':>8}")
    for name, found in rows.items():
        if found:
            cells = "".join(f"{statistics.median(r[c] for r in found):>9.0f}" for c in COLUMNS)
            print(f"{name:<32}{cells}{max(r['total'] for r in found):>8.0f}")


if __name__ == "__main__":
    main()
