"""End to end: ``streamlit run app.py`` in a subprocess, driven by headless Chromium.

Every request outside localhost is aborted (conftest ``offline_page``), so these
tests also prove that the app, its map component and Leaflet work with no network
on the ``offline`` basemap.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.conftest import is_local
from tests.factories import valid_layers, write_dataset

REPO = Path(__file__).resolve().parent.parent
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
START_TIMEOUT_S = 60
WAIT_MS = 30_000

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the default data set."""
    yield from _serve(tmp_path_factory.mktemp("streamlit"))


def _serve(
    log_dir: Path, page_args: Sequence[str] = (), script: Path = REPO / "app.py"
) -> Iterator[str]:
    """Start the app (or another ``script``) on a free port (``page_args`` go to the page,
    after ``--``); stop it and its children whatever happens."""
    port = free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    log = open(log_dir / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            *(["--", *page_args] if page_args else []),
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start in {START_TIMEOUT_S} s; see {log.name}")
            time.sleep(0.3)
        yield url
    finally:
        # The whole process group: streamlit may have started helpers.
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


COUNT_RUNS = """
if (!window.__pmRunsWatched) {
  window.__pmRunsWatched = true; window.__pmRuns = 0; window.__pmRunAt = 0;
  new MutationObserver(function (changes) {
    changes.forEach(function (c) {
      if (c.target.getAttribute('data-test-script-state') === 'running') {
        window.__pmRuns += 1; window.__pmRunAt = Date.now();
      }
    });
  }).observe(document, {attributes: true, subtree: true,
                        attributeFilter: ['data-test-script-state']});
}
"""
"""Counts the page's script runs as they start (``window.__pmRuns``, ``__pmRunAt``)."""


def open_app(page: Any, url: str) -> Any:
    """Open the app and wait until the map has drawn its features; return the map frame."""
    page.add_init_script(COUNT_RUNS)
    page.goto(url)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=WAIT_MS)
    page.frame_locator(MAP_FRAME).locator("body").evaluate(
        "() => new Promise(r => { const t = setInterval(() => {"
        " if (window.map && window.__GLOBAL_DATA__) { clearInterval(t); r(true); } }, 50); })"
    )
    return frame


def settled_frame(page: Any) -> Any:
    """The map frame once a rebuilt map has replaced the old one and drawn."""
    page.wait_for_function(
        f"""() => {{
          const frames = document.querySelectorAll('{MAP_FRAME}');
          return frames.length === 1 && frames[0].contentWindow.map
              && frames[0].contentWindow.__GLOBAL_DATA__;
        }}""",
        timeout=WAIT_MS,
    )
    return page.frame_locator(MAP_FRAME)


def drawn_layers(frame: Any) -> int:
    """How many symbols the map has drawn in view (its point canvas, ``geo.web.script``)."""
    return frame.locator("body").evaluate(
        "() => window.posturemap && window.posturemap.ready ? window.posturemap.drawn().length : 0"
    )


