"""How long the app takes, server side, to rerun after a filter change.

Run by hand: ``python bench/bench_app.py [--data DIR] [--runs N]``. Prints

1. whole reruns of ``app.py`` under ``streamlit.testing.v1.AppTest`` (the script,
   the widgets, the map's component arguments; no browser): the first run (cold
   caches) and reruns that change the as-of date, a filter or the basemap;
2. the steps a rerun calls, each timed alone, cached (what the app does:
   ``st.cache_data`` keyed on the content digest) against the naive way (read,
   validate and analyse again on every rerun).

Figures are medians (and the 90th percentile) of N runs on this machine.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from geo.app import overlays, uploads, view, webmap  # noqa: E402
from geo.app.state import ViewState  # noqa: E402
from geo.data import files as data_files  # noqa: E402
from geo.data import reading, schema, selection  # noqa: E402
from geo.data.paths import default_data_dir  # noqa: E402


def timed(function: Callable[[], object], runs: int) -> list[float]:
    """Wall times of ``runs`` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def line(label: str, times: list[float]) -> str:
    p90 = sorted(times)[max(0, int(len(times) * 0.9) - 1)]
    return f"  {label:<58} median {statistics.median(times):8.1f} ms   p90 {p90:8.1f} ms"


def bench_reruns(runs: int) -> None:
    from streamlit.testing.v1 import AppTest

    print("Whole reruns of app.py (AppTest, server side, default data set)")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    start = time.perf_counter()
    at.run()
    print(
        f"  {'first run (cold caches, includes import of geo modules)':<58} "
        f"{(time.perf_counter() - start) * 1000:8.1f} ms"
    )
    if at.exception:
        print("  the app raised:", [e.value for e in at.exception])
        return
    slider = at.select_slider[0]
    days = list(slider.options)
    layers = next(w for w in at.multiselect if w.label == "Layers")
    basemap = next(w for w in at.selectbox if w.label == "Basemap")

    step = itertools.count()

    def change_date() -> None:
        slider.set_value(selection.to_day(days[next(step) % len(days)]))
        at.run()

    def change_layers() -> None:
        layers.set_value(["bases", "assets"] if next(step) % 2 else list(schema.LAYERS))
        at.run()

    def change_basemap() -> None:
        basemap.set_value("offline" if next(step) % 2 else "light")
        at.run()

    points = [(13.3, -68.3), (18.3, -65.6)]

    def click() -> None:  # as st_folium reports a click: only the selection changes
        lat, lng = points[next(step) % 2]
        at.session_state["map"] = {"last_object_clicked": {"lat": lat, "lng": lng}, "zoom": 6}
        at.run()

    def nothing() -> None:
        at.run()

    for label, action in (
        ("rerun, nothing changed", nothing),
        ("rerun after an as-of date change", change_date),
        ("rerun after a layer filter change", change_layers),
        ("rerun after a basemap change", change_basemap),
        ("rerun after a click on the map (selection)", click),
    ):
        action()  # warm this path's caches once
        print(line(label, timed(action, runs)))


def bench_steps(data: Path, runs: int) -> None:
    import streamlit as st

    files, _ = data_files.read_directory(data)
    key = uploads.content_key(files)
    cached_load = st.cache_data(lambda k, _f: reading.load_bytes(_f), show_spinner=False)
    dataset = reading.load_bytes(files)
    cached_analysis = st.cache_data(
        lambda k, _d: overlays.analysis_of(_d, "caracas"), show_spinner=False
    )
    state = ViewState(as_of=selection.dates_in(dataset)[0])
    day = view.effective_date(state, dataset)
    cached_load(key, files)
    cached_analysis(key, dataset)
    features = sum(len(f) for f in dataset.layers.values())
    print(f"\nSteps of one rerun ({data}, {features} features)")
    print(
        line(
            "read the files + content digest (every rerun)",
            timed(lambda: uploads.content_key(data_files.read_directory(data)[0]), runs),
        )
    )
    print(
        line("load + validate, naive (every rerun)", timed(lambda: reading.load_bytes(files), runs))
    )
    print(line("load + validate, st.cache_data hit", timed(lambda: cached_load(key, files), runs)))
    analysis = overlays.analysis_of(dataset, "caracas")
    if analysis is not None:
        print(
            line(
                "analysis, naive",
                timed(lambda: overlays.analysis_of(dataset, "caracas"), max(3, runs // 4)),
            )
        )
        print(
            line("analysis, st.cache_data hit", timed(lambda: cached_analysis(key, dataset), runs))
        )
    else:
        print("  analysis: geo.analysis.joins is not available yet")
    print(
        line(
            "as-of selection + filters + figures",
            timed(lambda: view.figures(view.in_view(dataset, state)), runs),
        )
    )
    print(
        line(
            "features table",
            timed(lambda: view.features_table(view.in_view(dataset, state), analysis), runs),
        )
    )

    def draw() -> None:
        fmap = webmap.view_map(
            view.filtered(dataset, state), state, day, assets_url="/app/static/vendor"
        )
        fmap.get_root().render()

    print(line("build the folium map + render it (st_folium does this)", timed(draw, runs)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--skip-app", action="store_true", help="only time the steps")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    if not args.skip_app:
        bench_reruns(args.runs)
    bench_steps(args.data, args.runs)


if __name__ == "__main__":
    main()
