"""Briefing PNG export: the renderer (``geo.slides.browser``), the slide, the batch and the command
line (``geo.slides.render``); the argument parsers are in ``test_pngargs.py``.

The renderer is tested on a small Leaflet page built here from the installed
xstatic-leaflet files, with tiles served from localhost (or refused, or slow);
the slides on the data built in code, rendered on the offline basemap.
"""

from __future__ import annotations

import http.server
import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Template
from PIL import Image

from geo.slides import browser as slides_browser
from geo.slides import errors, render
from geo.slides import options as slides_options

pytestmark = pytest.mark.browser

TEST_PAGE = Template(
    """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<style>{{ leaflet_css }}</style>
<style>html, body, #map { margin: 0; width: 100%; height: 100%; background: #3a6ea5; }</style>
<script>{{ leaflet_js }}</script>
</head><body>
<div id="map"></div>
<div style="position: fixed; top: 0; z-index: 2000; background: #fff">{{ title }}</div>
<script>
var map = L.map('map', {zoomControl: false}).setView([15, -70], 5);
{% if tiles %}L.tileLayer({{ tiles|tojson }}, {maxZoom: 18}).addTo(map);{% endif %}
L.geoJSON({type: 'Polygon', coordinates: [[[-75, 10], [-65, 10], [-65, 20], [-75, 20], [-75, 10]]]},
          {style: {color: '#1b5e20', fillColor: '#8bc34a', fillOpacity: 1}}).addTo(map);
</script>
</body></html>
"""
)


def leaflet_page(tiles: str | None, title: str = "Test page") -> str:
    """A self-contained Leaflet page (Leaflet inlined from xstatic-leaflet)."""
    from xstatic.pkg import leaflet

    base = Path(leaflet.BASE_DIR)
    return TEST_PAGE.render(
        leaflet_css=(base / "leaflet.css").read_text(encoding="utf-8"),
        leaflet_js=(base / "leaflet.js").read_text(encoding="utf-8"),
        tiles=tiles,
        title=title,
    )