def figure(page: Any, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_map_draws_with_no_network(offline_page, app_url) -> None:
    page, log = offline_page
    frame = open_app(page, f"{app_url}/?basemap=offline")
    assert drawn_layers(frame) >= 10
    # The legend's box found its script although st_folium renames elements: it sits in the
    # map's control corner (geo.web.panels.box_id).
    assert frame.locator(".leaflet-control-container .pm-legend").count() == 1
    assert page.locator('[data-testid="stMetric"]').count() == 5
    assert log.blocked == []
    assert log.page_errors == []
    assert log.dialogs == []
    # Leaflet came from the app itself.
    scripts = frame.locator("script[src]").evaluate_all("els => els.map(e => e.src)")
    leaflet = [src for src in scripts if "/component/" not in src]
    assert leaflet and all(src.startswith(f"{app_url}/app/static/vendor/") for src in leaflet)


ISOLATED_POINT_JS = """() => {
  const PM = window.posturemap, size = PM.map.getSize(), drawn = PM.drawn();
  let best = null, bestGap = -1;
  for (const [i, x, y] of drawn) {
    if (x < 40 || y < 40 || x > size.x - 40 || y > size.y - 40) continue;
    let gap = Infinity;
    for (const [j, u, v] of drawn) { if (j !== i) gap = Math.min(gap, Math.hypot(x - u, y - v)); }
    if (gap > bestGap) {
      bestGap = gap;
      best = {x: x, y: y, id: PM.data.strings[PM.data.columns.id[i]], gap: gap};
    }
  }
  return best;
}"""


def test_click_shows_the_details(offline_page, app_url) -> None:
    import geo
    from geo.app import state
    from geo.app import view as app_view

    page, log = offline_page
    open_app(page, f"{app_url}/?basemap=offline")
    # Click once the background analysis is done and the page has rerun with it.
    page.get_by_text("Measuring distances and maritime zones").wait_for(
        state="detached", timeout=WAIT_MS
    )
    _settle(page)
    frame = settled_frame(page)
    target = frame.locator("body").evaluate(ISOLATED_POINT_JS)
    assert target is not None and target["gap"] > 20
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    # The feature the click should select: the one drawn there (decluttering may have moved
    # its symbol away from its true position, which a leader line joins).
    shown = app_view.all_features(app_view.in_view(geo.load(REPO / "data"), state.ViewState()))
    expected = target["id"]
    name = shown.set_index("id").loc[expected, "name"]
    expect(page.get_by_role("combobox", name="Feature")).to_have_value(
        f"{name} ({expected})", timeout=WAIT_MS
    )
    page.get_by_text("Sources", exact=True).wait_for(timeout=WAIT_MS)
    assert f"sel={expected}" in page.url
    assert log.page_errors == [] and log.blocked == []


def test_date_change_changes_the_figures(offline_page, app_url) -> None:
    page, log = offline_page
    open_app(page, f"{app_url}/?basemap=offline")
    before = figure(page, "Aircraft")  # none in August: the fighters came in September
    page.get_by_role("slider").first.focus()
    page.keyboard.press("Home")
    page.wait_for_function(
        """(old) => {
          const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
              .find(e => e.innerText.includes('Aircraft'));
          return m && m.querySelector('[data-testid="stMetricValue"]').innerText !== old;
        }""",
        arg=before,
        timeout=WAIT_MS,
    )
    assert figure(page, "Aircraft") != before
    assert "date=" in page.url
    assert log.page_errors == []


def test_filter_change_keeps_the_view(offline_page, app_url) -> None:
    page, log = offline_page
    frame = open_app(page, f"{app_url}/?basemap=offline")
    frame.locator("body").evaluate("() => { window.map.setView([16.5, -72.25], 7); }")
    # The map reports its view (rounded to the pixel it is drawn at), and the app writes it.
    page.wait_for_function(
        """() => {
          const v = new URLSearchParams(location.search).get('view');
          if (!v) { return false; }
          const [lat, lng, zoom] = v.split(',').map(Number);
          return Math.abs(lat - 16.5) < 0.01 && Math.abs(lng + 72.25) < 0.01 && zoom === 7;
        }""",
        timeout=WAIT_MS,
    )
    page.get_by_text("Uncertainty circles").click()  # a filter: the map is rebuilt
    page.wait_for_function("() => location.search.includes('unc=0')", timeout=WAIT_MS)
    frame = settled_frame(page)
    page.wait_for_timeout(1500)
    view = frame.locator("body").evaluate(
        "() => [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]"
    )
    assert view[2] == 7
    assert abs(view[0] - 16.5) < 0.01 and abs(view[1] + 72.25) < 0.01
    assert log.page_errors == []


def test_shared_link_restores_the_view(offline_page, app_url) -> None:
    page, _ = offline_page
    frame = open_app(page, f"{app_url}/?basemap=offline&layers=bases&view=15.0,-70.0,6")
    page.wait_for_timeout(1000)
    assert frame.locator("body").evaluate("() => window.map.getZoom()") == 6
    assert "Bases" in page.locator('[data-testid="stMultiSelect"]').first.inner_text()
    assert "Assets" not in page.locator('[data-testid="stMultiSelect"]').first.inner_text()
    assert figure(page, "Ships") == "0"


PAYLOADS = {
    "name": '<img src=x onerror="alert(1)">',
    "notes": "${alert(2)}</script><script>alert(3)</script>",
    "type": "\"'><svg onload=alert(4)>",
}


def hostile_files() -> list[dict[str, Any]]:
    """The tiny valid data set with script in every text field a page might show."""
    from tests.factories import SOURCES, valid_layers

    layers = valid_layers()
    for collection_ in layers.values():
        for item in collection_["features"]:
            item["properties"]["name"] = PAYLOADS["name"] + item["properties"]["id"]
            item["properties"]["notes"] = PAYLOADS["notes"]
            if "type" in item["properties"]:
                item["properties"]["type"] = PAYLOADS["type"]
    sources = [dict(SOURCES[0], title="[x](javascript:alert(5)) <b onmouseover=alert(6)>")]
    files = [
        {
            "name": f"{name}.geojson",
            "mimeType": "application/geo+json",
            "buffer": json.dumps(fc).encode(),
        }
        for name, fc in layers.items()
    ]
    return [
        *files,
        {
            "name": "sources.json",
            "mimeType": "application/json",
            "buffer": json.dumps(sources).encode(),
        },
    ]


def test_uploaded_script_stays_inert(offline_page, app_url) -> None:
    page, log = offline_page
    open_app(page, f"{app_url}/?basemap=offline")
    _settle(page)  # the first page's own reruns done: the upload starts a run of its own
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        hostile_files()
    )
    page.wait_for_function("() => document.body.innerText.includes('Your upload')", timeout=WAIT_MS)
    page.wait_for_function(
        f"""() => {{
          const frames = document.querySelectorAll('{MAP_FRAME}');
          const PM = frames.length === 1 && frames[0].contentWindow.posturemap;
          // the map of the upload (its names are in the payload), drawn
          return PM && PM.ready && PM.data.strings.some(t => t.startsWith('<img src=x'));
        }}""",
        timeout=WAIT_MS,
    )
    frame = settled_frame(page)
    assert figure(page, "Ships") == "1"
    # Hover and click every point: tooltips and popups open, the panel shows the details.
    points = frame.locator("body").evaluate(
        "() => window.posturemap.drawn().map(([i, x, y]) => [x, y])"
    )
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    box = page.locator(MAP_FRAME).bounding_box()
    for x, y in points:
        if 0 < x < box["width"] and 0 < y < box["height"]:
            page.mouse.move(box["x"] + x, box["y"] + y)
            page.wait_for_timeout(100)
            page.mouse.click(box["x"] + x, box["y"] + y)
    page.get_by_text("Sources", exact=True).wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    assert PAYLOADS["name"] in page.locator("body").inner_text()  # shown as text
    assert log.dialogs == []
    assert log.page_errors == []
    assert page.locator('a[href^="javascript"]').count() == 0
    assert frame.locator('a[href^="javascript"]').count() == 0


