"""The first page does not wait for distances and maritime zones (geo.app.background).

The analysis runs in a worker thread; here it is held back by an event, so what the page
shows before and after it is done is checked without timing anything.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from geo.app import background, overlays, page_steps

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The app's analysis waits until the returned event is set."""
    release = threading.Event()
    real = overlays.analysis_of

    def analysis_of(*args: Any) -> Any:
        assert release.wait(60), "the test never released the analysis"
        return real(*args)

    monkeypatch.setattr(overlays, "analysis_of", analysis_of)
    page_steps._jobs.clear()  # no result from an earlier test
    yield release
    release.set()
    page_steps._jobs.clear()


def table(at: AppTest) -> Any:
    (found,) = [d.value for d in at.dataframe if "layer" in d.value.columns]
    return found


def test_first_page_shows_before_the_analysis_then_its_columns(held: threading.Event) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.metric) == 5
    assert "zone" not in table(at).columns
    assert any("maritime zones" in c.value for c in at.caption)
    held.set()
    at.run()  # the browser's next message (the map reports its view) releases the analysis
    deadline = time.monotonic() + 60
    while not page_steps.analysis_ready(at.session_state["_data_key"], at.session_state["to"]):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    at.run()
    assert {"zone", "coastal_state", "nearest_base"} <= set(table(at).columns)
    assert table(at)["zone"].astype(bool).any()
    assert not any("maritime zones" in c.value for c in at.caption)


def test_a_selected_feature_waits_for_its_analysis(held: threading.Event) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["sel"] = "uss-gravely-2025-10-23"
    threading.Timer(0.5, held.set).start()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "Zone:" in text and "Nearest base" in text
    assert "zone" in table(at).columns


@pytest.mark.parametrize("answer", ["browser", "time"])
def test_the_first_pages_analysis_waits_for_the_browser(
    monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    """On a session's first run the analysis waits for the browser's next message (the map
    drawn reports its view), or FIRST_MAP_HOLD_S without one."""
    started = threading.Event()
    real = overlays.analysis_of

    def analysis_of(*args: Any) -> Any:
        started.set()
        return real(*args)

    monkeypatch.setattr(overlays, "analysis_of", analysis_of)
    monkeypatch.setattr(page_steps, "FIRST_MAP_HOLD_S", 60.0 if answer == "browser" else 1.0)
    page_steps._jobs.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        assert not started.wait(0.5)  # held while the browser loads the map
        if answer == "browser":
            at.run()
        assert started.wait(30)
    finally:
        page_steps._jobs.clear()


def test_jobs_run_once_per_key_and_keep_the_last() -> None:
    jobs = background.Jobs(keep=2)
    calls: list[str] = []
    gate = threading.Event()

    def work(name: str) -> str:
        gate.wait(10)
        calls.append(name)
        return name.upper()

    first = jobs.submit("a", work, "a")
    assert jobs.submit("a", work, "a") is first  # running: not started again
    assert jobs.ready("a") is None
    gate.set()
    assert jobs.wait("a", work, "a") == "A"
    assert jobs.ready("a") == "A"
    jobs.wait("b", work, "b")
    jobs.wait("c", work, "c")
    assert jobs.ready("a") is None  # forgotten: only two kept
    assert calls == ["a", "b", "c"]


def test_a_failed_job_raises_and_is_tried_again() -> None:
    jobs = background.Jobs()
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first time")
        return "ok"

    with pytest.raises(RuntimeError, match="first time"):
        jobs.wait("k", flaky)
    with pytest.raises(RuntimeError):
        jobs.ready("k")
    assert jobs.wait("k", flaky) == "ok"
    assert len(attempts) == 2


def test_stopping_does_not_wait_for_unfinished_work() -> None:
    import subprocess
    import sys

    code = (
        "import time; from geo.app.background import Jobs; "
        "Jobs().submit('k', time.sleep, 60); time.sleep(0.2)"
    )
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)
    assert time.monotonic() - start < 20  # not the 60 s the work would take


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a per-thread nice is Linux's")
def test_the_worker_yields_the_cpu_to_the_page() -> None:
    import os

    main = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    worker = background.Jobs().wait(
        "nice", lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    )
    assert worker == max(main, 10)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main