def tile_png(x: int, y: int) -> bytes:
    """A 256 px tile whose colour depends on its position, with a dark frame."""
    image = Image.new("RGB", (256, 256), (40 + (x * 37) % 200, 90 + (y * 53) % 150, 120))
    for i in range(256):
        for j in (0, 1):
            image.putpixel((i, j), (20, 20, 20))
            image.putpixel((j, i), (20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class TileHandler(http.server.BaseHTTPRequestHandler):
    """``/ok/z/x/y.png`` a tile, ``/slow/...`` a tile after 3 s, anything else 404."""

    def do_GET(self) -> None:
        parts = self.path.strip("/").split("/")
        if len(parts) == 4 and parts[0] in ("ok", "slow"):
            if parts[0] == "slow":
                time.sleep(3)
            body = tile_png(int(parts[2]), int(parts[3].split(".")[0]))
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def tile_server() -> Iterator[str]:
    """Base URL of a local tile server."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TileHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def renderer() -> Iterator[slides_browser.SlideRenderer]:
    """One renderer (one browser) for the module."""
    try:
        with slides_browser.SlideRenderer(tile_timeout=1.5) as started:
            yield started
    except errors.BrowserNotFound as error:
        pytest.skip(str(error))


def image_of(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data)).convert("RGB")


def distinct_colours(image: Image.Image) -> int:
    return len(image.getcolors(maxcolors=1 << 24) or [])


# --- browser discovery --------------------------------------------------------


def test_find_chromium_env_must_exist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POSTUREMAP_CHROMIUM", str(tmp_path / "nowhere"))
    with pytest.raises(errors.BrowserNotFound, match="apt-get install -y chromium"):
        slides_browser.find_chromium()


def test_find_chromium_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    bundled = tmp_path / "bundled"
    bundled.write_text("#!/bin/sh\n")
    bundled.chmod(0o755)
    monkeypatch.delenv("POSTUREMAP_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert slides_browser.find_chromium(str(bundled)) == str(fake)
    fake.unlink()
    assert slides_browser.find_chromium(str(bundled)) == str(bundled)
    with pytest.raises(errors.BrowserNotFound, match="POSTUREMAP_CHROMIUM"):
        slides_browser.find_chromium(str(tmp_path / "not-installed"))
    monkeypatch.setenv("POSTUREMAP_CHROMIUM", str(bundled))
    assert slides_browser.find_chromium(None) == str(bundled)


# --- the renderer on a self-made page -------------------------------------------


@pytest.mark.parametrize(("size", "scale"), [((800, 450), 1), ((640, 360), 2), ((450, 800), 1)])
def test_capture_size_and_content(
    renderer: slides_browser.SlideRenderer, tile_server: str, size: tuple[int, int], scale: int
) -> None:
    capture = renderer.capture(leaflet_page(f"{tile_server}/ok/{{z}}/{{x}}/{{y}}.png"), size, scale)
    image = image_of(capture.png)
    assert image.size == (size[0] * scale, size[1] * scale)
    assert capture.tiles.complete and capture.tiles.total > 0
    assert capture.tiles.loaded == capture.tiles.total
    # tiles of several colours plus the polygon, not a blank frame
    assert distinct_colours(image) > 8
    assert "Test page" in capture.text


def test_capture_waits_for_tiles(renderer: slides_browser.SlideRenderer, tile_server: str) -> None:
    capture = renderer.capture(leaflet_page(f"{tile_server}/ok/{{z}}/{{x}}/{{y}}.png"), (800, 450))
    image = image_of(capture.png)
    # the top-left corner is a tile (never the page's blue background behind the map)
    corner = image.getpixel((5, 40))
    assert corner != (0x3A, 0x6E, 0xA5)


def test_capture_reports_failed_tiles(
    renderer: slides_browser.SlideRenderer, tile_server: str
) -> None:
    capture = renderer.capture(
        leaflet_page(f"{tile_server}/missing/{{z}}/{{x}}/{{y}}.png"), (800, 450)
    )
    assert capture.tiles.total > 0
    assert capture.tiles.failed == capture.tiles.total
    assert not capture.tiles.complete
    assert "failed to load" in capture.tiles.describe()


def test_capture_times_out_on_slow_tiles(
    renderer: slides_browser.SlideRenderer, tile_server: str
) -> None:
    capture = renderer.capture(
        leaflet_page(f"{tile_server}/slow/{{z}}/{{x}}/{{y}}.png"), (800, 450)
    )
    assert capture.tiles.timed_out
    assert not capture.tiles.complete
    assert "before the timeout" in capture.tiles.describe()


def test_capture_without_tiles_is_complete(renderer: slides_browser.SlideRenderer) -> None:
    capture = renderer.capture(leaflet_page(None), (800, 450))
    assert capture.tiles.total == 0 and capture.tiles.complete
    image = image_of(capture.png)
    # polygon green and sea blue both present
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 24)}
    assert (0x3A, 0x6E, 0xA5) in colours
    assert (0x8B, 0xC3, 0x4A) in colours


# A map page that draws late, as one whose symbols are still loading: red once ready. Its
# empty map pane has no tiles to wait for, so only the wait for `ready` can see the red.
LATE_MAP = """<!DOCTYPE html><html><body style="margin: 0; background: #ffffff">
<div class="leaflet-container"><div class="leaflet-map-pane"></div></div>
<script>
window.posturemap = {ready: false};
setTimeout(function () {
  document.body.style.background = '#ff0000';
  requestAnimationFrame(function () { window.posturemap.ready = true; });
}, {{ delay_ms }});
{{ extra }}
</script></body></html>"""


def late_map(delay_ms: int, extra: str = "") -> str:
    return Template(LATE_MAP).render(delay_ms=delay_ms, extra=extra)


def test_capture_waits_for_the_map_to_be_ready(renderer: slides_browser.SlideRenderer) -> None:
    capture = renderer.capture(late_map(600), (320, 200))
    assert image_of(capture.png).getpixel((160, 100)) == (255, 0, 0)


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ("", r"within 0\.5 s \(window\.posturemap\.ready never became true\)$"),
        ("throw new Error('symbols broke');", "the page failed: .*symbols broke"),
    ],
)
def test_capture_of_a_map_never_ready_fails_clearly(
    renderer: slides_browser.SlideRenderer, monkeypatch: pytest.MonkeyPatch, extra: str, said: str
) -> None:
    monkeypatch.setattr(renderer, "ready_timeout", 0.5)
    page = late_map(60_000, extra)  # ready only after a minute: never, for the renderer
    with pytest.raises(errors.MapNotReady, match=said):
        renderer.capture(page, (320, 200))


def test_fallback_to_offline_basemap(
    renderer: slides_browser.SlideRenderer,
    tile_server: str,
    tiny_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Failing tiles: one warning, the offline basemap, and later slides skip the retry."""
    import geo

    pages = {
        "light": leaflet_page(f"{tile_server}/missing/{{z}}/{{x}}/{{y}}.png"),
        "offline": leaflet_page(None, title="offline basemap"),
    }
    asked: list[str] = []

    def fake_html(dataset: Any, options: Any, basemap: str | None = None, warn: Any = None) -> str:
        asked.append(basemap)
        return pages[basemap]

    monkeypatch.setattr(render, "slide_html", fake_html)
    renderer.failed_basemaps.clear()
    warnings: list[str] = []
    dataset = geo.load(tiny_dir)
    first = render.render_slide(
        dataset, slides_options.SlideOptions(size=(640, 360)), renderer, warnings.append
    )
    second = render.render_slide(
        dataset, slides_options.SlideOptions(size=(640, 360)), renderer, warnings.append
    )
    renderer.failed_basemaps.clear()
    assert first.basemap == second.basemap == "offline"
    assert "offline basemap" in first.text
    assert asked == ["light", "offline", "offline"]
    assert len(warnings) == 1
    assert "'light'" in warnings[0] and "failed to load" in warnings[0]


def test_renderer_not_started() -> None:
    with pytest.raises(errors.PngError, match="not started"):
        slides_browser.SlideRenderer().capture("<html></html>")


def test_missing_browser_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POSTUREMAP_CHROMIUM", str(tmp_path / "nowhere"))
    with pytest.raises(errors.BrowserNotFound), slides_browser.SlideRenderer():
        pass


def test_renderer_beside_another_playwright(browser: Any) -> None:
    """Playwright runs in the renderer's own thread, so it works while the test session's
    sync Playwright (the ``browser`` fixture) holds this thread, where a second sync
    Playwright would refuse to start."""
    with slides_browser.SlideRenderer() as own:
        capture = own.capture(leaflet_page(None), (400, 320))
    assert browser.is_connected()
    assert image_of(capture.png).size == (400, 320)


# --- slides of real data (offline basemap) and the command line -------------------

SEA = (0xC9, 0xDC, 0xEE)  # geo.web.basemaps.SEA_COLOUR["offline"]


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import geo
    from tests.factories import valid_layers, write_dataset

    return geo.load(write_dataset(tmp_path_factory.mktemp("png") / "tiny", valid_layers()))


@pytest.mark.parametrize(("size", "scale"), [((1920, 1080), 1), ((800, 450), 2)])
def test_slide_offline(
    renderer: slides_browser.SlideRenderer, tiny_dataset: Any, size: tuple[int, int], scale: int
) -> None:
    made = render.render_slide(
        tiny_dataset,
        slides_options.SlideOptions(
            basemap="offline", size=size, scale=scale, title="Slide <b>title</b>"
        ),
        renderer,
    )
    image = image_of(made.png)
    assert image.size == (size[0] * scale, size[1] * scale)
    assert made.basemap == "offline"
    assert "Slide <b>title</b>" in made.text  # escaped: shown as text, not markup
    assert slides_options.DEFAULT_CAVEAT in made.text
    assert "As of 15 Oct 2025, end of day UTC (152359Z OCT 25)" in made.text
    assert "Sources: Test Wire" in made.text
    colours = image.getcolors(maxcolors=1 << 24)
    assert len(colours) > 200
    # a good share of the frame is not the page background
    background = max(colours)[1]
    assert sum(n for n, c in colours if c != background) > 0.2 * image.width * image.height
    # land and sea differ: the sea colour covers part of the map, and so does other colour
    sea_share = sum(n for n, c in colours if c == SEA) / (image.width * image.height)
    assert 0.05 < sea_share < 0.95


def test_slide_land_and_sea_pixels(
    renderer: slides_browser.SlideRenderer, tiny_dataset: Any
) -> None:
    """Over Venezuela (land) and the Caribbean north of it (sea): two different colours."""
    bounds = (-75.0, 5.0, -60.0, 20.0)
    made = render.render_slide(
        tiny_dataset,
        slides_options.SlideOptions(
            basemap="offline", size=(1000, 1000), bounds=bounds, caveat="CAVEAT X"
        ),
        renderer,
    )
    image = image_of(made.png)
    assert "CAVEAT X" in made.text

    def pixel(lon: float, lat: float) -> tuple[int, int, int]:
        # approximate (the fit pads for the banners), so the points are far from coasts
        import math

        y_merc = lambda la: math.log(math.tan(math.pi / 4 + math.radians(la) / 2))  # noqa: E731
        frac = (y_merc(20) - y_merc(lat)) / (y_merc(20) - y_merc(5))
        return image.getpixel((int(image.width * (lon + 75) / 15), int(image.height * frac)))

    assert pixel(-66.0, 7.0) != pixel(-66.0, 14.5)


def test_render_png_batch(
    renderer: slides_browser.SlideRenderer, tiny_dataset: Any, tmp_path: Path
) -> None:
    out = tmp_path / "out.png"
    written = render.render_png(
        tiny_dataset,
        out,
        as_of="2025-09-01..2025-09-15/7d",
        basemap="offline",
        size=(640, 360),
        renderer=renderer,
    )
    assert written == [tmp_path / f"out_2025-09-{d:02d}.png" for d in (1, 8, 15)]
    assert all(image_of(p.read_bytes()).size == (640, 360) for p in written)
    assert not out.exists()
    with pytest.raises(slides_options.OutputExists) as caught:
        render.render_png(tiny_dataset, out, as_of="2025-09-01,2025-09-08", renderer=renderer)
    assert caught.value.paths == (tmp_path / "out_2025-09-01.png", tmp_path / "out_2025-09-08.png")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--size", "big"], 2, "--size"),
        (["--size", "100x100"], 2, "--size"),
        (["--scale", "3"], 2, "--scale"),
        (["--as-of", "2025-13-40"], 2, "--as-of"),
        (["--as-of", "2025-10-01..2025-09-01"], 2, "--as-of"),
        (["--bounds", "1,2,3"], 2, "--bounds"),
        (["--basemap", "nope"], 2, "--basemap"),
        (["--rings", "b1:abc"], 2, "--rings: 'abc' is not a distance in km"),
        (["--rings", "nowhere"], 1, "--rings: no base or asset with id 'nowhere'"),
        (["--zones", "XXX"], 2, "--zones: unknown state 'XXX'"),
    ],
)
def test_cli_bad_arguments(
    run_cli: Any, tiny_dir: Path, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    result, _, err = run_cli(
        "export", "png", str(tmp_path / "x.png"), "--data", str(tiny_dir), *args
    )
    assert result == code
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_cli_refuses_to_overwrite(run_cli: Any, tiny_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    out.write_bytes(b"mine")
    code, _, err = run_cli("export", "png", str(out), "--data", str(tiny_dir))
    assert code == 1 and "--force" in err
    assert out.read_bytes() == b"mine"


def test_cli_missing_browser(
    run_cli: Any, tiny_dir: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("POSTUREMAP_CHROMIUM", str(tmp_path / "nowhere"))
    monkeypatch.setenv("PATH", "")
    code, _, err = run_cli("export", "png", str(tmp_path / "x.png"), "--data", str(tiny_dir))
    assert code == 1
    assert "apt-get install -y chromium" in err and "POSTUREMAP_CHROMIUM" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cli_missing_browser_no_env(tmp_path: Path, tiny_dir: Path) -> None:
    """PATH emptied, no POSTUREMAP_CHROMIUM, no Playwright browser: one line, exit 1
    (a subprocess: Playwright must start to look for its own browser)."""
    import subprocess
    import sys

    env = {"PATH": "", "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "none"), "HOME": str(tmp_path)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "geo",
            "export",
            "png",
            str(tmp_path / "x.png"),
            "--data",
            str(tiny_dir),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parent.parent,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "apt-get install -y chromium" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_cli_writes_batch(tmp_path: Path, tiny_dir: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "geo",
            "export",
            "png",
            str(tmp_path / "b.png"),
            "--data",
            str(tiny_dir),
            "--as-of",
            "2025-09-01,2025-10-01",
            "--size",
            "640x360",
            "--basemap",
            "offline",
            "--title",
            "Batch",
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in tmp_path.glob("b_*.png"))
    assert names == ["b_2025-09-01.png", "b_2025-10-01.png"]
    assert done.stdout.count("wrote ") == 2


# --- the frame, the locator inset, the PDF ---------------------------------------------------

# Where the theatre's features are on the page, what covers the page's edges, and the inset.
_FRAME_JS = """
(points) => {
  var map = posturemap.map, b = map.getBounds();
  var covered = [];
  document.querySelectorAll('[data-slide-edge], .pm-legend, .pm-scale').forEach(function (el) {
    var r = el.getBoundingClientRect();
    covered.push([r.left, r.top, r.right, r.bottom]);
  });
  return {
    view: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
    size: [map.getSize().x, map.getSize().y],
    points: points.map(function (p) {
      var xy = map.latLngToContainerPoint([p[1], p[0]]);
      return [xy.x, xy.y];
    }),
    covered: covered,
    labels: Array.from(document.querySelectorAll('.slide-far-label')).map(function (el) {
      return Array.from(el.children).map(function (line) { return line.textContent; });
    }),
    drawn: posturemap.items().filter(function (it) {  // the ids drawn on the main map
      var size = map.getSize();
      return it.box[2] > 0 && it.box[0] < size.x && it.box[3] > 0 && it.box[1] < size.y;
    }).flatMap(function (it) {
      var D = posturemap.data;
      return (it.kind === 'feature' ? [it.i] : it.members).map(function (i) {
        return D.strings[D.columns.id[i]];
      });
    }),
    markup: document.querySelectorAll('.slide-inset b, .slide-inset img').length,
    caption: document.querySelector('.slide-inset-caption').textContent
  };
}
"""


def test_slide_frames_the_theatre_and_locates_the_rest(offline_page: Any, tmp_path: Path) -> None:
    """Red Sea theatre, 1280x720: the theatre fills the free area, nothing framed lies under a
    decoration, the far home port (named with markup and a template) is on the inset as text."""
    import geo
    from tests.factories import write_dataset
    from tests.test_framing import RED_SEA_DAY, red_sea_layers

    layers = red_sea_layers()
    norfolk = layers["bases"]["features"][2]["properties"]
    norfolk["name"] = "<b>{{7*7}}</b> Norfolk"
    dataset = geo.load(write_dataset(tmp_path / "red-sea", layers))
    html = render.slide_html(
        dataset,
        slides_options.SlideOptions(as_of=RED_SEA_DAY, basemap="offline", size=(1280, 720)),
    )
    page_file = tmp_path / "slide.html"
    page_file.write_text(html, encoding="utf-8")
    page, log = offline_page
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(page_file.as_uri())
    page.wait_for_function("() => window.posturemap && window.posturemap.ready === true")
    theatre = [(38.2, 21.0), (42.9, 13.0), (44.21, 15.35), (43.76, 16.94), (43.159, 11.547)]
    found = page.evaluate(_FRAME_JS, [list(p) for p in theatre])
    assert log.page_errors == [] and log.dialogs == [] and log.blocked == []
    west, south, east, north = found["view"]
    assert west > 20 and east < 65 and south > 0 and north < 35  # the theatre, not the Atlantic
    xs = [x for x, _ in found["points"]]
    ys = [y for _, y in found["points"]]
    # The theatre spans most of the free height (the fit fills the frame)...
    assert max(ys) - min(ys) > 0.45 * found["size"][1]
    assert max(xs) < found["size"][0] and min(xs) > 0
    # ...and no framed feature lies under the title, banners, legend, inset or scale.
    for x, y in found["points"]:
        for left, top, right, bottom in found["covered"]:
            assert not (left <= x <= right and top <= y <= bottom), (x, y, left, top)
    lines = [line for label in found["labels"] for line in label]
    assert "<b>{{7*7}}</b> Norfolk · 6,054 nm NW" in lines
    # Bahrain lies by the map's edge: on the inset or on the main map, never on both.
    on_inset = any(line.startswith("NSA Bahrain · ") for line in lines)
    assert on_inset != ("nsa-bahrain" in found["drawn"]), found["drawn"]
    assert "ns-norfolk" not in found["drawn"]
    assert found["markup"] == 0
    assert found["caption"].startswith("Off the main map")


def pdf_facts(data: bytes) -> dict[str, Any]:
    """Pages, page sizes (points) and whether text is drawn as text, read from the PDF."""
    import re
    import zlib

    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            continue
    everything = b"\n".join([data, *streams])
    return {
        "pages": len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", everything)),
        "sizes": re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", everything),
        "text_ops": any(b"BT" in s and re.search(rb"T[jJ]\b", s) for s in streams),
        "fonts": len(re.findall(rb"/FontFile2", data)),
    }


def test_pdf_slide(
    renderer: slides_browser.SlideRenderer, tiny_dataset: Any, tmp_path: Path
) -> None:
    """One page of the slide's size (960x540 CSS px = 720x405 pt), with text as text."""
    import shutil
    import subprocess

    written = render.render_pdf(
        tiny_dataset,
        tmp_path / "slide.pdf",
        as_of="2025-10-15",
        basemap="offline",
        size=(960, 540),
        title="Print title",
        renderer=renderer,
    )
    assert written == [tmp_path / "slide.pdf"]
    facts = pdf_facts(written[0].read_bytes())
    assert facts["pages"] == 1
    # Chromium sizes pages in 1/300 inch: 405 pt comes out as 404.88.
    assert [(float(w), float(h)) for w, h in facts["sizes"]] == [
        pytest.approx((720, 405), abs=0.25)
    ]
    assert facts["text_ops"] and facts["fonts"] >= 1
    if shutil.which("pdftoppm"):  # poppler-utils: the PDF renders, land and sea in it
        subprocess.run(
            ["pdftoppm", "-png", "-r", "48", "-singlefile", str(written[0]), str(tmp_path / "p")],
            check=True,
            timeout=60,
        )
        image = image_of((tmp_path / "p.png").read_bytes())
        assert image.size == (480, 270)
        assert distinct_colours(image) > 50
    if shutil.which("pdftotext"):
        shown = subprocess.run(
            ["pdftotext", str(written[0]), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Print title" in shown and "152359Z OCT 25" in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [(["x.png"], "must end in .pdf"), (["x.pdf", "--scale", "3"], "--scale")],
)
def test_cli_pdf_bad_arguments(
    run_cli: Any, tiny_dir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    code, _, err = run_cli(
        "export", "pdf", str(tmp_path / args[0]), "--data", str(tiny_dir), *args[1:]
    )
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / args[0]).exists()


def test_cli_pdf_with_rings_and_zones(run_cli: Any, tiny_dir: Path, tmp_path: Path) -> None:
    """``export pdf`` takes the slide's options, rings and zones included, and prints pt."""
    out_file = tmp_path / "print.pdf"
    code, stdout, err = run_cli(
        "export",
        "pdf",
        str(out_file),
        "--data",
        str(tiny_dir),
        "--basemap",
        "offline",
        "--size",
        "800x450",
        "--scale",
        "1",
        "--rings",
        "b1:300",
        "--zones",
        "GRD",
    )
    assert code == 0, err
    assert f"wrote {out_file} (600x337.5 pt, as of 2025-10-15, offline basemap)" in stdout
    facts = pdf_facts(out_file.read_bytes())
    assert facts["pages"] == 1 and facts["text_ops"]