DRAWN_JS = """(body, t) => {
  const PM = window.posturemap, slider = document.querySelector('input.pm-slider');
  slider.value = String(t);
  slider.dispatchEvent(new Event('input'));
  const on = prefix => Object.keys(PM.groups)
      .filter(k => k === prefix || k.startsWith(prefix + ':'))
      .reduce((sum, k) => sum + PM.shown(k), 0);
  return {now: document.querySelector('.pm-timeline span.pm-now').textContent, pmNow: PM.now,
          strikes: on('strikes'), assets: on('assets')};
}"""


@pytest.mark.parametrize(
    ("window", "days"), [(None, ["2025-09-03", "2025-10-23"]), (7, ["2025-10-23"])]
)
def test_timeline_plays_the_build_up(
    offline_page, app_url, window: int | None, days: list[str]
) -> None:
    from datetime import date, datetime, timezone

    import geo
    from geo.app import state, view
    from geo.data import selection

    page, log = offline_page
    query = f"&window={window}" if window else ""
    frame = open_app(page, f"{app_url}/?basemap=offline&play=1{query}")
    assert frame.locator(".pm-timeline").count() == 1
    assert frame.locator(".pm-timeline button.pm-play").count() == 1
    dataset = geo.load(REPO / "data")
    for day in days:  # one page, several days: a page load is the slow part
        # Moving the slider shows the state the Python as-of rule gives for that day.
        when = date.fromisoformat(day)
        end_of_day = int(datetime(when.year, when.month, when.day, tzinfo=timezone.utc).timestamp())
        end_of_day += 86400
        drawn = frame.locator("body").evaluate(DRAWN_JS, end_of_day)
        # With a window, the strikes of its last days only: the window moves with the slider.
        expected = selection.as_of(dataset, when, state.window_start(when, window))
        assert drawn == {
            "now": day,
            "pmNow": end_of_day,
            "strikes": len(expected["strikes"]),
            "assets": len(expected["assets"]),
        }
        # The slider's panel shows that day's figures, as the page's figures would be then.
        at_day = view.in_view(dataset, state.ViewState(as_of=when, window=window))
        assert frame.locator(".pm-figures").inner_text() == view.figures_line(at_day)
    # Play moves on day by day from the first day; pressed again, it pauses.
    first = frame.locator("body").evaluate(
        "() => { const t = +document.querySelector('input.pm-slider').min;"
        " window.posturemap.setTime(t); return t; }"
    )
    play = frame.locator("button.pm-play")
    play.click()
    frame.locator("body").evaluate(
        "(body, t) => new Promise(r => { const i = setInterval(() => {"
        " if (window.posturemap.now > t) { clearInterval(i); r(true); } }, 50); })",
        first,
    )
    play.click()
    assert play.inner_text() == "\u25b6"
    assert int(frame.locator("input.pm-slider").input_value()) > first
    assert "play=1" in page.url
    assert log.page_errors == [] and log.blocked == [] and log.dialogs == []


@contextlib.contextmanager
def _one_run(page: Any) -> Iterator[None]:
    """Around an input: afterwards, wait for the script run it started to end.

    Runs are counted as they start (:data:`COUNT_RUNS`); an input that starts none is waited
    for a moment only.
    """
    before = page.evaluate("() => window.__pmRuns")
    yield
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"() => window.__pmRuns > {before}", timeout=2000)
    _settle(page, quiet_ms=250)  # an input's run starts no other


def _settle(page: Any, quiet_ms: int = 1000) -> None:
    """Wait until no script run is going on and none has started for ``quiet_ms``.

    A new map reports its view once drawn, which starts a run of its own: what a test reads
    before that run has drawn the page may be the old page.
    """
    page.wait_for_function(
        """quiet => {
          const e = document.querySelector('[data-test-script-state]');
          return e && e.getAttribute('data-test-script-state') !== 'running'
              && Date.now() - window.__pmRunAt > quiet;
        }""",
        arg=quiet_ms,
        timeout=WAIT_MS,
    )


def test_add_a_report_by_clicking_the_map_then_undo(offline_page, app_url, tmp_path) -> None:
    page, _ = offline_page
    open_app(page, app_url)
    ships = figure(page, "Ships")
    page.get_by_text("Data: default set or your own").click()
    page.get_by_label("Edit a copy in").fill(str(tmp_path / "work"))
    page.get_by_role("button", name="Edit a copy", exact=True).click()
    # Clicked as soon as it shows, maybe while the new map's own runs are on their way: the
    # press is kept (geo.app.presses).
    page.get_by_role("button", name="Pick on the map").click(timeout=WAIT_MS)
    page.get_by_text("Click the map where the report is.").wait_for(timeout=WAIT_MS)
    settled_frame(page)  # the new data's map drawn, and its own run over: the one to click
    _settle(page)
    frame = page.locator(MAP_FRAME)
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.12)
    position = page.locator("input[aria-label='Position *']")
    expect(position).not_to_have_value("", timeout=WAIT_MS)
    _settle(page)
    with _one_run(page):
        page.get_by_label("name *", exact=True).fill("Picked Ship")
        page.keyboard.press("Tab")
    observed = page.get_by_label("observed *", exact=True)
    with _one_run(page):
        observed.locator("[role=spinbutton]").first.click()
        page.keyboard.type("20251024")
        page.keyboard.press("Tab")
    boxes = (("stMultiSelect", "sources *", "seed-004"),)
    boxes += (("stSelectbox", "confidence *", "reported"), ("stSelectbox", "category *", "ship"))
    for testid, label, option in boxes:
        box_ = page.locator(f"[data-testid={testid}]").filter(has_text=label).first
        with _one_run(page):
            box_.locator("input").first.click()
            page.keyboard.type(option)
            page.keyboard.press("Enter")
            if testid == "stMultiSelect":  # it stays open for more
                page.keyboard.press("Escape")
    for label, value in (("type *", "destroyer"), ("count *", "1"), ("uncertainty_km *", "20")):
        with _one_run(page):
            page.get_by_label(label, exact=True).fill(value)
            page.keyboard.press("Tab")
    page.get_by_role("button", name="Add the report").click()
    page.wait_for_function(
        "() => document.body.innerText.includes('picked-ship-2025-10-24')", timeout=WAIT_MS
    )
    settled_frame(page)
    assert int(figure(page, "Ships")) == int(ships) + 1
    page.get_by_role("tab", name="History").click()
    page.get_by_role("button", name="Undo last change").click()
    ships_value = page.locator('[data-testid="stMetric"]').filter(has_text="Ships")
    expect(ships_value.locator('[data-testid="stMetricValue"]')).to_have_text(
        ships, timeout=WAIT_MS
    )
    lines = (tmp_path / "work" / "history.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["op"] for line in lines] == ["add", "undo"]


def test_two_browser_sessions_edit_one_directory(browser: Any, tmp_path_factory) -> None:
    """Two people on one working directory (``-- --data DIR``): both opened it before either
    wrote, each deletes a report, and both changes land, recorded in the history."""
    work = write_dataset(tmp_path_factory.mktemp("team") / "work", valid_layers())
    doomed = ["s1", "s2"]  # two strikes: nothing refers to them
    server = _serve(tmp_path_factory.mktemp("team-server"), ["--data", str(work)])
    url = next(server)
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in doomed]
    try:
        pages = [context.new_page() for context in contexts]
        for page, fid in zip(pages, doomed, strict=True):  # both load at once
            page.route("**/*", lambda r: r.continue_() if is_local(r.request.url) else r.abort())
            page.add_init_script(COUNT_RUNS)
            page.goto(f"{url}/?basemap=offline&sel={fid}", wait_until="commit")
        for page in pages:
            settled_frame(page)
            _settle(page)
        history_file = work / "history.jsonl"
        for done, page in enumerate(pages, start=1):  # each on what it read before
            page.get_by_role("tab", name="Selected report").click()
            page.get_by_role("tab", name="Delete").click()
            with _one_run(page):
                page.get_by_text("Yes, delete this report").click()
            button = page.get_by_role("button", name="Delete", exact=True)
            expect(button).to_be_enabled(timeout=WAIT_MS)
            button.click()
            deadline = time.monotonic() + WAIT_MS / 1000
            while time.monotonic() < deadline and (
                not history_file.exists() or len(history_file.read_text().splitlines()) < done
            ):
                page.wait_for_timeout(100)
        changes = [json.loads(line) for line in history_file.read_text().splitlines()]
        assert [(c["op"], c["before"]["properties"]["id"]) for c in changes] == [
            ("delete", fid) for fid in doomed
        ]
        layer = json.loads((work / "strikes.geojson").read_text(encoding="utf-8"))
        assert not {f["properties"]["id"] for f in layer["features"]} & set(doomed)
    finally:
        for context in contexts:
            context.close()
        server.close()


PRESS_RACE_PAGE = """
import time
import streamlit as st
from geo.app import presses
ss = st.session_state
ss.setdefault("acted", 0)
st.text_input("Other input", key="other")
for step in range(8):  # a slow page: the run a press starts is still on its way...
    st.caption(f"step {step}")
    time.sleep(0.15)
if presses.button(st, "Press", key="press"):
    ss["acted"] += 1
presses.forget(ss)
st.write(f"acted on {ss['acted']} presses")
"""


def test_a_press_survives_the_run_another_input_cuts_short(offline_page, tmp_path_factory) -> None:
    """...when another input asks for a run (here a box that loses its focus; in the app, a
    new map reporting its view), Streamlit starts again without the press: a plain
    ``st.button`` acts on none of these presses (measured with this page)."""
    page, _ = offline_page
    script = tmp_path_factory.mktemp("race") / "press_race.py"
    script.write_text(PRESS_RACE_PAGE, encoding="utf-8")
    server = _serve(script.parent, script=script)
    url = next(server)
    try:
        page.add_init_script(COUNT_RUNS)
        page.goto(url)
        page.get_by_text("acted on 0 presses").wait_for(timeout=WAIT_MS)
        presses = 2
        for n in range(presses):
            _settle(page)
            before = page.evaluate("() => window.__pmRuns")
            page.get_by_role("button", name="Press").click()
            page.wait_for_function(f"() => window.__pmRuns > {before}", timeout=WAIT_MS)
            box = page.get_by_label("Other input")
            box.fill(f"typed {n}")
            box.press("Enter")  # a new run, asked for while the press's run is on its way
        page.get_by_text(f"acted on {presses} presses").wait_for(timeout=WAIT_MS)
    finally:
        server.close()
